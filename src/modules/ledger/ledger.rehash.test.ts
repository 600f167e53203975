import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { buildContractSetup } from '../../../test/support/ledger-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { migrate } from '../../db/migrate.ts';
import { canonicalJson, type EntryContent, entryHash, GENESIS_HASH } from './hash-chain.ts';
import { verifyLedger } from './ledger.verify.ts';

// Migration 0029 gives a ledger written under the first definition of an entry's hash (SHA-256 of a JSON array of
// its columns) the hashes of the present one, and only when the old chain still holds.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let contractId: string;
before(async () => {
  database = await openTestDatabase();
  ({
    contract: { id: contractId },
  } = await buildContractSetup(database));
});
after(() => database.drop());

const MIGRATION = '0029-ledger-hash-bytes.sql';

const firstHash = (entry: EntryContent) =>
  createHash('sha256')
    .update(
      JSON.stringify([
        entry.seq,
        entry.id,
        entry.contractId,
        entry.kind,
        entry.subjectId,
        entry.correctsId,
        entry.actorUserId,
        entry.recordedAt,
        entry.body,
        entry.previousHash,
      ]),
    )
    .digest('hex');

/** Writes `count` entries hashed the first way, as a ledger from before the migration; `tamper` edits one after. */
async function writeOldLedger(count: number, tamper?: (entry: EntryContent) => EntryContent) {
  await database.exec('TRUNCATE social_value_ledger CASCADE; DELETE FROM social_value_ledger_head');
  let previousHash = GENESIS_HASH;
  const entries: (EntryContent & { hash: string })[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const content: EntryContent = {
      seq,
      id: randomUUID(),
      contractId,
      kind: seq === 1 ? 'commitment' : 'result',
      subjectId: seq === 1 ? null : (entries[0]?.id ?? null),
      correctsId: null,
      actorUserId: null,
      recordedAt: new Date(Date.UTC(2026, 3, 1, 9, 30, seq, 120)).toISOString(),
      body: canonicalJson({ quantity: String(seq), note: `quotes " \\ and é ${seq}\n` }),
      previousHash,
    };
    const hash = firstHash(content);
    const stored = tamper && seq === 2 ? tamper(content) : content;
    entries.push({ ...stored, hash });
    previousHash = hash;
    await database.query(
      `INSERT INTO social_value_ledger (seq, id, contract_id, kind, subject_id, corrects_id, actor_user_id,
         recorded_at, body, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        stored.seq,
        stored.id,
        stored.contractId,
        stored.kind,
        stored.subjectId,
        stored.correctsId,
        stored.actorUserId,
        stored.recordedAt,
        stored.body,
        stored.previousHash,
        hash,
      ],
    );
  }
  await database.query('INSERT INTO social_value_ledger_head (seq, hash) VALUES ($1, $2)', [count, previousHash]);
  return entries;
}

async function migrateAgain() {
  await database.query('DELETE FROM schema_migrations WHERE name = $1', [MIGRATION]);
  return migrate(database);
}

test('a ledger hashed the first way is re-hashed, and then verifies', async () => {
  const old = await writeOldLedger(5);
  assert.deepEqual(await migrateAgain(), [MIGRATION]);
  const stored = await database.query<{ hash: string; previous_hash: string }>(
    'SELECT hash, previous_hash FROM social_value_ledger ORDER BY seq',
  );
  let previousHash = GENESIS_HASH;
  for (const [index, entry] of old.entries()) {
    const hash = entryHash({ ...entry, previousHash });
    assert.deepEqual(stored[index], { hash, previous_hash: previousHash }, `entry ${entry.seq}`);
    previousHash = hash;
  }
  assert.deepEqual(await verifyLedger(database), { holds: true, entries: 5, evidenceFiles: 0 });
  const [head] = await database.query<{ hash: string }>('SELECT hash FROM social_value_ledger_head');
  assert.equal(head?.hash, previousHash);
  const [audit] = await database.query<{ details: { entries: number; headBefore: string; headAfter: string } }>(
    `SELECT details FROM audit_log WHERE action = 'ledger.rehashed' ORDER BY id DESC LIMIT 1`,
  );
  assert.deepEqual(audit?.details, { entries: 5, headBefore: old[4]?.hash, headAfter: previousHash });
});

test('a ledger changed before the upgrade stops the migration, naming the entry, and is left as it was', async () => {
  const old = await writeOldLedger(3, (entry) => ({ ...entry, body: canonicalJson({ quantity: '999' }) }));
  await assert.rejects(migrateAgain(), /does not hold at entry 2/);
  const stored = await database.query<{ hash: string }>('SELECT hash FROM social_value_ledger ORDER BY seq');
  assert.deepEqual(
    stored.map((row) => row.hash),
    old.map((entry) => entry.hash),
  );
});

test('a time moved by less than a millisecond before the upgrade stops the migration too', async () => {
  await writeOldLedger(3, (entry) => ({ ...entry, recordedAt: entry.recordedAt.replace('Z', '999Z') }));
  await assert.rejects(migrateAgain(), /does not hold at entry 2/);
});

test('a ledger whose head is not its last entry stops the migration', async () => {
  await writeOldLedger(3);
  await database.exec('UPDATE social_value_ledger_head SET seq = 4');
  await assert.rejects(migrateAgain(), /head is not its last entry/);
});

test('an empty ledger is left empty', async () => {
  await database.exec('TRUNCATE social_value_ledger CASCADE; DELETE FROM social_value_ledger_head');
  assert.deepEqual(await migrateAgain(), [MIGRATION]);
  assert.deepEqual(await verifyLedger(database), { holds: true, entries: 0, evidenceFiles: 0 });
});
