import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildContractSetup } from '../../../test/support/ledger-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { appendEntry } from './ledger.append.ts';
import { BATCH_SQL, verifyLedger } from './ledger.verify.ts';

// The database writes each entry's body as a JSON string for verification; it must be, byte for byte, what
// JSON.stringify writes (and so what the service hashed when appending), whatever people typed.

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

test('the database escapes every body exactly as JSON.stringify does', async () => {
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
  const [page] = await database.query<{ batch: string }>(BATCH_SQL, [0, 100]);
  const bodies = (page?.batch ?? '').split('\u001e').map((row) => row.split('\u001f')[10]);
  assert.equal(bodies.length, appended.length);
  for (const [index, entry] of appended.entries()) {
    assert.equal(bodies[index], JSON.stringify(entry.body), `entry ${index + 1}: ${awkward[index]}`);
  }
  const verification = await verifyLedger(database, { batchSize: 4 });
  assert.deepEqual(verification, { holds: true, entries: appended.length, evidenceFiles: 0 });
});
