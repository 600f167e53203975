import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildFramework, type TestFramework } from '../../../test/support/impact-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';

const MEDWAY = 'E06000035';
const SWALE = 'E07000113';
const THANET = 'E07000114';

let context: TestContext;
let framework: TestFramework;
before(async () => {
  context = await createTestApp();
  framework = await buildFramework(context.database);
});
after(() => context.close());

const agentFor = async (userId: string) => {
  const agent = new Agent(context.app);
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
  return agent;
};

async function organisationWithAdmin(name?: string) {
  const admin = await buildUser(context.database);
  const member = await buildUser(context.database);
  const organisation = await buildOrganisation(context.database, { name, admins: [admin], members: [member] });
  await context.database.query('UPDATE organisations SET districts = $2 WHERE id = $1', [organisation.id, [MEDWAY]]);
  return { organisation, admin: await agentFor(admin.id), member: await agentFor(member.id) };
}

const declare = (organisationId: string, code: string, kind: 'core' | 'value_adding', districts: string[]) =>
  context.database.query(
    'INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts) VALUES ($1, $2, $3, $4)',
    [organisationId, code, kind, districts],
  );

/** The posted declarations form: rows in the framework's order, O1, O2, O3. */
const declarationsForm = (rows: Record<string, { kind: string; districts?: string[] }>) =>
  Object.fromEntries(
    ['O1', 'O2', 'O3'].flatMap((code, index) => [
      [`code-${index}`, code],
      [`kind-${index}`, rows[code]?.kind ?? 'none'],
      [`districts-${index}`, rows[code]?.districts ?? []],
    ]),
  );

test('an admin declares core and value-adding outcomes with their areas; members see them; audited', async () => {
  const { organisation, admin, member } = await organisationWithAdmin('Swale Skills Trust');
  const formUrl = `/organisations/${organisation.id}/impact/outcomes`;
  const form = await admin.get(formUrl);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /More local people in work/);
  // Undeclared outcomes offer the organisation's own areas.
  assert.match(form.body, new RegExp(`name="districts-0" type="checkbox" value="${MEDWAY}" checked`));

  const saved = await admin.post(
    formUrl,
    declarationsForm({
      O1: { kind: 'core', districts: [SWALE, MEDWAY] },
      O3: { kind: 'value_adding', districts: [SWALE] },
    }),
    { from: formUrl },
  );
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, `/organisations/${organisation.id}/impact`);
  const rows = await context.database.query<{ outcome_code: string; kind: string; districts: string[] }>(
    'SELECT outcome_code, kind, districts FROM organisation_outcomes WHERE organisation_id = $1 ORDER BY outcome_code',
    [organisation.id],
  );
  assert.deepEqual(rows, [
    { outcome_code: 'O1', kind: 'core', districts: [MEDWAY, SWALE] },
    { outcome_code: 'O3', kind: 'value_adding', districts: [SWALE] },
  ]);
  const page = await member.get(`/organisations/${organisation.id}/impact`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /id="core-outcomes"[\s\S]*More local people in work[\s\S]*In Medway, Swale/);
  assert.match(page.body, /id="value-adding-outcomes"[\s\S]*Less loneliness/);
  assert.doesNotMatch(page.body, /Change the outcomes you deliver/, 'members cannot change them');
  const [audit] = await context.database.query<{ details: { after: unknown[] } }>(
    `SELECT details FROM audit_log WHERE action = 'organisation.outcomes.update' AND subject_id = $1`,
    [organisation.id],
  );
  assert.equal(audit?.details.after.length, 2);

  // Choosing "not delivered" for everything clears them.
  await admin.post(formUrl, declarationsForm({}), { from: formUrl });
  assert.equal(
    (await context.database.query('SELECT 1 FROM organisation_outcomes WHERE organisation_id = $1', [organisation.id]))
      .length,
    0,
  );
});

test('declarations with no areas, unknown areas or outcomes not in the framework are refused and kept', async () => {
  const { organisation, admin } = await organisationWithAdmin();
  const formUrl = `/organisations/${organisation.id}/impact/outcomes`;
  const noAreas = await admin.post(formUrl, declarationsForm({ O2: { kind: 'core' } }), { from: formUrl });
  assert.equal(noAreas.statusCode, 400);
  assert.match(noAreas.body, /href="#districts-1">Choose the areas where you deliver “Better skills for work”/);
  assert.match(noAreas.body, /name="kind-1" type="radio" value="core" checked/);

  const badArea = await admin.post(formUrl, declarationsForm({ O2: { kind: 'core', districts: ['E99999999'] } }), {
    from: formUrl,
  });
  assert.equal(badArea.statusCode, 400);
  assert.match(badArea.body, /Choose areas for “Better skills for work” from the list/);

  const retired = await admin.post(
    formUrl,
    { ...declarationsForm({}), 'code-3': 'RETIRED', 'kind-3': 'core', 'districts-3': [SWALE] },
    { from: formUrl },
  );
  assert.equal(retired.statusCode, 400);
  assert.match(retired.body, /RETIRED is no longer in the impact framework/);
  assert.equal(
    (await context.database.query('SELECT 1 FROM organisation_outcomes WHERE organisation_id = $1', [organisation.id]))
      .length,
    0,
  );
});

test('yearly results per measure with evidence: recorded, replaced for the same year, refused when wrong, removed', async () => {
  const { organisation, admin, member } = await organisationWithAdmin();
  const url = `/organisations/${organisation.id}/impact/results`;
  const form = await admin.get(url);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /More local people in work: Local people employed \(people\)/);

  const fields = {
    measureId: framework.measures.jobsCreated,
    year: '2025',
    quantity: '1,250',
    evidence: 'Payroll records',
  };
  const created = await admin.post(url, fields, { from: url });
  assert.equal(created.statusCode, 303);
  await admin.post(url, { ...fields, quantity: '1300.5', evidence: 'Payroll records, audited' }, { from: url });
  const rows = await context.database.query<{ quantity: string; evidence: string }>(
    'SELECT quantity::text, evidence FROM organisation_impact_results WHERE organisation_id = $1',
    [organisation.id],
  );
  assert.deepEqual(rows, [{ quantity: '1300.5', evidence: 'Payroll records, audited' }]);
  const page = await member.get(`/organisations/${organisation.id}/impact`);
  assert.match(page.body, /1,300\.5 people/);
  assert.match(page.body, /Payroll records, audited/);

  const wrong = await admin.post(
    url,
    { measureId: 'nope', year: '1999', quantity: '-3', evidence: ' ' },
    { from: url },
  );
  assert.equal(wrong.statusCode, 400);
  for (const message of [
    /Choose a measure from the list/,
    /Year must be a year from 2000/,
    /Quantity must be a number/,
    /Describe the evidence/,
  ])
    assert.match(wrong.body, message);
  assert.match(wrong.body, /value="-3"/, 'what was typed is kept');

  // A measure of an older framework version is not offered and not accepted.
  const [old] = await context.database.query<{ id: string }>(
    `SELECT m.id FROM impact_measures m JOIN impact_framework_versions v ON v.id = m.version_id WHERE v.version = 1 LIMIT 1`,
  );
  if (old) {
    const stale = await admin.post(url, { ...fields, measureId: old.id }, { from: url });
    assert.equal(stale.statusCode, 400);
    assert.match(stale.body, /Choose a measure of the current impact framework/);
  }

  const [result] = await context.database.query<{ id: string }>(
    'SELECT id FROM organisation_impact_results WHERE organisation_id = $1',
    [organisation.id],
  );
  assert.ok(result);
  const removed = await admin.post(`${url}/remove`, { resultId: result.id }, { from: url });
  assert.equal(removed.statusCode, 303);
  const actions = await context.database.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'organisation.impact_result.%' ORDER BY id`,
    [organisation.id],
  );
  assert.deepEqual(
    actions.map((row) => row.action),
    ['organisation.impact_result.create', 'organisation.impact_result.update', 'organisation.impact_result.remove'],
  );
  assert.equal((await admin.post(`${url}/remove`, { resultId: result.id }, { from: url })).statusCode, 404);
});

test('the public profile shows declarations, results and who else delivers the same outcomes nearby', async () => {
  const { organisation } = await organisationWithAdmin('Thanet Job Club');
  await declare(organisation.id, 'O1', 'core', [THANET, SWALE]);
  await declare(organisation.id, 'O2', 'value_adding', [THANET]);
  const near = await buildOrganisation(context.database, { name: 'Sheppey Employment Hub' });
  await declare(near.id, 'O1', 'value_adding', [SWALE]);
  const far = await buildOrganisation(context.database, { name: 'Medway Work Club' });
  await declare(far.id, 'O1', 'core', [MEDWAY]);
  for (let index = 0; index < 7; index++) {
    const other = await buildOrganisation(context.database, { name: `Thanet Skills ${index}` });
    await declare(other.id, 'O2', 'core', [THANET]);
  }
  await context.database.query(
    `INSERT INTO organisation_impact_results (organisation_id, measure_id, year, quantity, evidence)
     VALUES ($1, $2, 2025, 42, 'Course registers')`,
    [organisation.id, framework.measures.trainingWeeks],
  );

  const page = await new Agent(context.app).get(`/organisations/${organisation.id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /id="core-outcomes"[\s\S]*More local people in work[\s\S]*In Swale, Thanet/);
  assert.match(page.body, /42 weeks/);
  assert.match(page.body, /Course registers/);
  const others = page.body.slice(page.body.indexOf('id="others-delivering"'));
  assert.match(others, new RegExp(`href="/organisations/${near.id}">Sheppey Employment Hub</a>`));
  assert.doesNotMatch(others, /Medway Work Club/, 'not in the same areas');
  assert.equal((others.match(/>Thanet Skills \d<\/a>/g) ?? []).length, 5, 'a capped list');
  assert.match(others, /and 2 more/);
  assert.match(
    others,
    new RegExp(`href="/impact/compare\\?organisations=${organisation.id}&amp;organisations=${near.id}"`),
  );
});

test('unknown organisations are not found; outsiders cannot change declarations', async () => {
  const { organisation } = await organisationWithAdmin();
  const outsider = await agentFor((await buildUser(context.database)).id);
  assert.equal((await outsider.get(`/organisations/${organisation.id}/impact/outcomes`)).statusCode, 403);
  const hub = await agentFor((await buildUser(context.database, { roles: ['hub_admin'] })).id);
  assert.equal((await hub.get('/organisations/not-a-uuid/impact')).statusCode, 404);
  assert.equal((await hub.get(`/organisations/${organisation.id}/impact`)).statusCode, 200);
});
