import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildFramework } from '../../../test/support/impact-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { compareOrganisations } from './comparison.ts';

const MEDWAY = 'E06000035';
const SWALE = 'E07000113';

let context: TestContext;
before(async () => {
  context = await createTestApp();
  await buildFramework(context.database);
});
after(() => context.close());

const agentWith = async (roles: ('commissioner' | 'hub_admin' | 'procurement_officer')[]) => {
  const agent = new Agent(context.app);
  const user = await buildUser(context.database, { roles });
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, user.id));
  return agent;
};
const declare = (organisationId: string, code: string, kind: 'core' | 'value_adding', districts: string[]) =>
  context.database.query(
    'INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts) VALUES ($1, $2, $3, $4)',
    [organisationId, code, kind, districts],
  );
const organisation = async (name: string, declarations: [string, 'core' | 'value_adding', string[]][]) => {
  const made = await buildOrganisation(context.database, { name });
  for (const [code, kind, districts] of declarations) await declare(made.id, code, kind, districts);
  return made;
};

test('coverage: counts by district and outcome, gaps marked in words, a map per outcome and the CSV', async () => {
  await organisation('Swale Jobs', [['O1', 'core', [SWALE, MEDWAY]]]);
  await organisation('Medway Befrienders', [
    ['O1', 'value_adding', [MEDWAY]],
    ['O3', 'core', [MEDWAY]],
  ]);
  // Outcomes of an older framework version that the current one dropped are not counted.
  await organisation('Old Framework Trust', [['RETIRED', 'core', [MEDWAY]]]);
  const commissioner = await agentWith(['commissioner']);
  const page = await commissioner.get('/impact/coverage?outcome=O3&kind=core');
  assert.equal(page.statusCode, 200);
  const rows = page.body.split('<tr class="govuk-table__row">');
  const jobsRow = rows.find(
    (row) => row.includes('More local people in work</span>') || row.includes('>More local people in work<br>'),
  );
  assert.ok(jobsRow, 'a row for each outcome');
  // Districts are in name order: Ashford, Canterbury, Dartford, Dover, Folkestone and Hythe, Gravesham, Maidstone, Medway, ...
  const cells = jobsRow.split('<td class="govuk-table__cell">').slice(1);
  assert.equal(cells.length, 14, '13 areas and Kent and Medway');
  assert.match(cells[7] ?? '', /1 core<br>1 adding/);
  assert.doesNotMatch(cells[7] ?? '', /Gap/);
  assert.match(cells[0] ?? '', /Gap<\/strong><br>\s*0 core<br>0 adding/);
  assert.match(cells[13] ?? '', /1 core<br>1 adding/, 'each organisation once across Kent and Medway');
  assert.match(page.body, /<svg[^>]*role="img"/);
  assert.match(page.body, /Organisations delivering “Less loneliness” as core impact, by area/);
  assert.match(page.body, /<option value="O3" selected>/);
  assert.doesNotMatch(page.body, /RETIRED/);

  const csv = await commissioner.get('/impact/coverage.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /text\/csv/);
  const records = parse(csv.body, { columns: true }) as Record<string, string>[];
  assert.equal(records.length, 3 * 14);
  assert.deepEqual(
    records.find((record) => record.outcome_code === 'O1' && record.area_code === MEDWAY),
    {
      theme: 'Jobs and skills',
      outcome_code: 'O1',
      outcome: 'More local people in work',
      area_code: MEDWAY,
      area: 'Medway',
      core: '1',
      value_adding: '1',
      gap: 'no',
    },
  );
  assert.equal(records.find((record) => record.outcome_code === 'O2' && record.area_code === SWALE)?.gap, 'yes');

  assert.equal((await (await agentWith(['hub_admin'])).get('/impact/coverage')).statusCode, 200);
  assert.equal((await commissioner.get('/impact/coverage?outcome=%3Cscript%3E&kind=nonsense')).statusCode, 200);
  const member = new Agent(context.app);
  member.cookies.set('wc_session', await sessionCookieFor(context.database, (await buildUser(context.database)).id));
  assert.equal((await member.get('/impact/coverage')).statusCode, 403);
});

test('comparison rules: shared outcomes, what each adds, and core where the others only add value', () => {
  const result = compareOrganisations(
    [
      {
        id: 'a',
        name: 'A',
        outcomes: new Map([
          ['O1', 'core'],
          ['O2', 'core'],
          ['O3', 'value_adding'],
        ] as const),
      },
      {
        id: 'b',
        name: 'B',
        outcomes: new Map([
          ['O1', 'value_adding'],
          ['O3', 'value_adding'],
          ['X', 'core'],
        ] as const),
      },
    ],
    ['O1', 'O2', 'O3'],
  );
  assert.deepEqual(result.outcomes, ['O1', 'O2', 'O3', 'X']);
  assert.deepEqual(result.shared, ['O1', 'O3']);
  assert.deepEqual(result.each, [
    { id: 'a', name: 'A', adds: ['O2'], coreWhereOthersAddValue: ['O1'] },
    { id: 'b', name: 'B', adds: ['X'], coreWhereOthersAddValue: [] },
  ]);
});

test('comparison page: anyone can compare; bad or unknown ids are a clear 400, never a 500', async () => {
  const first = await organisation('Canterbury Food Bank', [
    ['O1', 'core', [SWALE]],
    ['O3', 'value_adding', [SWALE]],
  ]);
  const second = await organisation('Canterbury Men’s Shed', [
    ['O3', 'core', [SWALE]],
    ['O2', 'value_adding', [SWALE]],
  ]);
  const visitor = new Agent(context.app);
  const page = await visitor.get(`/impact/compare?organisations=${first.id}&organisations=${second.id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /id="shared">\s*<li>Less loneliness<\/li>/);
  const adds = page.body.slice(page.body.indexOf('What each adds'));
  assert.match(adds, /Canterbury Food Bank<\/h3>[\s\S]*?<li>More local people in work<\/li>/);
  assert.match(
    adds,
    /Canterbury Men’s Shed<\/h3>[\s\S]*?<li>Better skills for work<\/li>[\s\S]*Core impact where the others only add value:[\s\S]*?<li>Less loneliness<\/li>/,
  );
  assert.match(
    page.body,
    /<th scope="row" class="govuk-table__header">Less loneliness<\/th>\s*<td class="govuk-table__cell">Value-adding impact<\/td><td class="govuk-table__cell">Core impact<\/td>/,
  );

  const search = await visitor.get(`/impact/compare?organisations=${first.id}&q=men%E2%80%99s`);
  assert.equal(search.statusCode, 200);
  assert.match(search.body, new RegExp(`name="organisations" type="checkbox" value="${second.id}"`));
  assert.match(search.body, /Add another organisation to compare/);

  assert.equal((await visitor.get('/impact/compare')).statusCode, 200);
  const bad = await visitor.get('/impact/compare?organisations=not-an-id');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Choose organisations from the directory/);
  const unknown = await visitor.get(
    `/impact/compare?organisations=${first.id}&organisations=00000000-0000-4000-8000-000000000000`,
  );
  assert.equal(unknown.statusCode, 400);
  const many = Array.from({ length: 7 }, () => `organisations=${crypto.randomUUID()}`).join('&');
  assert.match((await visitor.get(`/impact/compare?${many}`)).body, /Compare up to 6 organisations at a time/);
});
