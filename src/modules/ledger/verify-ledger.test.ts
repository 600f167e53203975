import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { buildContractSetup, pdf } from '../../../test/support/ledger-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { runCli } from '../../cli/main.ts';
import { type Database, openDatabase, type SqlRunner } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { verifyLedger } from './ledger.verify.ts';
import { socialValueService } from './social-value.service.ts';

// Rows changed behind the application's back, with the append-only trigger switched off as someone with direct
// database access could: each change must be caught by the verification and by `verify-ledger`, which reads the
// same database from the environment as it does when run by hand.

const saved = { ...process.env };
let cleanUp = async () => {};
const output: string[] = [];
const log = console.log;
const logError = console.error;

const open = (): Promise<Database> =>
  process.env.DATABASE_URL
    ? openDatabase({ url: process.env.DATABASE_URL })
    : openDatabase({ dataDir: process.env.DATA_DIR });

/** Runs work on its own connection, closed again before the command opens the database itself. */
async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await open();
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** SQL run with the ledger's append-only trigger off, as a tamperer would. */
const behindTheBack = (statements: (tx: SqlRunner) => Promise<void>) =>
  withDatabase((database) =>
    database.transaction(async (tx) => {
      await tx.exec('ALTER TABLE social_value_ledger DISABLE TRIGGER social_value_ledger_no_change');
      await statements(tx);
      await tx.exec('ALTER TABLE social_value_ledger ENABLE TRIGGER social_value_ledger_no_change');
    }),
  );

async function cli() {
  output.length = 0;
  console.log = (...parts: unknown[]) => void output.push(parts.join(' '));
  console.error = console.log;
  try {
    return { code: await runCli(['verify-ledger']), text: output.join('\n') };
  } finally {
    console.log = log;
    console.error = logError;
  }
}

let evidenceId = '';

before(async () => {
  process.env.DATA_DIR = path.join(await mkdtemp(path.join(tmpdir(), 'wc-ledger-')), 'data');
  process.env.BASE_URL = 'http://localhost:3000';
  if (process.env.TEST_DATABASE_URL) {
    const database = await openTestDatabase();
    const schema = (await database.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]?.schema;
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    process.env.DATABASE_URL = url.toString();
    cleanUp = () => database.drop();
  }
  await withDatabase(async (database) => {
    await migrate(database);
    const { contract, buyerActor, delivererActor, framework } = await buildContractSetup(database);
    const service = socialValueService({ database });
    const commitmentId = await service.addCommitment(
      contract.id,
      { measureId: framework.measures.jobsCreated, targetQuantity: '10', reportingPeriod: 'quarter' },
      buyerActor,
    );
    const figures = { periodStart: '2026-04-01', periodEnd: '2026-06-30', narrative: 'Hired locally.' };
    const resultId = await service.submitResult(
      contract.id,
      { commitmentId, ...figures, quantity: '4' },
      [{ fileName: 'payroll.pdf', content: pdf() }],
      delivererActor,
    );
    await service.query(contract.id, resultId, 'Which wards?', buyerActor); // entry 3
    await service.respond(
      contract.id,
      resultId,
      { message: 'Sheppey.', ...figures, quantity: '4' },
      [],
      delivererActor,
    );
    await service.verify(contract.id, resultId, '', buyerActor); // entry 5
    const [file] = await database.query<{ id: string }>('SELECT id FROM social_value_evidence');
    evidenceId = file?.id ?? '';
  });
});
after(async () => {
  process.env = saved;
  await cleanUp();
});

test('the untouched ledger holds', async () => {
  const verification = await withDatabase((database) => verifyLedger(database, { batchSize: 2 }));
  assert.deepEqual(verification, { holds: true, entries: 5, evidenceFiles: 1 });
  const { code, text } = await cli();
  assert.equal(code, 0);
  assert.match(text, /^Ledger holds: 5 entries \(1 evidence files match\)/);
});

test('a sound ledger stored out of seq order still holds', async () => {
  // Rewriting a row unchanged moves it to the end of the table's storage: read as stored, entry 1 comes last.
  await behindTheBack((tx) => tx.exec('UPDATE social_value_ledger SET body = body WHERE seq = 1'));
  const verification = await withDatabase((database) => verifyLedger(database, { batchSize: 2 }));
  assert.deepEqual(verification, { holds: true, entries: 5, evidenceFiles: 1 });
});

test('an edited body is caught and named', async () => {
  await behindTheBack((tx) =>
    tx.exec(`UPDATE social_value_ledger SET body = replace(body, '"4"', '"40"') WHERE seq = 2`),
  );
  const verification = await withDatabase((database) => verifyLedger(database, { batchSize: 2 }));
  assert.equal(verification.holds, false);
  assert.ok(!verification.holds && verification.problem.problem === 'changed' && verification.problem.seq === 2);
  const { code, text } = await cli();
  assert.equal(code, 1);
  assert.match(text, /Ledger broken at entry 2 \([0-9a-f-]{36}\): Entry 2 .* was changed/);
  await behindTheBack((tx) =>
    tx.exec(`UPDATE social_value_ledger SET body = replace(body, '"40"', '"4"') WHERE seq = 2`),
  );
  assert.equal((await cli()).code, 0, 'putting it back makes the chain hold again');
});

test('a time moved by a microsecond is caught', async () => {
  const shift = (sign: string) =>
    behindTheBack((tx) =>
      tx.exec(
        `UPDATE social_value_ledger SET recorded_at = recorded_at ${sign} interval '1 microsecond' WHERE seq = 3`,
      ),
    );
  await shift('+');
  const verification = await withDatabase((database) => verifyLedger(database));
  assert.ok(!verification.holds && verification.problem.problem === 'changed' && verification.problem.seq === 3);
  assert.equal((await cli()).code, 1);
  await shift('-');
  assert.equal((await cli()).code, 0);
});

test('a time or seq no entry can have is reported as changed, not a failure of the check', async () => {
  const [original] = await withDatabase((database) =>
    database.query<{ id: string; recorded_at: string }>(
      `SELECT id, recorded_at::text AS recorded_at FROM social_value_ledger WHERE seq = 3`,
    ),
  );
  for (const change of [
    `recorded_at = '10000-01-01T00:00:00Z'`,
    `recorded_at = '0044-03-15T12:00:00Z BC'`,
    `recorded_at = 'infinity'`,
    `seq = 9223372036854775807`,
  ]) {
    await behindTheBack(async (tx) => {
      await tx.query(`UPDATE social_value_ledger SET ${change} WHERE id = $1`, [original?.id]);
    });
    const verification = await withDatabase((database) => verifyLedger(database));
    assert.ok(!verification.holds, change);
    assert.equal((await cli()).code, 1, change);
    await behindTheBack(async (tx) => {
      await tx.query('UPDATE social_value_ledger SET recorded_at = $1, seq = 3 WHERE id = $2', [
        original?.recorded_at,
        original?.id,
      ]);
    });
    assert.equal((await cli()).code, 0, `${change}, put back`);
  }
});

test('a deleted entry is caught as a gap', async () => {
  let row: Record<string, unknown> = {};
  await behindTheBack(async (tx) => {
    [row = {}] = await tx.query<Record<string, unknown>>('SELECT * FROM social_value_ledger WHERE seq = 3');
    await tx.exec('DELETE FROM social_value_ledger WHERE seq = 3');
  });
  const verification = await withDatabase((database) => verifyLedger(database));
  assert.ok(!verification.holds && verification.problem.problem === 'missing' && verification.problem.seq === 4);
  const { code, text } = await cli();
  assert.equal(code, 1);
  assert.match(text, /Ledger broken at entry 4 .*entry 3 is missing/);
  await behindTheBack(async (tx) => {
    const columns = Object.keys(row);
    await tx.query(
      `INSERT INTO social_value_ledger (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  });
  assert.equal((await cli()).code, 0);
});

test('two entries swapped are caught as out of order', async () => {
  const swap = (tx: SqlRunner) =>
    tx.exec(`UPDATE social_value_ledger SET seq = 1000000 WHERE seq = 3;
             UPDATE social_value_ledger SET seq = 3 WHERE seq = 4;
             UPDATE social_value_ledger SET seq = 4 WHERE seq = 1000000;`);
  await behindTheBack(swap);
  const verification = await withDatabase((database) => verifyLedger(database));
  assert.ok(!verification.holds && verification.problem.problem === 'order' && verification.problem.seq === 3);
  const { code, text } = await cli();
  assert.equal(code, 1);
  assert.match(text, /Ledger broken at entry 3 .*does not follow entry 2/);
  await behindTheBack(swap);
  assert.equal((await cli()).code, 0);
});

test('the last entry removed is caught against the head', async () => {
  let row: Record<string, unknown> = {};
  await behindTheBack(async (tx) => {
    [row = {}] = await tx.query<Record<string, unknown>>('SELECT * FROM social_value_ledger WHERE seq = 5');
    await tx.exec('DELETE FROM social_value_ledger WHERE seq = 5');
  });
  const { code, text } = await cli();
  assert.equal(code, 1);
  assert.match(text, /The chain ends at entry 4 but the ledger's head is entry 5: entry 5 is missing from the end/);
  await behindTheBack(async (tx) => {
    const columns = Object.keys(row);
    await tx.query(
      `INSERT INTO social_value_ledger (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  });
  assert.equal((await cli()).code, 0);
});

test('an evidence file changed in the database is caught against its entry', async () => {
  await behindTheBack(async (tx) => {
    await tx.query(`UPDATE social_value_evidence SET content = content || '\\x20'::bytea WHERE id = $1`, [evidenceId]);
  });
  const verification = await withDatabase((database) => verifyLedger(database));
  assert.ok(!verification.holds && verification.problem.problem === 'evidence' && verification.problem.seq === 2);
  const { code, text } = await cli();
  assert.equal(code, 1);
  assert.match(text, /Evidence file “payroll\.pdf” .* of entry 2 was changed/);
});
