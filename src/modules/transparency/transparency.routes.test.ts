import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { addResult } from '../../../test/support/transparency-factories.ts';
import { buildTransparencyScenario, MAIDSTONE, SWALE } from '../../../test/support/transparency-scenario.ts';
import { transparencyService } from './transparency.service.ts';

let context: TestContext;
let scenario: Awaited<ReturnType<typeof buildTransparencyScenario>>;
before(async () => {
  context = await createTestApp();
  scenario = await buildTransparencyScenario(context.database);
});
after(() => context.close());

const get = (url: string) => context.app.inject({ method: 'GET', url });

// The sums below are worked out by hand from the scenario (see test/support/transparency-scenario.ts):
// verified pence: A1 3 × 1,000,000 + B1 12.5 × 25,000 + B3 1 × 1,000,000 = 4,312,500 (A2 and D1 have no proxy;
// B2 was replaced and C is unpublished). Not yet verified: A1 (2 + 1) × 1,000,000 + B1 4 × 25,000 = 3,100,000.
// Committed: A1 10 × 1,000,000 + B1 40 × 25,000 + B3 3 × 1,000,000 = 14,000,000.
test('authority-wide totals match hand-computed sums, by theme, outcome, measure, district and tier', async () => {
  const totals = await transparencyService({ database: context.database }).totals();
  const pick = ({
    contracts,
    commitments,
    verified_pence,
    unverified_pence,
    target_pence,
  }: (typeof totals)['overall']) => ({
    contracts,
    commitments,
    verified_pence,
    unverified_pence,
    target_pence,
  });
  assert.deepEqual(pick(totals.overall), {
    contracts: 3,
    commitments: 5,
    verified_pence: 4_312_500,
    unverified_pence: 3_100_000,
    target_pence: 14_000_000,
  });
  const line = <Row extends { key: string }>(rows: Row[], key: string) => {
    const found = rows.find((row) => row.key === key);
    assert.ok(found, key);
    return found;
  };
  assert.deepEqual(pick(line(totals.themes, 'T1')), {
    contracts: 2,
    commitments: 4,
    verified_pence: 4_312_500,
    unverified_pence: 3_100_000,
    target_pence: 14_000_000,
  });
  assert.deepEqual(pick(line(totals.themes, 'T2')), {
    contracts: 1,
    commitments: 1,
    verified_pence: 0,
    unverified_pence: 0,
    target_pence: 0,
  });
  assert.equal(line(totals.outcomes, 'O1').verified_pence, 4_000_000);
  assert.equal(line(totals.outcomes, 'O1').unverified_pence, 3_000_000);
  assert.equal(line(totals.outcomes, 'O2').verified_pence, 312_500);
  assert.equal(line(totals.outcomes, 'O2').unverified_pence, 100_000);
  const measure = (code: string) => {
    const { target_quantity, verified_quantity, unverified_quantity } = line(totals.measures, code);
    return [target_quantity, verified_quantity, unverified_quantity];
  };
  assert.deepEqual(measure('M1'), [13, 4, 3]);
  assert.deepEqual(measure('M2'), [40, 12.5, 4]);
  assert.deepEqual(measure('M3'), [5, 2, 0]);
  assert.deepEqual(measure('M4'), [100, 40, 0]);
  // A contract in two districts counts in full in each.
  assert.deepEqual(pick(line(totals.districts, SWALE)), {
    contracts: 2,
    commitments: 4,
    verified_pence: 4_312_500,
    unverified_pence: 3_100_000,
    target_pence: 14_000_000,
  });
  assert.equal(line(totals.districts, MAIDSTONE).verified_pence, 3_000_000);
  assert.equal(line(totals.districts, MAIDSTONE).contracts, 1);
  assert.equal(line(totals.districts, '').contracts, 1);
  assert.deepEqual(
    totals.tiers.map((row) => [row.key, row.contracts, row.verified_pence, row.unverified_pence]),
    [
      ['2', 1, 1_312_500, 100_000],
      ['4', 1, 3_000_000, 3_000_000],
      ['', 1, 0, 0],
    ],
  );
});

test('the totals page shows verified and not yet verified pounds apart, and only published contracts', async () => {
  const response = await get('/social-value');
  assert.equal(response.statusCode, 200);
  const html = response.body;
  assert.match(html, /Verified social value<\/dt><dd class="govuk-summary-list__value">£43,125</);
  assert.match(html, /Reported, not yet verified<\/dt><dd class="govuk-summary-list__value">£31,000</);
  assert.match(html, /Committed in targets<\/dt><dd class="govuk-summary-list__value">£140,000</);
  assert.match(html, /counts in full in each of them/);
  assert.match(html, /Employment support in Swale and Maidstone/);
  assert.match(html, /Skills for work on Sheppey/);
  assert.match(html, /Befriending across Kent/);
  assert.match(html, /3 published contracts/);
  assert.doesNotMatch(html, /Unpublished contract/);
});

test('the contract list filters by area, tier, theme and words, and refuses bad filters with a message', async () => {
  const titles = async (query: string) => {
    const response = await get(`/social-value?${query}`);
    assert.equal(response.statusCode, 200, query);
    return [...response.body.matchAll(/<h3 class="govuk-heading-m govuk-!-margin-bottom-1"><a[^>]*>([^<]+)</g)].map(
      (match) => match[1],
    );
  };
  assert.deepEqual(await titles(`district=${MAIDSTONE}`), ['Employment support in Swale and Maidstone']);
  assert.deepEqual(await titles('tier=2'), ['Skills for work on Sheppey']);
  assert.deepEqual(await titles('theme=T2'), ['Befriending across Kent']);
  assert.deepEqual(await titles('q=sheppey'), ['Skills for work on Sheppey']);
  assert.deepEqual(await titles(`district=${SWALE}&q=unpublished`), []);
  for (const query of ['tier=9', 'district=E99999999', 'page=0', 'page=abc', 'theme=%3Cscript%3E']) {
    const response = await get(`/social-value?${query}`);
    assert.equal(response.statusCode, 400, query);
    assert.match(response.body, /There is a problem/);
  }
});

test('a published contract page shows commitments, results with status labels, evidence names and hashes', async () => {
  const response = await get(`/social-value/contracts/${scenario.a.id}`);
  assert.equal(response.statusCode, 200);
  const html = response.body;
  assert.match(html, /Local people employed/);
  assert.match(html, /3 of 10 people \(30%\); 3 more reported, not yet verified/);
  assert.match(html, /£10,000 per unit\. Source: Test proxy source/);
  assert.match(html, /£30,000 verified, £30,000 not yet verified, of £100,000 committed/);
  assert.match(html, /None: this measure counts in apprenticeships only/);
  assert.match(html, /govuk-tag--green">Verified</);
  assert.match(html, /govuk-tag--yellow">Not yet verified</);
  assert.match(html, /govuk-tag--orange">Queried by the buyer</);
  assert.match(html, /payroll-summary-q1\.pdf/);
  assert.match(html, /href="#entry-\d+"/);
  assert.match(html, /<code>([0-9a-f]{16}<wbr>){4}<\/code>/);
  assert.match(html, /id="verified-value">£30,000</);
});

test('a replaced commitment is left out of its contract page', async () => {
  const response = await get(`/social-value/contracts/${scenario.b.id}`);
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /1 of 3 people/);
  assert.doesNotMatch(response.body, /of 2 people/);
  assert.match(response.body, /id="verified-value">£13,125</);
});

test('the public sees nothing of an unpublished contract', async () => {
  for (const url of [
    `/social-value/contracts/${scenario.c.id}`,
    `/social-value/contracts/${scenario.c.id}/results.csv`,
    '/social-value/contracts/not-a-uuid',
    '/social-value/contracts/00000000-0000-0000-0000-000000000000',
  ]) {
    const response = await get(url);
    assert.equal(response.statusCode, 404, url);
  }
  for (const url of ['/social-value', '/social-value.csv', '/social-value/results.csv']) {
    const response = await get(url);
    assert.doesNotMatch(response.body, /Unpublished contract|secret-unpublished|E07000113.*100\b/, url);
    assert.ok(!response.body.includes(scenario.c.id), url);
    assert.ok(!response.body.includes(scenario.commitments.c1.id), url);
  }
});

type CsvRow = Record<string, string>;
const csv = async (url: string) => {
  const response = await get(url);
  assert.equal(response.statusCode, 200, url);
  assert.match(String(response.headers['content-type']), /^text\/csv/);
  assert.match(String(response.headers['content-disposition']), /^attachment; filename=".+\.csv"$/);
  return parse(response.body, { columns: true }) as CsvRow[];
};

test('the totals CSV has every dimension, pounds to the penny, not-yet-verified in its own columns', async () => {
  const rows = await csv('/social-value.csv');
  const find = (dimension: string, code: string) =>
    rows.find((row) => row.dimension === dimension && row.code === code);
  assert.deepEqual(
    {
      contracts: find('all', '')?.contracts,
      verified: find('all', '')?.verified_value_pounds,
      unverified: find('all', '')?.not_yet_verified_value_pounds,
      target: find('all', '')?.target_value_pounds,
    },
    { contracts: '3', verified: '43125.00', unverified: '31000.00', target: '140000.00' },
  );
  assert.equal(find('outcome', 'O2')?.verified_value_pounds, '3125.00');
  assert.equal(find('measure', 'M2')?.verified_quantity, '12.5');
  assert.equal(find('measure', 'M2')?.not_yet_verified_quantity, '4');
  assert.equal(find('theme', 'T1')?.verified_quantity, '', 'quantities of different units are not summed');
  assert.equal(find('district', MAIDSTONE)?.verified_value_pounds, '30000.00');
  assert.equal(find('deliverer_tier', '2')?.verified_value_pounds, '13125.00');
});

test('the results CSV lists every published result of a current commitment, and one contract has its own', async () => {
  const rows = await csv('/social-value/results.csv');
  assert.equal(rows.length, 8);
  const b1 = rows.find((row) => row.commitment_id === scenario.commitments.b1.id && row.status === 'verified');
  assert.equal(b1?.value_pounds, '3125.00');
  assert.equal(b1?.proxy_pence_per_unit, '25000');
  assert.equal(b1?.contract, 'Skills for work on Sheppey');
  assert.ok(!rows.some((row) => row.commitment_id === scenario.commitments.b2.id));
  const own = await csv(`/social-value/contracts/${scenario.a.id}/results.csv`);
  const byMeasureAndPeriod = (x: unknown[], y: unknown[]) => x.join().localeCompare(y.join());
  assert.deepEqual(
    own
      .map((row) => [row.measure_code, row.period_start, row.quantity, row.status, row.value_pounds])
      .sort(byMeasureAndPeriod),
    [
      ['M1', '2026-04-01', '3', 'verified', '30000.00'],
      ['M1', '2026-07-01', '2', 'not yet verified', '20000.00'],
      ['M1', '2026-10-01', '1', 'queried', '10000.00'],
      ['M3', '2026-04-01', '2', 'verified', ''],
    ],
  );
  assert.equal(own[0]?.contract_page, `http://localhost:3000/social-value/contracts/${scenario.a.id}`);
});

// Last, because it changes the scenario: the kept totals follow a change to the current state at once.
test('the totals follow a new result and a newly published contract straight away', async () => {
  const service = transparencyService({ database: context.database });
  assert.equal((await service.totals()).overall.verified_pence, 4_312_500);
  await addResult(context.database, scenario.commitments.a1, {
    periodStart: '2027-01-01',
    periodEnd: '2027-03-31',
    quantity: 1,
    status: 'verified',
  });
  assert.equal((await service.totals()).overall.verified_pence, 5_312_500);
  await context.database.query('UPDATE contracts SET published_at = now() WHERE id = $1', [scenario.c.id]);
  const totals = await service.totals();
  assert.equal(totals.overall.contracts, 4);
  assert.equal(totals.overall.verified_pence, 55_312_500);
  const response = await get('/social-value');
  assert.match(response.body, /Verified social value<\/dt><dd class="govuk-summary-list__value">£553,125</);
  // Views that arrive together after a change share one recomputation and all see the new figures.
  await context.database.query('UPDATE contracts SET published_at = NULL WHERE id = $1', [scenario.c.id]);
  const together = await Promise.all([1, 2, 3, 4].map(() => service.totals()));
  assert.deepEqual(
    together.map((figures) => figures.overall.verified_pence),
    [5_312_500, 5_312_500, 5_312_500, 5_312_500],
  );
});
