import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildFramework } from '../../../test/support/impact-factories.ts';
import { buildProfile } from '../../../test/support/matching-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { type Criteria, rankOrganisations } from './matching.repository.ts';
import { VALUE_REACH_PENCE } from './value-reach.ts';

// The ranking reads bit-mask profiles kept by triggers (migration 0017). These tests hold it to the score as
// written in matching.repository.ts, computed here the slow way over every organisation, and check that the
// profiles follow each kind of change to an organisation.

const SERVICES = ['101', '103', '107', '110'];
const DISTRICTS = ['E06000035', 'E07000105', 'E07000113', 'E07000110'];
const OUTCOMES = ['O1', 'O2', 'O3'];

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
  await buildFramework(database);
});
after(() => database.drop());

type Row = {
  id: string;
  name: string;
  tier: number | null;
  services: string[];
  districts: string[];
  core_outcomes: string[];
  value_adding_outcomes: string[];
};

const shared = (a: string[], b: string[]) => a.filter((code) => b.includes(code)).length;
function expectedScore(o: Row, c: Criteria): number | null {
  if (c.services.length && !shared(o.services, c.services)) return null;
  if (c.districts.length && !shared(o.districts, c.districts)) return null;
  const reach = o.tier === null ? undefined : VALUE_REACH_PENCE[o.tier as 1 | 2 | 3 | 4 | 5];
  const value = c.valuePence === null || reach === undefined ? 0 : reach === null || c.valuePence <= reach ? 2 : -4;
  return (
    3 * shared(o.services, c.services) +
    2 * (c.districts.length ? Math.min(3, shared(o.districts, c.districts)) : 1) +
    value +
    (c.reservedForVcse ? 2 : c.suitableForVcse ? 1 : 0) +
    3 * shared(o.core_outcomes, c.outcomeCodes) +
    shared(o.value_adding_outcomes, c.outcomeCodes)
  );
}

async function expectedRanking(criteria: Criteria, limit: number) {
  const rows = await database.query<Row>(
    `SELECT id, name, tier, services, districts, core_outcomes, value_adding_outcomes
       FROM organisations WHERE sector = 'vcse'`,
  );
  return rows
    .map((row) => ({ row, score: expectedScore(row, criteria) }))
    .filter((entry): entry is { row: Row; score: number } => entry.score !== null)
    .sort((a, b) => b.score - a.score || compareText(a.row.name, b.row.name) || compareText(a.row.id, b.row.id))
    .slice(0, limit)
    .map((entry) => ({ id: entry.row.id, score: entry.score }));
}
// Names here are plain ASCII letters and digits, where the database's ordering and code-point order agree.
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const pick = <T>(list: T[], seed: number, count: number) =>
  list.filter((_, index) => (index * 7 + seed) % list.length < count);

test('the ranking equals the score worked out over every organisation, for varied opportunities', async () => {
  for (let n = 0; n < 40; n += 1) {
    const organisation = await buildProfile(database, {
      name: `Org ${String(n).padStart(2, '0')}`,
      services: pick(SERVICES, n, n % 3),
      districts: pick(DISTRICTS, n * 3, 1 + (n % 2)),
      incomePence: [null, 500_00, 50_000_00, 5_000_000_00][n % 4] ?? null,
    });
    for (const [at, code] of pick(OUTCOMES, n, n % 3).entries())
      await database.query(
        'INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts) VALUES ($1, $2, $3, $4)',
        [organisation.id, code, at % 2 ? 'value_adding' : 'core', []],
      );
  }
  for (let n = 0; n < 24; n += 1) {
    const criteria: Criteria = {
      services: pick(SERVICES, n, n % 4),
      districts: pick(DISTRICTS, n, n % 3),
      valuePence: [null, 4_000_00, 2_000_000_00][n % 3] ?? null,
      suitableForVcse: n % 2 === 0,
      reservedForVcse: n % 5 === 0,
      outcomeCodes: pick(OUTCOMES, n, n % 4),
    };
    const ranked = await rankOrganisations(database, criteria, 15);
    assert.deepEqual(
      ranked.map((match) => ({ id: match.id, score: match.score })),
      await expectedRanking(criteria, 15),
      JSON.stringify(criteria),
    );
  }
});

test('profiles follow an organisation: new services, a move to the public sector, deletion', async () => {
  const criteria = (services: string[]): Criteria => ({
    services,
    districts: [],
    valuePence: null,
    suitableForVcse: false,
    reservedForVcse: false,
    outcomeCodes: [],
  });
  const found = async (id: string, services: string[]) =>
    (await rankOrganisations(database, criteria(services), 1000)).some((match) => match.id === id);
  const organisation = await buildProfile(database, {
    name: 'Zebra Lane',
    services: [],
    districts: [DISTRICTS[0] ?? ''],
    incomePence: null,
  });
  assert.equal(await found(organisation.id, []), true, 'an organisation naming no service fits an open brief');
  assert.equal(await found(organisation.id, ['101']), false);
  // A code never seen before gets its bit on the way in.
  await database.query(`UPDATE organisations SET services = '{101,999}' WHERE id = $1`, [organisation.id]);
  assert.equal(await found(organisation.id, ['999']), true);
  assert.equal(await found(organisation.id, ['101', '999']), true);
  const once = await rankOrganisations(database, criteria(['101', '999']), 1000);
  assert.equal(once.filter((match) => match.id === organisation.id).length, 1, 'listed once, not per service');
  await database.query(`UPDATE organisations SET sector = 'public' WHERE id = $1`, [organisation.id]);
  assert.equal(await found(organisation.id, ['999']), false);
  await database.query(`UPDATE organisations SET sector = 'vcse' WHERE id = $1`, [organisation.id]);
  assert.equal(await found(organisation.id, ['999']), true);
  await database.query('DELETE FROM organisation_members WHERE organisation_id = $1', [organisation.id]);
  await database.query('DELETE FROM organisations WHERE id = $1', [organisation.id]);
  const [left] = await database.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM organisation_match_profiles WHERE organisation_id = $1',
    [organisation.id],
  );
  assert.equal(left?.count, 0);
});
