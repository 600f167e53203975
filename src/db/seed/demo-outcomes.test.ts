import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { seedDemoData } from './seed.ts';

const declarationsByName = async (database: Awaited<ReturnType<typeof openTestDatabase>>) =>
  database.query<{ name: string; outcomes: string }>(
    `SELECT o.name, string_agg(oo.outcome_code || ':' || oo.kind, ',' ORDER BY oo.outcome_code) AS outcomes
       FROM organisations o JOIN organisation_outcomes oo ON oo.organisation_id = o.id
      GROUP BY o.name ORDER BY o.name`,
  );

test('demo organisations declare one to four outcomes of the current framework, the same every time', async () => {
  const first = await openTestDatabase();
  const second = await openTestDatabase();
  try {
    await seedDemoData(first, 400);
    await seedDemoData(second, 400);
    const counts = await first.query<{ declared: number; organisations: number }>(
      `SELECT declared, count(*)::int AS organisations FROM (
         SELECT o.id, count(oo.outcome_code)::int AS declared
           FROM organisations o LEFT JOIN organisation_outcomes oo ON oo.organisation_id = o.id
          WHERE o.sector = 'vcse' GROUP BY o.id) per GROUP BY declared ORDER BY declared`,
    );
    const total = counts.reduce((sum, row) => sum + row.organisations, 0);
    const oneToFour = counts.filter((row) => row.declared >= 1 && row.declared <= 4);
    assert.ok(counts.every((row) => row.declared <= 4));
    assert.ok(oneToFour.reduce((sum, row) => sum + row.organisations, 0) > total * 0.8, JSON.stringify(counts));
    const [unknown] = await first.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM organisation_outcomes oo WHERE NOT EXISTS (
         SELECT 1 FROM impact_outcomes o WHERE o.code = oo.outcome_code)`,
    );
    assert.equal(unknown?.n, 0);
    const [kinds] = await first.query<{ core: number; adding: number; outside: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'core')::int AS core, count(*) FILTER (WHERE kind = 'value_adding')::int AS adding,
              count(*) FILTER (WHERE NOT oo.districts <@ o.districts)::int AS outside
         FROM organisation_outcomes oo JOIN organisations o ON o.id = oo.organisation_id`,
    );
    assert.ok((kinds?.core ?? 0) > 0 && (kinds?.adding ?? 0) > 0);
    assert.equal(kinds?.outside, 0, 'delivered in the organisation’s own areas');
    assert.deepEqual(await declarationsByName(first), await declarationsByName(second));
  } finally {
    await first.drop();
    await second.drop();
  }
});
