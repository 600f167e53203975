import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildContractSetup } from '../../../test/support/ledger-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { appendEntry } from './ledger.append.ts';
import { BATCH_SQL, verifyLedger } from './ledger.verify.ts';

// An entry's hash is defined over its columns as binary COPY writes them (hashedBytes). Whatever people typed, the
// hash the service writes when appending must be the one the database computes from the stored row with its own
// send functions (as migration 0029 and any auditor do), and the one verification recomputes.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const awkward = [
  'quotes " and \\ backslashes',
  'lines\nand\ttabs\rand\bbackspace\fform feed',
  'control \u0001 \u001e \u001f \u007f characters',
  'accents é ü ß, Welsh ŵ ŷ, and 😀 outside the basic plane',
  'separators \u2028 \u2029 and </script>',
  '',
];

/** hashedBytes in SQL, over a stored row. */
const SQL_HASH = `encode(sha256(
    int4send(8) || int8send(seq)
    || int4send(16) || uuid_send(id)
    || int4send(16) || uuid_send(contract_id)
    || int4send(octet_length(convert_to(kind, 'UTF8'))) || convert_to(kind, 'UTF8')
    || coalesce(int4send(16) || uuid_send(subject_id), int4send(-1))
    || coalesce(int4send(16) || uuid_send(corrects_id), int4send(-1))
    || coalesce(int4send(16) || uuid_send(actor_user_id), int4send(-1))
    || int4send(8) || timestamptz_send(recorded_at)
    || int4send(octet_length(convert_to(body, 'UTF8'))) || convert_to(body, 'UTF8')
    || int4send(64) || convert_to(previous_hash, 'UTF8')), 'hex')`;

test('the hash written when appending is the one the database computes from the stored row', async () => {
  const { contract, buyer } = await buildContractSetup(database);
  const appended = [];
  for (const [index, text] of awkward.entries()) {
    appended.push(
      await database.db.transaction((tx) =>
        appendEntry(tx, {
          contractId: contract.id,
          kind: index % 2 ? 'query' : 'response',
          subjectId: index % 2 ? contract.id : null,
          actorUserId: index === 0 ? null : buyer.officer.id,
          body: { message: text, nested: { z: [text], a: index } },
        }),
      ),
    );
  }
  const rows = await database.query<{ hash: string; computed: string }>(
    `SELECT hash, ${SQL_HASH} AS computed FROM social_value_ledger ORDER BY seq`,
  );
  assert.equal(rows.length, appended.length);
  for (const [index, row] of rows.entries()) assert.equal(row.computed, row.hash, `entry ${index + 1}`);
  // PGlite's path reads bodies back from to_json's text.
  const [page] = await database.query<{ batch: string }>(BATCH_SQL, [0, 100]);
  const bodies = (page?.batch ?? '').split('\u001e').map((row) => JSON.parse(row.split('\u001f')[10] ?? ''));
  assert.deepEqual(
    bodies,
    appended.map((entry) => entry.body),
  );
  const verification = await verifyLedger(database, { batchSize: 4 });
  assert.deepEqual(verification, { holds: true, entries: appended.length, evidenceFiles: 0 });
});
