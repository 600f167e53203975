import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import type { Database } from '../../db/client.ts';
import {
  currentFramework,
  type FrameworkDocument,
  frameworkCsvOf,
  frameworkDocument,
  frameworkJson,
  frameworkVersion,
  frameworkVersions,
  importFramework,
} from './framework.service.ts';

let database: Database & { drop(): Promise<void> };
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const actor = { userId: null, ip: '192.0.2.1' };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const versionCount = async () =>
  (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM impact_framework_versions'))[0]?.n;
const auditCount = async () =>
  (await database.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'impact%'"))[0]?.n;

async function versionOne() {
  const tree = await frameworkVersion(database, 1);
  assert.ok(tree, 'version 1 is written by the migrations');
  return tree;
}

const small = (): FrameworkDocument => ({
  title: 'Licensed framework',
  source: 'Written by the authority',
  licence: 'Used under our own licence',
  themes: [
    {
      code: 'A',
      title: 'Jobs',
      description: '',
      outcomes: [
        {
          code: 'A1',
          title: 'More jobs',
          description: 'Local jobs',
          measures: [
            {
              code: 'A1.1',
              title: 'Jobs filled',
              unit: 'people',
              evidenceGuidance: 'Payroll',
              proxyValuePence: 1000,
              proxySource: 'Our study',
            },
            {
              code: 'A1.2',
              title: 'Training',
              unit: 'hours',
              evidenceGuidance: 'Registers',
              proxyValuePence: null,
              proxySource: '',
            },
          ],
        },
      ],
    },
  ],
});

test('version 1 is the default framework: five themes, outcomes and measures with stable codes and sources', async () => {
  const tree = await versionOne();
  assert.equal(tree.title, 'Kent and Medway impact framework');
  assert.match(tree.licence, /Open Government Licence v3\.0/);
  assert.match(tree.source, /Social Value Model/);
  assert.deepEqual(
    tree.themes.map((theme) => theme.code),
    ['SVM-T1', 'SVM-T2', 'SVM-T3', 'SVM-T4', 'SVM-T5'],
  );
  const outcomes = tree.themes.flatMap((theme) => theme.outcomes);
  const measures = outcomes.flatMap((outcome) => outcome.measures);
  assert.ok(outcomes.length >= 10 && outcomes.length <= 15, `${outcomes.length} outcomes`);
  assert.ok(measures.length >= 20 && measures.length <= 30, `${measures.length} measures`);
  assert.equal(outcomes[0]?.code, 'SVM-O1.1');
  assert.equal(measures[0]?.code, 'M-1.1.1');
  for (const measure of measures) {
    assert.notEqual(measure.unit, '', measure.code);
    assert.notEqual(measure.evidenceGuidance, '', measure.code);
    if (measure.proxyValuePence !== null) assert.match(measure.proxySource, /https:\/\/www\.gov\.uk\//, measure.code);
  }
});

test('importing a new version leaves version 1, its rows and their ids exactly as they were', async () => {
  const before = await versionOne();
  const changed = frameworkDocument(before);
  const firstMeasure = changed.themes[0]?.outcomes[0]?.measures[0];
  assert.ok(firstMeasure);
  firstMeasure.title = 'Jobs filled by local people, counted a new way';
  changed.title = 'Kent and Medway impact framework, revised';

  const result = await importFramework(database, { fileName: 'revised.json', content: json(changed) }, actor);
  assert.ok(result.ok, JSON.stringify(result));
  assert.ok(result.version.version > 1);
  assert.deepEqual(await versionOne(), before, 'version 1 is untouched, ids included');

  const current = await currentFramework(database);
  assert.equal(current?.version, result.version.version);
  assert.equal(current?.themes[0]?.outcomes[0]?.measures[0]?.title, 'Jobs filled by local people, counted a new way');
  const oldIds = new Set(before.themes.flatMap((theme) => theme.outcomes.flatMap((o) => o.measures.map((m) => m.id))));
  for (const measure of current?.themes.flatMap((theme) => theme.outcomes.flatMap((o) => o.measures)) ?? []) {
    assert.ok(!oldIds.has(measure.id), 'a new version has rows of its own');
  }
  const listed = await frameworkVersions(database);
  assert.deepEqual(
    listed.slice(-1).map(({ version, measures }) => ({ version, measures })),
    [{ version: 1, measures: 29 }],
  );
  const [audit] = await database.query<{ subject_id: string; details: { version: number; measures: number } }>(
    "SELECT subject_id, details FROM audit_log WHERE action = 'impact_framework.version_imported' ORDER BY id DESC LIMIT 1",
  );
  assert.equal(audit?.subject_id, result.version.id);
  assert.equal(audit?.details.measures, 29);
});

test('the database refuses to change or delete a written version', async () => {
  await assert.rejects(database.query("UPDATE impact_measures SET unit = 'things' WHERE code = 'M-1.1.1'"));
  await assert.rejects(database.query("DELETE FROM impact_themes WHERE code = 'SVM-T5'"));
  await assert.rejects(database.query('UPDATE impact_framework_versions SET title = $1', ['Renamed']));
  assert.equal((await versionOne()).title, 'Kent and Medway impact framework');
});

for (const format of ['json', 'csv'] as const) {
  test(`version 1 exported as ${format.toUpperCase()} imports back as an identical new version`, async () => {
    const original = await versionOne();
    const content = Buffer.from(format === 'json' ? frameworkJson(original) : frameworkCsvOf(original));
    const result = await importFramework(database, { fileName: `framework.${format}`, content }, actor);
    assert.ok(result.ok, JSON.stringify(result));
    const copy = await frameworkVersion(database, result.version.version);
    assert.ok(copy);
    const { version: _one, ...expected } = frameworkDocument(original);
    const { version: _two, ...actual } = frameworkDocument(copy);
    assert.deepEqual(actual, expected);
    assert.deepEqual([result.themes, result.outcomes, result.measures], [5, 11, 29]);
  });
}

const csvHeader =
  'framework_title,framework_source,framework_licence,theme_code,theme_title,outcome_code,outcome_title,measure_code,measure_title,unit,evidence_guidance,proxy_value_pence,proxy_source';
const csvRow = (cells: Partial<Record<string, string>> = {}) =>
  [
    cells.title ?? 'Framework',
    cells.source ?? 'Ours',
    cells.licence ?? 'OGL',
    cells.theme ?? 'T',
    cells.themeTitle ?? 'Theme',
    cells.outcome ?? 'O',
    'Outcome',
    cells.measure ?? 'M1',
    'Measure',
    cells.unit ?? 'people',
    'Registers',
    cells.proxy ?? '',
    cells.proxySource ?? '',
  ].join(',');

const brokenFiles: { name: string; fileName: string; content: Buffer; expect: RegExp; where?: string }[] = [
  { name: 'not JSON', fileName: 'f.json', content: Buffer.from('{"title": "x",'), expect: /not valid JSON/ },
  {
    name: 'wrong encoding',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow({ title: 'Caf\xe9' })}\n`, 'latin1'),
    expect: /not saved as UTF-8/,
  },
  { name: 'empty', fileName: 'f.csv', content: Buffer.from(''), expect: /The file is empty/ },
  { name: 'empty JSON', fileName: 'f.json', content: Buffer.from('  \n'), expect: /The file is empty/ },
  { name: 'JSON list', fileName: 'f.json', content: json([]), expect: /must hold one framework/ },
  { name: 'no themes', fileName: 'f.json', content: json({ ...small(), themes: [] }), expect: /at least one theme/ },
  {
    name: 'missing columns',
    fileName: 'f.csv',
    content: Buffer.from('theme_code,theme_title\nT,Theme\n'),
    expect: /missing required columns: framework_title, framework_source, framework_licence, outcome_code/,
  },
  {
    name: 'header only',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n`),
    expect: /no measures below it/,
  },
  { name: 'unknown extension', fileName: 'f.xlsx', content: json(small()), expect: /must be a JSON file/ },
  {
    name: 'duplicate measure codes (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow()}\n${csvRow()}\n`),
    expect: /measure code M1 is used more than once \(also at line 2, measure_code\)/,
    where: 'line 3, measure_code',
  },
  {
    name: 'negative proxy (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow({ proxy: '-5', proxySource: 'Study' })}\n`),
    expect: /cannot be negative/,
    where: 'line 2, proxy_value_pence',
  },
  {
    name: 'proxy in pounds (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow({ proxy: '12.21', proxySource: 'Study' })}\n`),
    expect: /whole pence, like 1221/,
    where: 'line 2, proxy_value_pence',
  },
  {
    name: 'proxy without source (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow({ proxy: '100' })}\n`),
    expect: /Give the source of the proxy value/,
    where: 'line 2, proxy_source',
  },
  {
    name: 'theme title differs between rows (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n${csvRow()}\n${csvRow({ measure: 'M2', themeTitle: 'Other' })}\n`),
    expect: /not the same as on line 2: theme_title must be the same on every row of theme T/,
    where: 'line 3, theme_title',
  },
  {
    name: 'unclosed quote (CSV)',
    fileName: 'f.csv',
    content: Buffer.from(`${csvHeader}\n"Framework,Ours\n`),
    expect: /not a valid CSV file/,
  },
];

for (const broken of brokenFiles) {
  test(`a file refused whole: ${broken.name}`, async () => {
    const [versions, audits] = [await versionCount(), await auditCount()];
    const result = await importFramework(database, { fileName: broken.fileName, content: broken.content }, actor);
    assert.equal(result.ok, false);
    if (result.ok) return;
    const all = [...result.problems, ...result.located.map((problem) => `${problem.where}: ${problem.message}`)];
    assert.ok(
      all.some((text) => broken.expect.test(text)),
      all.join('\n'),
    );
    if (broken.where)
      assert.ok(
        result.located.some((problem) => problem.where === broken.where),
        all.join('\n'),
      );
    assert.deepEqual([await versionCount(), await auditCount()], [versions, audits], 'nothing is written');
  });
}

test('a JSON file with several problems gets every one back, each with its path and the code it is in', async () => {
  const file = small() as unknown as {
    themes: { outcomes: { code: string; measures: Record<string, unknown>[] }[] }[];
    colour?: string;
  };
  const outcome = file.themes[0]?.outcomes[0];
  assert.ok(outcome);
  outcome.measures[0] = { ...outcome.measures[0], proxyValuePence: -1 };
  outcome.measures[1] = { ...outcome.measures[1], proxyValuePence: 250, unit: '' };
  file.themes.push({ ...(file.themes[0] as object), outcomes: [{ ...outcome, code: 'A1' }] } as never);
  file.colour = 'green';
  const result = await importFramework(database, { fileName: 'f.json', content: json(file) }, actor);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.located.map(({ where, message }) => `${where} | ${message}`).sort(),
    [
      'top level | Remove "colour": it is not a field of the framework format',
      'themes[0].outcomes[0].measures[0].proxyValuePence | Measure A1.1: The proxy value cannot be negative',
      'themes[0].outcomes[0].measures[1].proxySource | Measure A1.2: Give the source of the proxy value: a proxy value cannot be imported without one',
      'themes[0].outcomes[0].measures[1].unit | Measure A1.2: Enter the unit',
      'themes[1].outcomes[0].measures[0].proxyValuePence | Measure A1.1: The proxy value cannot be negative',
      'themes[1].outcomes[0].measures[1].proxySource | Measure A1.2: Give the source of the proxy value: a proxy value cannot be imported without one',
      'themes[1].outcomes[0].measures[1].unit | Measure A1.2: Enter the unit',
    ].sort(),
  );
});

test('codes used twice in a JSON file are named at each place after the first', async () => {
  const file = small();
  const theme = file.themes[0];
  assert.ok(theme);
  file.themes.push({ ...theme, code: 'B' });
  const result = await importFramework(database, { fileName: 'f.json', content: json(file) }, actor);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(
    result.located.map((problem) => problem.where),
    ['themes[1].outcomes[0].code', 'themes[1].outcomes[0].measures[0].code', 'themes[1].outcomes[0].measures[1].code'],
  );
  assert.match(result.located[0]?.message ?? '', /outcome code A1 is used more than once \(also at themes\[0\]/);
});

test('a CSV saved by a spreadsheet (byte order mark, Windows line endings, a value over two lines) is read', async () => {
  const rows = [
    csvHeader,
    csvRow({ measure: 'M1' }),
    csvRow({ measure: 'M2' }).replace(',Registers,', ',"Registers,\r\nsigned each week",'),
    csvRow({ measure: 'M3', unit: '' }),
  ];
  const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.join('\r\n'))]);
  const refused = await importFramework(database, { fileName: 'Framework.CSV', content }, actor);
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.deepEqual(refused.located, [{ where: 'line 5, unit', message: 'Enter the unit' }], 'lines count the header');

  const fixed = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.slice(0, 3).join('\r\n'))]);
  const result = await importFramework(database, { fileName: 'Framework.CSV', content: fixed }, actor);
  assert.ok(result.ok, JSON.stringify(result));
  const tree = await frameworkVersion(database, result.version.version);
  assert.equal(tree?.title, 'Framework');
  assert.equal(tree?.themes[0]?.outcomes[0]?.measures[1]?.evidenceGuidance, 'Registers,\r\nsigned each week');
});
