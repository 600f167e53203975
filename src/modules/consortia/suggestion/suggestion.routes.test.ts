import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { buildProfile, buildPublisher } from '../../../../test/support/matching-factories.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { wardsIn } from '../../geography/geography.ts';
import { opportunitiesService } from '../../opportunities/opportunities.service.ts';

// The suggested consortium page: a small directory where three organisations together cover two lots of two
// services each, a fourth that could stand in for one of them, who may see it, and what bad settings answer.

const SWALE = 'E07000113';
const MEDWAY = 'E06000035';
const THANET = 'E07000114';
const SEVENOAKS = 'E07000111';
const HEALTH = '103';
const POVERTY = '105';
const OUTCOME = 'SVM-O4.1';
const READY = '{safeguarding,public_liability,employers_liability,data_protection,equality,health_safety}';

let context: TestContext;
let publisher: Awaited<ReturnType<typeof buildPublisher>>;
let opportunityId: string;
let draftId: string;
let uncoverableId: string;
let closedId: string;
let outcomeTitle: string;
const people: Record<'member' | 'loner' | 'buyer', string> = { member: '', loner: '', buyer: '' };
const page = (id = opportunityId, query = '') => `/opportunities/${id}/consortium-suggestion${query}`;

async function agentFor(who?: keyof typeof people) {
  const agent = new Agent(context.app);
  if (who) agent.cookies.set('wc_session', await sessionCookieFor(context.database, people[who]));
  return agent;
}

before(async () => {
  context = await createTestApp();
  const { database } = context;
  publisher = await buildPublisher(database);
  people.buyer = publisher.officer.id;
  const opportunities = opportunitiesService({ database });
  const withLots = async (title: string, lots: { title: string; valuePence: number; districts: string[] }[]) => {
    const opportunity = await publisher.publish(
      { title, services: [HEALTH, POVERTY], districts: [], outcomeCodes: [OUTCOME] },
      { publish: false },
    );
    for (const lot of lots) await opportunities.addLot(opportunity.id, { ...lot, description: '' }, publisher.actor);
    return opportunity.id;
  };
  opportunityId = await withLots('Health and money advice in north and east Kent', [
    { title: 'North', valuePence: 100_000_00, districts: [SWALE, MEDWAY] },
    { title: 'East', valuePence: 50_000_00, districts: [THANET] },
  ]);
  await opportunities.transition(opportunityId, 'publish', publisher.actor);
  draftId = await withLots('Still a draft', [{ title: 'North', valuePence: 10_000_00, districts: [SWALE] }]);
  uncoverableId = await withLots('Reaching Sevenoaks', [
    { title: 'North', valuePence: 100_000_00, districts: [SWALE] },
    { title: 'West', valuePence: 100_000_00, districts: [SEVENOAKS] },
  ]);
  await opportunities.transition(uncoverableId, 'publish', publisher.actor);
  closedId = await withLots('Closed already', [{ title: 'North', valuePence: 10_000_00, districts: [SWALE] }]);
  await opportunities.transition(closedId, 'publish', publisher.actor);
  await opportunities.transition(closedId, 'close', publisher.actor);
  const [outcome] = await database.query<{ title: string }>(
    'SELECT title FROM impact_outcomes WHERE code = $1 LIMIT 1',
    [OUTCOME],
  );
  outcomeTitle = outcome?.title ?? '';

  const member = await buildUser(database);
  people.member = member.id;
  people.loner = (await buildUser(database)).id;
  const swale = await buildProfile(database, {
    name: 'Swale Health Trust',
    services: [HEALTH],
    districts: [SWALE, MEDWAY],
    incomePence: 300_000_00,
  });
  const [swaleWard] = wardsIn(SWALE);
  await database.query(
    `UPDATE organisations SET assurances = '${READY}', verified_at = now(), wards = $2 WHERE id = $1`,
    [swale.id, [swaleWard?.code]],
  );
  await database.query(
    `INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind) VALUES ($1, $2, 'core')`,
    [swale.id, OUTCOME],
  );
  await buildProfile(database, {
    name: 'Medway Money Advice',
    services: [POVERTY],
    districts: [SWALE, MEDWAY],
    incomePence: 20_000_00,
  });
  await buildProfile(
    database,
    { name: 'Thanet Together', services: [HEALTH, POVERTY], districts: [THANET], incomePence: 5_000_00 },
    [{ id: member.id }],
  );
  await buildProfile(database, {
    name: 'Kent Wide Health',
    services: [HEALTH],
    districts: [SWALE, MEDWAY],
    incomePence: 2_000_00,
  });
});
after(() => context.close());

test('visitors are sent to sign in; drafts, unknown and closed opportunities are not found by outsiders', async () => {
  const visitor = await (await agentFor()).get(page());
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/sign-in\?next=/);
  const member = await agentFor('member');
  assert.equal((await member.get(page(draftId))).statusCode, 404, 'a draft is hidden from outsiders');
  assert.equal((await member.get(page(closedId))).statusCode, 404, 'consortia form only while it is open');
  assert.equal((await member.get(page('not-an-id'))).statusCode, 404);
  assert.equal((await member.get(page('00000000-0000-4000-8000-000000000000'))).statusCode, 404);
  const loner = await (await agentFor('loner')).get(page());
  assert.equal(loner.statusCode, 403, 'someone in no organisation is told why');
  assert.match(loner.body, /Ask your organisation’s admin to add you/);

  const buyer = await agentFor('buyer');
  const draft = await buyer.get(page(draftId));
  assert.equal(draft.statusCode, 200, 'the buyer sees what the sector could offer while drafting');
  assert.match(draft.body, /Swale Health Trust/);
  assert.doesNotMatch(draft.body, /Form a consortium/, 'the buyer does not bid on its own work');
});

test('the quick suggestion covers every requirement, says why each member was chosen and what each alternative changes', async () => {
  const response = await (await agentFor('member')).get(page());
  assert.equal(response.statusCode, 200);
  const body = response.body;
  assert.match(body, /<h1 class="govuk-heading-l">Suggested consortium<\/h1>/);
  assert.match(body, /6 requirements: each service of each lot in each district/);
  assert.match(body, /A quick search found this consortium/);
  for (const name of ['Swale Health Trust', 'Medway Money Advice', 'Thanet Together'])
    assert.match(body, new RegExp(`<a class="govuk-link" href="/organisations/[^"]+">${name}</a>`));
  assert.match(body, /The suggested members cover every requirement\./);
  assert.doesNotMatch(body, /Requirements left uncovered/);
  // The readiest organisation that can lead leads; the small groups are partners.
  assert.match(body, /Swale Health Trust \(lead\)/);
  assert.match(body, /Thanet Together \(partner\)/);
  assert.match(body, /North \(Health and saving lives\): Swale, Medway/);
  assert.match(body, /East \(Relief of poverty\): Thanet/);
  assert.match(body, /33\.3% \(£50,000\)/);
  // Reasons name districts and outcomes, not their codes.
  assert.match(body, /Serves Swale, Medway/);
  assert.match(body, /Based locally/);
  assert.match(body, /Readiness 90%/);
  assert.ok(outcomeTitle);
  assert.ok(body.includes(`Delivers required outcomes as core outcomes: ${outcomeTitle}`), 'outcome by its title');
  assert.doesNotMatch(body, /E07000113|SVM-O4\.1/);
  // Without Swale Health Trust, Kent Wide Health stands in; without Thanet Together, Thanet goes uncovered.
  assert.match(body, /What each alternative would change/);
  assert.match(
    body,
    /<th scope="row" class="govuk-table__header">Swale Health Trust<\/th>\s*<td class="govuk-table__cell">Kent Wide Health/,
  );
  assert.match(
    body,
    /<th scope="row" class="govuk-table__header">Thanet Together<\/th>[\s\S]*?2 more requirements left uncovered/,
  );
  assert.match(body, /<form method="get" action="\/opportunities\/[^"]+\/consortia\/new">/);
  assert.match(body, /Form a consortium with these members/);
  assert.match(body, /can lead when its income puts it in tier 3 or above/);
});

test('the best possible consortium comes from the exact solver, which says it proved it', async () => {
  const response = await (await agentFor('member')).get(
    page(opportunityId, '?method=exact&maxMembers=3&minSharePercent=10'),
  );
  assert.equal(response.statusCode, 200);
  assert.match(
    response.body,
    /The exact solver proved in (under a second|[\d.]+ seconds) that no consortium scores higher/,
  );
  assert.match(response.body, /The suggested members cover every requirement\./);
  assert.match(response.body, /Swale Health Trust \(lead\)/);
  assert.match(response.body, /value="exact" checked/);
});

test('requirements no one can deliver are shown with the reason', async () => {
  const response = await (await agentFor('member')).get(page(uncoverableId));
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /Requirements left uncovered/);
  assert.match(
    response.body,
    /West \(Health and saving lives\)<\/th>\s*<td class="govuk-table__cell">Sevenoaks<\/td>\s*<td class="govuk-table__cell">No organisation offers every service of this lot in this district/,
  );
});

test('an opportunity naming no services has nothing to suggest, and says so', async () => {
  const unnamed = await publisher.publish({ title: 'Services to be decided', services: [] }, { publish: false });
  const response = await (await agentFor('buyer')).get(page(unnamed.id));
  assert.equal(response.statusCode, 200);
  assert.match(response.body, /The buyer has not named the services this opportunity needs/);
  assert.doesNotMatch(response.body, /Suggested members|name="maxMembers"/);
});

test('bad settings say what to fix, and nothing is worked out', async () => {
  const agent = await agentFor('member');
  const bad = await agent.get(page(opportunityId, '?method=best&maxMembers=0&minSharePercent=abc'));
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /Choose a quick suggestion or the best possible consortium/);
  assert.match(bad.body, /Most members must be a whole number from 1 to 20, like 8/);
  assert.match(bad.body, /Least share must be a whole percentage from 0 to 50, like 5/);
  assert.match(bad.body, /href="#maxMembers"/);
  assert.doesNotMatch(bad.body, /Suggested members/);
  const empty = await agent.get(page(opportunityId, '?maxMembers=&minSharePercent=60'));
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the most members the consortium may have/);
  assert.match(empty.body, /Least share must be a whole percentage from 0 to 50/);
});

test('the opportunity’s page links to the suggestion for organisations and for the buyer', async () => {
  const link = /href="\/opportunities\/[^"]+\/consortium-suggestion"/;
  assert.match((await (await agentFor('member')).get(`/opportunities/${opportunityId}`)).body, link);
  assert.match((await (await agentFor('buyer')).get(`/opportunities/${draftId}`)).body, link);
  assert.doesNotMatch((await (await agentFor()).get(`/opportunities/${opportunityId}`)).body, link);
});

test('a suggestion becomes a consortium: its members are offered ticked, and those ticked are invited on forming', async () => {
  const { database } = context;
  const agent = await agentFor('member');
  const suggestion = await agent.get(page());
  const suggested = [...suggestion.body.matchAll(/<input type="hidden" name="invite" value="([^"]+)">/g)].map(
    (match) => match[1] as string,
  );
  assert.equal(suggested.length, 3, 'every suggested member goes to the form');
  const form = `/opportunities/${opportunityId}/consortia/new?${new URLSearchParams(suggested.map((id) => ['invite', id]))}`;
  const offered = await agent.get(form);
  assert.equal(offered.statusCode, 200);
  // The person's own organisation leads; the others are offered as invitations, ticked.
  assert.match(
    offered.body,
    /value="[^"]+" checked>\s*<label class="govuk-label govuk-radios__label" for="leadOrganisationId">\s*Thanet Together/,
  );
  for (const name of ['Swale Health Trust', 'Medway Money Advice'])
    assert.match(
      offered.body,
      new RegExp(`name="invite" type="checkbox" value="[^"]+" checked>\\s*<label[^>]*>\\s*${name}`),
    );
  assert.doesNotMatch(
    offered.body,
    /name="invite" type="checkbox" value="[^"]+" checked>\s*<label[^>]*>\s*Thanet Together/,
  );

  const [lead] = await database.query<{ id: string }>(`SELECT id FROM organisations WHERE name = 'Thanet Together'`);
  const [swale, medway] = await database.query<{ id: string }>(
    `SELECT id FROM organisations WHERE name IN ('Swale Health Trust', 'Medway Money Advice') ORDER BY name DESC`,
  );
  const fields = { name: 'Kent Health and Money', leadOrganisationId: lead?.id ?? '' };
  const garbled = await agent.post(form, { ...fields, invite: ['not-an-id'] }, { from: form });
  assert.equal(garbled.statusCode, 400);
  assert.match(garbled.body, /Invite only organisations from the suggested consortium/);
  assert.match(garbled.body, /href="#invite"/);
  const buyerOrganisation = await agent.post(form, { ...fields, invite: [publisher.body.id] }, { from: form });
  assert.equal(buyerOrganisation.statusCode, 400);
  assert.match(buyerOrganisation.body, /Invite only voluntary or community organisations from the directory/);
  assert.equal(
    (await database.query(`SELECT 1 FROM consortia WHERE name = 'Kent Health and Money'`)).length,
    0,
    'nothing is formed when an invitation cannot be sent',
  );

  // Medway Money Advice is unticked: only Swale Health Trust is invited.
  const formed = await agent.post(form, { ...fields, invite: [swale?.id ?? ''] }, { from: form });
  assert.equal(formed.statusCode, 303);
  const consortiumId = String(formed.headers.location).split('/').at(-1);
  const members = await database.query<{ organisation_id: string; role: string; status: string }>(
    'SELECT organisation_id, role, status FROM consortium_members WHERE consortium_id = $1 ORDER BY role',
    [consortiumId],
  );
  assert.deepEqual(members, [
    { organisation_id: lead?.id, role: 'lead', status: 'accepted' },
    { organisation_id: swale?.id, role: 'partner', status: 'invited' },
  ]);
  assert.ok(medway);
  const audit = await database.query<{ action: string }>(
    'SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id',
    [consortiumId],
  );
  assert.deepEqual(
    audit.map((entry) => entry.action),
    ['consortium.create', 'consortium.invite'],
  );
  const shown = await agent.get(String(formed.headers.location));
  assert.match(shown.body, /“Kent Health and Money” has been formed and 1 organisation invited/);
});
