import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { verifyLedger } from '../../modules/ledger/ledger.verify.ts';
import { seedDemoData } from './seed.ts';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
  await seedDemoData(database, 400);
});
after(() => database.drop());

test('the demo has contracts with results in every state, on a ledger that holds', async () => {
  // The contracts entered directly; the demo opportunity under contract adds one of its own.
  const contracts = await database.query<{ title: string; published: boolean }>(
    'SELECT title, published_at IS NOT NULL AS published FROM contracts WHERE opportunity_id IS NULL ORDER BY title',
  );
  assert.equal(contracts.length, 3);
  assert.deepEqual(
    contracts.map((contract) => contract.published),
    [true, true, false],
  );
  const statuses = await database.query<{ status: string }>(
    'SELECT DISTINCT status FROM social_value_results ORDER BY 1',
  );
  assert.deepEqual(
    statuses.map((row) => row.status),
    ['queried', 'submitted', 'verified'],
  );
  const verification = await verifyLedger(database);
  assert.equal(verification.holds, true);
  assert.ok(verification.holds && verification.entries > 20 && verification.evidenceFiles === 8);
});
