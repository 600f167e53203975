import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildBuyer } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { districts } from '../geography/geography.ts';
import { londonLocal } from './opportunities.schema.ts';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

const agentFor = async (userId?: string) => {
  const agent = new Agent(context.app);
  if (userId) agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
  return agent;
};
const inAWeek = () => londonLocal(new Date(Date.now() + 7 * 24 * 60 * 60 * 1000));
const form = (buyerOrganisationId: string, overrides: Record<string, string | string[]> = {}) => ({
  buyerOrganisationId,
  kind: 'opportunity',
  procurementType: 'grant',
  title: 'Warm spaces in Medway',
  description: 'Warm, welcoming places this winter.',
  outcomesSought: 'Fewer people cold at home.',
  districts: ['E06000035'],
  valuePence: '80,000',
  submissionDeadline: inAWeek(),
  suitableForVcse: 'yes',
  socialValueWeightingPercent: '15',
  ...overrides,
});
const idFrom = (location: unknown) => String(location).split('/').at(-1) ?? '';

async function createOpportunity(agent: Agent, bodyId: string, overrides = {}) {
  const created = await agent.post('/opportunities/new', form(bodyId, overrides), { from: '/opportunities/new' });
  assert.equal(created.statusCode, 303, created.body);
  return idFrom(created.headers.location);
}

test('a lot is delivered in the areas chosen for it; with none chosen, in all of the opportunity’s', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const agent = await agentFor(officer.id);
  const id = await createOpportunity(agent, body.id, { districts: ['E06000035', 'E07000113'] });
  const page = `/opportunities/${id}`;
  const form = await agent.get(page);
  assert.match(form.body, /<legend[^>]*>\s*Lot areas \(optional\)/);
  assert.match(form.body, /type="checkbox" value="E07000105"/);

  const unknown = await agent.post(`${page}/lots`, { title: 'Nowhere', districts: 'X1' }, { from: page });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /govuk-error-summary/);
  assert.match(unknown.body, /href="#districts"/);
  assert.match(unknown.body, /Choose areas from the list/);
  assert.match(unknown.body, /value="Nowhere"/, 'the title typed is kept');

  assert.equal((await agent.post(`${page}/lots`, { title: 'Everywhere' }, { from: page })).statusCode, 303);
  assert.equal(
    (await agent.post(`${page}/lots`, { title: 'Swale', districts: ['E07000113'] }, { from: page })).statusCode,
    303,
  );
  const lots = await context.database.query<{ title: string; districts: string[] }>(
    'SELECT title, districts FROM opportunity_lots WHERE opportunity_id = $1 ORDER BY title',
    [id],
  );
  assert.deepEqual(lots, [
    { title: 'Everywhere', districts: ['E06000035', 'E07000113'] },
    { title: 'Swale', districts: ['E07000113'] },
  ]);
  const shown = await agent.get(page);
  assert.match(shown.body, /Medway, Swale/);

  // An opportunity naming no areas covers all of Kent and Medway, and so does a blank lot of it.
  const anywhere = await createOpportunity(agent, body.id, { districts: [] });
  const blank = `/opportunities/${anywhere}`;
  assert.equal((await agent.post(`${blank}/lots`, { title: 'Anywhere' }, { from: blank })).statusCode, 303);
  const [lot] = await context.database.query<{ districts: string[] }>(
    'SELECT districts FROM opportunity_lots WHERE opportunity_id = $1',
    [anywhere],
  );
  assert.deepEqual(
    lot?.districts,
    districts.map((district) => district.code),
  );
});

test('visitors are sent to sign in; organisation members without a buying role are refused', async () => {
  const visitor = await agentFor();
  const response = await visitor.get('/opportunities/new');
  assert.equal(response.statusCode, 303);
  assert.match(String(response.headers.location), /^\/sign-in\?next=/);
  const member = await buildUser(context.database);
  await buildOrganisation(context.database, { members: [member] });
  assert.equal((await (await agentFor(member.id)).get('/opportunities/mine')).statusCode, 403);
});

test('bad input shows the GOV.UK error summary with the values kept', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const agent = await agentFor(officer.id);
  const response = await agent.post(
    '/opportunities/new',
    form(body.id, { title: '', valuePence: 'lots', socialValueWeightingPercent: '5' }),
    { from: '/opportunities/new' },
  );
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /There is a problem/);
  assert.match(response.body, /Enter a title/);
  assert.match(response.body, /Estimated value must be an amount in pounds/);
  assert.match(response.body, /the government minimum is 10%/);
  assert.match(response.body, /Warm, welcoming places this winter\./);
});

test('a draft is seen only by its buyer; another public body cannot see or change it', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const other = await buildBuyer(context.database);
  const agent = await agentFor(officer.id);
  const id = await createOpportunity(agent, body.id);
  assert.equal((await agent.get(`/opportunities/${id}`)).statusCode, 200);
  const mine = await agent.get('/opportunities/mine');
  assert.match(mine.body, new RegExp(`href="/opportunities/${id}">Warm spaces in Medway</a>`));
  assert.match(mine.body, />Draft</);
  assert.equal((await (await agentFor()).get(`/opportunities/${id}`)).statusCode, 404);
  const otherAgent = await agentFor(other.officer.id);
  assert.equal((await otherAgent.get(`/opportunities/${id}`)).statusCode, 404);
  assert.equal((await otherAgent.get(`/opportunities/${id}/edit`)).statusCode, 404);
  assert.ok(!(await (await agentFor()).get('/opportunities')).body.includes(id));
  // Creating for a body one does not belong to is refused.
  const refused = await otherAgent.post('/opportunities/new', form(body.id), { from: '/opportunities/new' });
  assert.equal(refused.statusCode, 403);
});

test('the buyer adds a lot, publishes, amends, closes and awards; the public sees it all and its history', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const other = await buildBuyer(context.database);
  const supplier = await buildOrganisation(context.database, { name: 'Medway Warmth Collective' });
  const agent = await agentFor(officer.id);
  const id = await createOpportunity(agent, body.id);
  const page = `/opportunities/${id}`;
  const lot = await agent.post(`${page}/lots`, { title: 'Chatham', valuePence: '40,000' }, { from: page });
  assert.equal(lot.statusCode, 303);
  const badLot = await agent.post(`${page}/lots`, { title: '' }, { from: page });
  assert.equal(badLot.statusCode, 400);
  assert.match(badLot.body, /Enter a title for the lot/);
  const wrong = await agent.post(`${page}/status`, { transition: 'close' }, { from: page });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.body, /is draft, so it cannot be closed/);
  assert.equal((await agent.post(`${page}/status`, { transition: 'publish' }, { from: page })).statusCode, 303);

  const otherAgent = await agentFor(other.officer.id);
  assert.equal((await otherAgent.post(`${page}/status`, { transition: 'close' }, { from: page })).statusCode, 403);
  assert.equal((await otherAgent.get(`${page}/edit`)).statusCode, 403);

  const amended = await agent.post(
    `${page}/edit`,
    { description: 'Warm places, now with hot meals.', title: 'Ignored' },
    { from: `${page}/edit` },
  );
  assert.equal(amended.statusCode, 303);
  assert.equal((await agent.post(`${page}/status`, { transition: 'close' }, { from: page })).statusCode, 303);
  const search = await agent.get(`${page}/award?q=Warmth%20Collective`);
  assert.match(search.body, /Medway Warmth Collective/);
  const noSupplier = await agent.post(`${page}/award`, {}, { from: `${page}/award` });
  assert.equal(noSupplier.statusCode, 400);
  assert.match(noSupplier.body, /Choose at least one supplier/);
  const awarded = await agent.post(`${page}/award`, { supplierIds: supplier.id, valuePence: '79,500' }, { from: page });
  assert.equal(awarded.statusCode, 303);

  const publicPage = await (await agentFor()).get(page);
  assert.equal(publicPage.statusCode, 200);
  for (const text of ['Warm spaces in Medway', 'Chatham', 'Medway Warmth Collective', 'hot meals', 'Awarded', '15%']) {
    assert.ok(publicPage.body.includes(text), text);
  }
  assert.match(
    publicPage.body,
    /Description: Warm, welcoming places this winter\. → Warm places, now with hot meals\./,
  );
  assert.ok(!publicPage.body.includes('Ignored'));
});

test('the buyer awards lots one at a time; a lot already awarded is refused with a message', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const supplier = await buildOrganisation(context.database, { name: 'Swale Lot Winners' });
  const agent = await agentFor(officer.id);
  const id = await createOpportunity(agent, body.id);
  const page = `/opportunities/${id}`;
  for (const title of ['Sheerness', 'Faversham']) await agent.post(`${page}/lots`, { title }, { from: page });
  for (const transition of ['publish', 'close']) await agent.post(`${page}/status`, { transition }, { from: page });
  const lots = await context.database.query<{ id: string; title: string }>(
    'SELECT id, title FROM opportunity_lots WHERE opportunity_id = $1 ORDER BY title',
    [id],
  );
  const [faversham, sheerness] = lots;
  const form = await agent.get(`${page}/award?q=Swale%20Lot`);
  assert.match(form.body, /Lots awarded/);
  const first = await agent.post(
    `${page}/award?q=Swale%20Lot`,
    { supplierIds: supplier.id, lotIds: sheerness?.id ?? '' },
    { from: `${page}/award` },
  );
  assert.equal(first.statusCode, 303);
  const shown = await agent.get(page);
  assert.match(shown.body, /Award the remaining lots/);
  assert.match(shown.body, /Swale Lot Winners<\/a> for Sheerness/);
  const remaining = await agent.get(`${page}/award`);
  assert.ok(remaining.body.includes(faversham?.id ?? '?') && !remaining.body.includes(sheerness?.id ?? '?'));
  const again = await agent.post(
    `${page}/award?q=Swale%20Lot`,
    { supplierIds: supplier.id, lotIds: sheerness?.id ?? '' },
    { from: `${page}/award` },
  );
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /govuk-error-summary/);
  assert.match(again.body, /href="#lotIds">“Sheerness” is already awarded/);
  const rest = await agent.post(`${page}/award?q=Swale%20Lot`, { supplierIds: supplier.id }, { from: `${page}/award` });
  assert.equal(rest.statusCode, 303);
  const done = await agent.get(page);
  assert.doesNotMatch(done.body, /Award the remaining lots/);
  assert.match(done.body, /for Faversham/);
  const crafted = await agent.post(`${page}/award`, { supplierIds: supplier.id, lotIds: 'x' }, { from: page });
  assert.equal(crafted.statusCode, 400);
  assert.match(crafted.body, /href="#supplierIds">Choose lots from the list/, 'with no lots on the page');
});

test('the public list searches published opportunities by filters, without JavaScript', async () => {
  const { body, officer } = await buildBuyer(context.database);
  const agent = await agentFor(officer.id);
  const grant = await createOpportunity(agent, body.id, {
    title: 'Befriending grant in Swale',
    districts: ['E07000113'],
  });
  await agent.post(`/opportunities/${grant}/status`, { transition: 'publish' }, { from: `/opportunities/${grant}` });
  await createOpportunity(agent, body.id, { title: 'Unpublished draft in Swale', districts: ['E07000113'] });
  const visitor = await agentFor();
  const list = await visitor.get('/opportunities?district=E07000113&procurementType=grant&vcse=yes&value=25kTo100k');
  assert.equal(list.statusCode, 200);
  assert.ok(list.body.includes('Befriending grant in Swale'));
  assert.ok(!list.body.includes('Unpublished draft'));
  const none = await visitor.get('/opportunities?district=E07000113&procurementType=tender');
  assert.ok(!none.body.includes('Befriending grant in Swale'));
  const closing = await visitor.get('/opportunities?q=Befriending+grant&closingBefore=2099-01-01');
  assert.ok(closing.body.includes('Befriending grant in Swale'));
  const closedEarlier = await visitor.get('/opportunities?q=Befriending+grant&closingBefore=2020-01-01');
  assert.ok(!closedEarlier.body.includes('Befriending grant in Swale'));
  const reserved = await createOpportunity(agent, body.id, {
    title: 'Reserved advice contract',
    suitableForSme: 'yes',
    reservedForVcse: 'yes',
  });
  await agent.post(
    `/opportunities/${reserved}/status`,
    { transition: 'publish' },
    { from: `/opportunities/${reserved}` },
  );
  const forSmes = await visitor.get('/opportunities?sme=yes&reserved=yes');
  assert.ok(forSmes.body.includes('Reserved advice contract'));
  assert.ok(!forSmes.body.includes('Befriending grant in Swale'), 'not reserved, nor marked for SMEs');
  assert.match(forSmes.body, /id="reserved" name="reserved" type="checkbox" value="yes" checked/);
  assert.match(forSmes.body, /Reserved for VCSEs\.\s*Suitable for SMEs\./);
  assert.match(list.body, /<link rel="alternate" type="application\/atom\+xml"[^>]* href="\/opportunities\.atom">/);
  assert.match(list.body, /<a class="govuk-link" href="\/opportunities\.atom">Atom feed of open opportunities<\/a>/);
  const nonsense = await visitor.get('/opportunities?status=bogus&page=-3&closingBefore=soon&sme=maybe');
  assert.equal(nonsense.statusCode, 200);
});
