import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { tierForIncome } from './tiers.ts';

const boundaries: [pence: number, tier: number][] = [
  [0, 1],
  [99_999, 1],
  [1_000_00, 2],
  [9_999_99, 2],
  [10_000_00, 3],
  [24_999_99, 3],
  [25_000_00, 4],
  [499_999_99, 4],
  [500_000_00, 5],
  [90_000_000_00, 5],
];

test('a boundary belongs to the higher tier (exactly £1,000 is tier 2)', () => {
  for (const [pence, tier] of boundaries) assert.equal(tierForIncome(pence), tier, `${pence}p`);
  assert.equal(tierForIncome(null), undefined);
});

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

test('the database derives the same tier as the rule above, and nobody can type one in', async () => {
  for (const [pence, tier] of boundaries) {
    const [row] = await database.query<{ tier: number }>(
      `INSERT INTO organisations (name, income_pence) VALUES ('Tier check', $1) RETURNING tier`,
      [pence],
    );
    assert.equal(row?.tier, tier, `${pence}p`);
  }
  await assert.rejects(
    database.query(`INSERT INTO organisations (name, tier) VALUES ('Typed tier', 3)`),
    /generated column|non-DEFAULT/,
  );
});
