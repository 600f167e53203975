import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { asc, eq } from 'drizzle-orm';
import { buildUser } from '../../../../test/support/factories.ts';
import { openTestDatabase } from '../../../../test/support/test-app.ts';
import { runCli } from '../../../cli/main.ts';
import type { Database } from '../../../db/client.ts';
import { auditLog, organisations } from '../../../db/schema.ts';
import { COLUMNS, EXAMPLE_CSV } from './organisations-csv.ts';
import { type ImportActor, type ImportResult, importOrganisations } from './organisations-import.ts';

let database: Database & { drop(): Promise<void> };
let actor: ImportActor;
before(async () => {
  database = await openTestDatabase();
  actor = { userId: (await buildUser(database, { roles: ['hub_admin'] })).id, ip: '127.0.0.1' };
});
after(() => database.drop());

const HEADER = COLUMNS.map((column) => column.name).join(',');
const row = (values: Partial<Record<string, string>>) =>
  COLUMNS.map((column) => {
    const value = values[column.name] ?? '';
    return /[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  }).join(',');
const valid = {
  name: 'Dover Lifeline',
  legal_form: 'charity',
  districts: 'E07000108',
  services: '103',
  beneficiaries: '202',
};

/** Everything an import could change: the organisations, exactly, and how many audit entries there are. */
async function snapshot() {
  const rows = await database.db.select().from(organisations).orderBy(asc(organisations.id));
  return { rows, audit: (await database.db.select().from(auditLog)).length };
}

async function refused(input: string | Buffer): Promise<Extract<ImportResult, { ok: false }>> {
  const before = await snapshot();
  const result = await importOrganisations(database, input, actor, { fileName: 'broken.csv' });
  assert.equal(result.ok, false, 'the file must be refused');
  assert.deepEqual(await snapshot(), before, 'a refused file writes nothing');
  return result as Extract<ImportResult, { ok: false }>;
}

const byName = async (name: string) =>
  (await database.db.select().from(organisations).where(eq(organisations.name, name)))[0];

test('a valid file adds its organisations, with the tier derived from income, and one audit entry', async () => {
  const result = await importOrganisations(database, EXAMPLE_CSV, actor, { fileName: 'example.csv' });
  assert.deepEqual(result, { ok: true, fileName: 'example.csv', rows: 2, created: 2, updated: 0, unchanged: 0 });
  const pantry = await byName('Ashford Community Pantry');
  assert.ok(pantry);
  assert.equal(pantry.incomePence, 1_850_000);
  assert.equal(pantry.tier, 3);
  assert.equal(pantry.sector, 'vcse');
  assert.equal(pantry.description, 'Food parcels and advice, every week');
  assert.deepEqual(pantry.services, ['105', '113']);
  assert.deepEqual(pantry.wards, ['E05011744']);
  assert.equal(pantry.charityNumber, '1161234');
  assert.equal(pantry.companyNumber, null);
  assert.equal(pantry.incomePrivate, false);
  assert.match(pantry.searchKeywords, /Relief of poverty/);
  const carers = await byName('Medway Young Carers');
  assert.equal(carers?.tier, 4);
  assert.deepEqual(carers?.districts, ['E06000035', 'E07000110']);
  const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'organisations.imported'));
  assert.equal(audit?.actorUserId, actor.userId);
  assert.deepEqual(audit?.details, { fileName: 'example.csv', rows: 2, created: 2, updated: 0, unchanged: 0 });
});

test('importing the same file again changes nothing', async () => {
  const before = (await snapshot()).rows;
  const result = await importOrganisations(database, EXAMPLE_CSV, actor);
  assert.equal(result.ok && `${result.created} ${result.updated} ${result.unchanged}`, '0 0 2');
  assert.deepEqual((await snapshot()).rows, before, 'not even updated_at moves');
});

test('a row updates the organisation with its charity number, else its company number, in any column order', async () => {
  const pantry = await byName('Ashford Community Pantry');
  // Columns reversed and in capitals; the pantry's income rises into tier 4; the carers lose their charity number.
  const [header = [], pantryRow = [], carersRow = []] = parse(EXAMPLE_CSV) as string[][];
  const at = (name: string) => header.indexOf(name);
  pantryRow[at('income_pounds')] = '30000';
  carersRow[at('charity_number')] = '';
  const reversed = [header.map((name) => name.toUpperCase()), pantryRow, carersRow].map((cells) => cells.toReversed());
  const file = stringify(reversed, { record_delimiter: 'windows' });
  const result = await importOrganisations(database, file, actor);
  assert.equal(result.ok && `${result.created} ${result.updated} ${result.unchanged}`, '0 2 0');
  const updated = await byName('Ashford Community Pantry');
  assert.equal(updated?.id, pantry?.id);
  assert.equal(updated?.tier, 4);
  assert.ok((updated?.updatedAt ?? 0) > (pantry?.updatedAt ?? 0));
  const carers = await byName('Medway Young Carers');
  assert.equal(carers?.charityNumber, null, 'matched by company number, and the charity number removed');
  assert.equal((await snapshot()).rows.length, 2);
});

test('columns a file leaves out keep what is stored; rows without numbers match by name', async () => {
  const file = [
    'name,legal_form,districts,services,beneficiaries,charity_number',
    'Ashford Community Pantry,cio,E07000105,105,207,1161234',
    'Hythe Walkers,unincorporated,E07000112,116,207,',
  ].join('\n');
  const first = await importOrganisations(database, file, actor);
  assert.equal(first.ok && `${first.created} ${first.updated} ${first.unchanged}`, '1 1 0');
  const pantry = await byName('Ashford Community Pantry');
  assert.deepEqual(pantry?.services, ['105']);
  assert.equal(pantry?.website, 'https://pantry.example.org', 'kept: the file has no website column');
  assert.deepEqual(pantry?.wards, ['E05011744']);
  const again = await importOrganisations(database, file, actor);
  assert.equal(again.ok && `${again.created} ${again.updated} ${again.unchanged}`, '0 0 2');
});

test('a file with unknown and missing columns is refused, naming them', async () => {
  const result = await refused(
    ['Nmae,legal_form,districts,beneficiaries,shoe_size', 'x,charity,E07000108,201,9'].join('\n'),
  );
  const text = result.problems.join('\n');
  assert.match(text, /"Nmae", "shoe_size"/);
  assert.match(text, /missing required columns: name, services/);
});

test('a file not saved as UTF-8 is refused with a way to fix it', async () => {
  // é and £ as Windows-1252 (and Latin-1) write them: single bytes that are never valid UTF-8 on their own.
  const windows1252 = Buffer.from(`${HEADER}\n${row({ ...valid, name: 'Café £1' })}\n`, 'latin1');
  const result = await refused(windows1252);
  assert.match(result.problems.join(), /not saved as UTF-8.*CSV UTF-8/);
});

test('an empty file, a header alone, and a file with too many rows are refused', async () => {
  assert.match((await refused('')).problems.join(), /The file is empty/);
  assert.match((await refused('\r\n\r\n')).problems.join(), /The file is empty/);
  assert.match((await refused(`${HEADER}\n`)).problems.join(), /header row but no organisations/);
  const many = [HEADER, ...Array.from({ length: 20_001 }, (_item, index) => row({ ...valid, name: `Org ${index}` }))];
  assert.match((await refused(many.join('\n'))).problems.join(), /20,001 organisations. Import at most 20,000/);
  assert.match((await refused(Buffer.alloc(10 * 1024 * 1024 + 1, 'a'))).problems.join(), /at most 10 MB/);
});

test('the same charity or company number twice in a file is reported on both lines', async () => {
  const result = await refused(
    [
      HEADER,
      row({ ...valid, charity_number: '1170001' }),
      row({ ...valid, name: 'Other', company_number: 'sc123456' }),
      row({ ...valid, name: 'Third', charity_number: '1170001' }),
      row({ ...valid, name: 'Fourth', company_number: 'SC123456' }),
    ].join('\n'),
  );
  assert.deepEqual(result.rejected, [
    {
      line: 2,
      reasons: [{ field: 'charity_number', message: 'Charity number 1170001 is on more than one row: lines 2 and 4' }],
    },
    {
      line: 3,
      reasons: [{ field: 'company_number', message: 'Company number SC123456 is on more than one row: lines 3 and 5' }],
    },
    {
      line: 4,
      reasons: [{ field: 'charity_number', message: 'Charity number 1170001 is on more than one row: lines 2 and 4' }],
    },
    {
      line: 5,
      reasons: [{ field: 'company_number', message: 'Company number SC123456 is on more than one row: lines 3 and 5' }],
    },
  ]);
});

test('every problem in every row is reported with its line, and nothing is written', async () => {
  const result = await refused(
    [
      HEADER,
      row({ ...valid, description: 'Two lines\nof description' }),
      row({
        ...valid,
        name: 'Broken',
        legal_form: 'trust',
        districts: 'E07000108;E99999999',
        public_email: 'not an email',
        founded_year: '1066',
        income_private: 'maybe',
      }),
      `${row({ ...valid, name: 'Surplus' })},surplus`,
      row({ ...valid, name: 'No services', services: '' }),
    ].join('\n'),
  );
  assert.deepEqual(
    result.rejected.map(({ line }) => line),
    [4, 5, 6],
    'lines count the header and the line break inside the quoted description',
  );
  assert.deepEqual(result.rejected[0]?.reasons, [
    { field: 'income_private', message: 'income_private must be yes or no' },
    { field: 'legal_form', message: 'Select the legal form' },
    { field: 'districts', message: 'Select areas from the list: "E99999999" is not one of them' },
    {
      field: 'founded_year',
      message: `Year founded must be a whole number from 1500 to ${new Date().getFullYear()}`,
    },
    { field: 'public_email', message: 'Enter an email address in the correct format, like info@example.org' },
  ]);
  assert.match(result.rejected[1]?.reasons[0]?.message ?? '', /The row has 23 values but the header has 22 columns/);
  assert.deepEqual(result.rejected[2]?.reasons, [{ field: 'services', message: 'Select at least one service' }]);
});

test('a number that belongs to another organisation is refused', async () => {
  const result = await refused(
    [
      HEADER,
      row({ ...valid, name: 'Ashford Community Pantry', charity_number: '1161234', company_number: '05123456' }),
    ].join('\n'),
  );
  assert.deepEqual(result.rejected[0]?.reasons, [
    { field: 'company_number', message: 'Medway Young Carers already has company number 05123456' },
  ]);
});

test('the command imports a file, and exits 1 with the report when rows are refused', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'wc-import-'));
  const saved = { ...process.env };
  const { log, error } = console;
  const output: string[] = [];
  console.log = (...parts: unknown[]) => void output.push(parts.join(' '));
  console.error = console.log;
  try {
    process.env.BASE_URL = 'http://localhost:3000';
    process.env.DATA_DIR = path.join(directory, 'data');
    if (process.env.TEST_DATABASE_URL) {
      const [{ schema } = { schema: '' }] = await database.query<{ schema: string }>(
        'SELECT current_schema() AS schema',
      );
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      process.env.DATABASE_URL = url.toString();
    }
    const good = path.join(directory, 'good.csv');
    await writeFile(good, [HEADER, row({ ...valid, name: 'Deal Debt Advice', charity_number: '1180001' })].join('\n'));
    assert.equal(await runCli(['import-organisations', good]), 0);
    assert.equal(await runCli(['import-organisations', good]), 0);
    assert.deepEqual(output.slice(-2), [
      'Imported good.csv: 1 added, 0 updated, 0 unchanged.',
      'Imported good.csv: 0 added, 0 updated, 1 unchanged.',
    ]);
    const bad = path.join(directory, 'bad.csv');
    await writeFile(bad, [HEADER, row({ ...valid, districts: 'E12345678' })].join('\n'));
    assert.equal(await runCli(['import-organisations', bad]), 1);
    assert.match(output.join('\n'), /Nothing was imported from bad.csv. 1 row needs correcting.\nLine 2, districts: /);
    assert.equal(await runCli(['import-organisations', path.join(directory, 'missing.csv')]), 1);
    assert.match(output.at(-1) ?? '', /Cannot read .*missing.csv: ENOENT/);
  } finally {
    console.log = log;
    console.error = error;
    process.env = saved;
  }
});
