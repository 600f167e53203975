import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { Agent } from '../../../test/support/agent.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { seedDemoData } from '../../db/seed/seed.ts';

let context: TestContext;
let larderTotal = 0;
before(async () => {
  context = await createTestApp();
  await seedDemoData(context.database, 2000);
  const [row] = await context.database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM organisations WHERE sector = 'vcse' AND search_vector @@ websearch_to_tsquery('english', 'larder')`,
  );
  larderTotal = row?.count ?? 0;
});
after(() => context.close());

describe('the search page', () => {
  test('finds organisations by words, shows facets with counts, a map and its table, and works as a shareable GET', async () => {
    const page = await context.app.inject({ url: '/directory?q=larder' });
    assert.equal(page.statusCode, 200);
    assert.ok(larderTotal > 0);
    assert.ok(page.body.includes(`${larderTotal} organisations matching “larder”`), 'the total is the database count');
    assert.ok(
      /<input class="govuk-checkboxes__input" id="district" name="district" type="checkbox" value="E07000105">/.test(
        page.body,
      ),
    );
    assert.ok(/Medway \(\d+\)/.test(page.body), 'facet values carry counts');
    assert.ok(page.body.includes('<svg') && page.body.includes('role="img"'), 'a map is drawn');
    assert.ok(page.body.includes('Matching organisations by area'), 'with a table of the same figures');
    assert.ok(page.body.includes('href="/directory.csv?q=larder"'));
  });

  test('typos still find names', async () => {
    const page = await context.app.inject({ url: '/directory?q=lardr' });
    assert.equal(page.statusCode, 200);
    assert.ok(/Community Larder/.test(page.body));
    assert.ok(page.body.includes('No organisations matched “lardr”, so these are the results for “larder”'));
    const api = await context.app.inject({ url: '/api/v1/organisations?q=lardr' });
    assert.equal(api.json().correctedQuery, 'larder');
    assert.equal(api.json().total, larderTotal);
  });

  test('filters narrow the results, and a chosen facet still counts its other values', async () => {
    const all = await context.app.inject({ url: '/api/v1/organisations?q=larder' });
    const ashford = await context.app.inject({
      url: '/api/v1/organisations?q=larder&district=E07000105&tier=2&tier=3',
    });
    const body = ashford.json();
    assert.ok(body.total < all.json().total);
    for (const result of body.results) {
      assert.ok(result.districts.some((d: { code: string }) => d.code === 'E07000105'));
      assert.ok([2, 3].includes(result.tier));
    }
    assert.ok(Object.keys(body.facets.district).length > 1, 'other districts keep their counts');
    assert.equal(
      (body.facets.tier['2'] ?? 0) + (body.facets.tier['3'] ?? 0),
      body.total,
      'the tier facet, counted without its own filter, adds up',
    );
  });

  test('bad parameters get a helpful message on the page, never a 500', async () => {
    for (const url of [
      '/directory?district=E99999999',
      '/directory?page=0',
      '/directory?pageSize=10000',
      `/directory?q=${'x'.repeat(5000)}`,
      '/directory?tier=9',
      '/directory?sort=random',
    ]) {
      const page = await context.app.inject({ url });
      assert.equal(page.statusCode, 400, url);
      assert.ok(page.body.includes('govuk-error-summary'), url);
    }
    const unknown = await context.app.inject({ url: '/directory?district=E99999999' });
    assert.ok(unknown.body.includes('Unknown district &quot;E99999999&quot;: use an ONS code'));
  });

  test('works without JavaScript: the filters are a plain GET form', async () => {
    const page = await context.app.inject({ url: '/directory' });
    assert.ok(/<form method="get" action="\/directory"/.test(page.body));
  });
});

describe('the JSON API', () => {
  test('returns total, page, pageSize, results and facets', async () => {
    const response = await context.app.inject({ url: '/api/v1/organisations?q=larder&pageSize=5&page=2' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['facets', 'page', 'pageSize', 'results', 'total']);
    assert.equal(body.page, 2);
    assert.equal(body.pageSize, 5);
    assert.equal(body.total, larderTotal);
    assert.ok(body.results.length <= 5);
    assert.deepEqual(Object.keys(body.facets).sort(), [
      'assurance',
      'atRisk',
      'beneficiary',
      'district',
      'legalForm',
      'service',
      'tier',
      'verified',
    ]);
    const one = await context.app.inject({ url: `/api/v1/organisations/${body.results[0].id}` });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().contact, undefined, 'named contacts are never in the public API');
  });

  test('bad parameters get 400 problem details naming each parameter', async () => {
    const cases: [string, string][] = [
      ['district=E99999999', 'district'],
      ['page=0', 'page'],
      ['pageSize=10000', 'pageSize'],
      [`q=${'x'.repeat(5000)}`, 'q'],
      ['service=999', 'service'],
    ];
    for (const [query, parameter] of cases) {
      const response = await context.app.inject({ url: `/api/v1/organisations?${query}` });
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(response.json().errors[0].parameter, parameter);
    }
    const missing = await context.app.inject({ url: '/api/v1/organisations/not-an-id' });
    assert.equal(missing.statusCode, 404);
  });
});

test('results download as CSV, one row per organisation', async () => {
  const response = await new Agent(context.app).get('/directory.csv?q=larder');
  assert.equal(response.statusCode, 200);
  assert.match(
    String(response.headers['content-disposition']),
    /attachment; filename="working-connections-directory.csv"/,
  );
  const rows = parse(response.body, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, larderTotal);
  assert.ok(rows[0]?.profile?.startsWith('http://localhost:3000/organisations/'));
  assert.equal(rows[0]?.demo_data, 'yes');
});
