import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { runCli } from '../../cli/main.ts';
import { type Database, openDatabase } from '../../db/client.ts';
import {
  currentFrameworkVersion,
  type FrameworkDocument,
  frameworkCsvOf,
  frameworkDocument,
  frameworkJson,
  frameworkVersion,
  importFramework,
} from './framework.service.ts';

// The command opens the database named by the environment itself, as it does when run by hand on the server.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let directory: string;
const saved = { ...process.env };
const output: string[] = [];
const { log, error } = console;

before(async () => {
  database = await openTestDatabase();
  directory = await mkdtemp(path.join(tmpdir(), 'wc-framework-'));
  process.env.BASE_URL = 'http://localhost:3000';
  process.env.DATA_DIR = path.join(directory, 'data');
  if (process.env.TEST_DATABASE_URL) {
    // Point the command's own connection at this test's schema.
    const [{ schema } = { schema: '' }] = await database.query<{ schema: string }>('SELECT current_schema() AS schema');
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    process.env.DATABASE_URL = url.toString();
  }
  console.log = (...parts: unknown[]) => void output.push(parts.join(' '));
  console.error = console.log;
});
after(async () => {
  console.log = log;
  console.error = error;
  process.env = saved;
  await database.drop();
});

/** Runs work on its own connection to the command's database, closed before the command opens it again. */
async function inCommandDatabase<T>(work: (commandDatabase: Database) => Promise<T>): Promise<T> {
  const commandDatabase = process.env.DATABASE_URL
    ? await openDatabase({ url: process.env.DATABASE_URL })
    : await openDatabase({ dataDir: process.env.DATA_DIR });
  try {
    return await work(commandDatabase);
  } finally {
    await commandDatabase.close();
  }
}

const measure = (code: string, title: string, unit: string, proxyValuePence: number | null) => ({
  code,
  title,
  unit,
  evidenceGuidance: `Records showing the ${unit}, for example "payroll, timesheets"`,
  proxyValuePence,
  proxySource: proxyValuePence === null ? '' : 'Written for tests, with a comma, and "quotes"',
});

const swaleFramework: FrameworkDocument = {
  title: 'Swale social value framework',
  source: 'Written for tests',
  licence: 'Open Government Licence v3.0',
  themes: [
    {
      code: 'T1',
      title: 'Jobs and skills',
      description: 'Work, training; and the first step into them',
      outcomes: [
        {
          code: 'O1',
          title: 'More local people in work',
          description: '',
          measures: [measure('M1', 'Local people employed', 'people', 1_000_000)],
        },
        {
          code: 'O2',
          title: 'Better skills for work',
          description: 'Including apprenticeships',
          measures: [
            measure('M2', 'Training weeks delivered', 'weeks', 25_000),
            measure('M3', 'Apprenticeships started', 'apprenticeships', null),
          ],
        },
      ],
    },
    {
      code: 'T2',
      title: 'Health and wellbeing',
      description: '',
      outcomes: [
        {
          code: 'O3',
          title: 'Less loneliness',
          description: '',
          measures: [measure('M4', 'Hours of befriending', 'hours', null)],
        },
      ],
    },
  ],
};

/** A test framework, written through the service and exported with the framework page's own downloads. */
async function exported() {
  const result = await importFramework(
    database,
    { fileName: 'swale.json', content: Buffer.from(JSON.stringify(swaleFramework)) },
    { userId: null },
  );
  assert.ok(result.ok);
  const tree = await frameworkVersion(database, result.version.version);
  assert.ok(tree);
  return { json: frameworkJson(tree), csv: frameworkCsvOf(tree) };
}

async function importedAs(file: string): Promise<number> {
  const before = output.length;
  assert.equal(await runCli(['import-framework', file]), 0);
  const lines = output.slice(before);
  assert.equal(lines.length, 1, 'one line when the file is imported');
  const match =
    /^Imported (\S+) as version (\d+), “Swale social value framework”: 2 themes, 3 outcomes and 4 measures\. It is now the current framework\.$/.exec(
      lines[0] ?? '',
    );
  assert.ok(match, lines[0]);
  assert.equal(match[1], path.basename(file));
  return Number(match[2]);
}

test('import-framework publishes a JSON file and a CSV file exported from a framework as new versions', async () => {
  const { json, csv } = await exported();
  const jsonFile = path.join(directory, 'framework.json');
  const csvFile = path.join(directory, 'framework.csv');
  await writeFile(jsonFile, json);
  await writeFile(csvFile, csv);

  const fromJson = await importedAs(jsonFile);
  const fromCsv = await importedAs(csvFile);
  assert.equal(fromCsv, fromJson + 1);
  await inCommandDatabase(async (commandDatabase) => {
    assert.equal((await currentFrameworkVersion(commandDatabase))?.version, fromCsv);
    for (const version of [fromJson, fromCsv]) {
      const tree = await frameworkVersion(commandDatabase, version);
      assert.ok(tree);
      const { version: _version, ...imported } = frameworkDocument(tree);
      assert.deepEqual(imported, swaleFramework, `version ${version} holds the whole framework`);
    }
    // By file name: on PostgreSQL the command shares this test's schema, where exported() imported swale.json.
    const audited = await commandDatabase.query<{ file: string }>(
      `SELECT details->>'fileName' AS file FROM audit_log
        WHERE action = 'impact_framework.version_imported' AND actor_user_id IS NULL
          AND details->>'fileName' IN ('framework.json', 'framework.csv')
        ORDER BY id`,
    );
    assert.deepEqual(
      audited.map((row) => row.file),
      ['framework.json', 'framework.csv'],
      'each import is in the audit log, with no person as its actor',
    );
  });
});

test('import-framework refuses a broken file with one problem a line, and imports none of it', async () => {
  const [theme, ...otherThemes] = swaleFramework.themes;
  assert.ok(theme);
  const broken = { ...swaleFramework, title: '', themes: [{ ...theme, code: 'T2' }, ...otherThemes] };
  const file = path.join(directory, 'broken.json');
  await writeFile(file, JSON.stringify(broken));
  const current = await inCommandDatabase(async (commandDatabase) => currentFrameworkVersion(commandDatabase));

  const before = output.length;
  assert.equal(await runCli(['import-framework', file]), 1);
  assert.deepEqual(output.slice(before), [
    ['Nothing was imported from broken.json.', 'title: Enter the framework title'].join('\n'),
  ]);
  await inCommandDatabase(async (commandDatabase) =>
    assert.equal((await currentFrameworkVersion(commandDatabase))?.version, current?.version),
  );

  await writeFile(file, JSON.stringify({ ...broken, title: 'Swale social value framework' }));
  assert.equal(await runCli(['import-framework', file]), 1);
  assert.match(
    output.at(-1) ?? '',
    /^Nothing was imported from broken.json.\nthemes\[1\]\.code: The theme code T2 is used more than once \(also at themes\[0\]\.code\)/,
  );

  const { csv } = await exported();
  await writeFile(path.join(directory, 'broken.csv'), csv.replace(',1000000,', ',ten pounds,'));
  assert.equal(await runCli(['import-framework', path.join(directory, 'broken.csv')]), 1);
  assert.match(output.at(-1) ?? '', /^Nothing was imported from broken.csv.\nline 2, proxy_value_pence: .+$/);

  await writeFile(path.join(directory, 'framework.txt'), 'not a framework');
  assert.equal(await runCli(['import-framework', path.join(directory, 'framework.txt')]), 1);
  assert.equal(
    output.at(-1),
    'Nothing was imported from framework.txt.\nThe selected file must be a JSON file (.json) or a CSV file (.csv)',
  );
  assert.equal(await runCli(['import-framework', path.join(directory, 'missing.csv')]), 1);
  assert.match(output.at(-1) ?? '', /^Cannot read .*missing\.csv: ENOENT$/);
});
