import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { upsertMember } from '../../organisations/organisations.repository.ts';
import { buildTestConsortium } from '../cashflow/test-consortium.ts';
import { leadRatingOf } from './ratings.repository.ts';

// Members rate the lead after delivery: who may, when, once per organisation, and the ratings on the lead's
// public profile.

let context: TestContext;
let fixture: Awaited<ReturnType<typeof buildTestConsortium>>;
const page = () => `/consortia/${fixture.id}/rating`;
const rating = () => ({
  organisationId: fixture.organisations.partner,
  stars: '4',
  comment: 'Paid on time, every time.',
});

before(async () => {
  context = await createTestApp();
  fixture = await buildTestConsortium(context);
});
after(() => context.close());

test('only members other than the lead may rate; others learn nothing', async () => {
  for (const role of ['outsider', 'invitee'] as const) {
    const agent = await fixture.agentFor(role);
    assert.equal((await agent.get(page())).statusCode, 404, `hidden from the ${role}`);
    const post = await agent.post(page(), { ...rating(), organisationId: fixture.organisations[role] }, { from: '/' });
    assert.equal(post.statusCode, 404, `the ${role} cannot rate`);
  }
  const visitor = await (await fixture.agentFor()).get(page());
  assert.notEqual(visitor.statusCode, 200);
  const lead = await fixture.agentFor('lead');
  assert.equal((await lead.get(page())).statusCode, 403);
  const leadRates = await lead.post(
    page(),
    { ...rating(), organisationId: fixture.organisations.lead },
    { from: `/consortia/${fixture.id}` },
  );
  assert.equal(leadRates.statusCode, 403, 'the lead cannot rate itself');
  const partner = await fixture.agentFor('partner');
  const forAnother = await partner.post(
    page(),
    { ...rating(), organisationId: fixture.organisations.outsider },
    { from: page() },
  );
  assert.equal(forAnother.statusCode, 403, 'a member rates only for its own organisation');
});

test('members rate only once delivery is completed', async () => {
  const partner = await fixture.agentFor('partner');
  const early = await partner.get(page());
  assert.equal(early.statusCode, 200);
  assert.match(early.body, /Members can rate the lead once delivery is completed/);
  assert.doesNotMatch(early.body, /name="stars"/);
  assert.doesNotMatch((await partner.get(`/consortia/${fixture.id}`)).body, /Rate the lead/);
  const tooSoon = await partner.post(page(), rating(), { from: page() });
  assert.equal(tooSoon.statusCode, 400);
  assert.match(tooSoon.body, /There is a problem/);
  assert.match(tooSoon.body, /Members can rate the lead only once delivery is completed/);
});

test('after delivery each member organisation rates once, with what to fix for bad input', async () => {
  // The invited organisation joins while the consortium is still forming; delivery then completes.
  await fixture.consortia.answer(fixture.id, fixture.organisations.invitee, true, fixture.actors.invitee);
  await context.database.query(`UPDATE consortia SET status = 'completed' WHERE id = $1`, [fixture.id]);
  const partner = await fixture.agentFor('partner');
  assert.match((await partner.get(`/consortia/${fixture.id}`)).body, /Rate the lead/);
  const blank = await partner.post(page(), { organisationId: fixture.organisations.partner }, { from: page() });
  assert.equal(blank.statusCode, 400);
  assert.match(blank.body, /Choose a rating from 1 to 5 stars/);
  const long = await partner.post(page(), { ...rating(), stars: '6', comment: 'x'.repeat(2001) }, { from: page() });
  assert.equal(long.statusCode, 400);
  assert.match(long.body, /Choose a rating from 1 to 5 stars/);
  assert.match(long.body, /The comment must be 2,000 characters or fewer/);

  assert.equal((await partner.post(page(), rating(), { from: page() })).statusCode, 303);
  const [audit] = await context.database.query<{ details: { stars: number } }>(
    `SELECT details FROM audit_log WHERE subject_id = $1 AND action = 'consortium.rate_lead'`,
    [fixture.id],
  );
  assert.equal(audit?.details.stars, 4);
  const done = await partner.get(page());
  assert.match(done.body, /partner charity rated the lead 4 out of 5 \(Good\)/);
  assert.doesNotMatch(done.body, /name="stars"/);

  // Someone else at the same organisation cannot rate for it again.
  const colleague = await buildUser(context.database);
  await upsertMember(context.database.db, fixture.organisations.partner, colleague.id, 'member');
  const agent = await fixture.agentFor();
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, colleague.id));
  const again = await agent.post(page(), { ...rating(), stars: '1' }, { from: page() });
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /partner charity has already rated the lead of this consortium/);
  await assert.rejects(
    context.database.query('UPDATE lead_ratings SET stars = 5 WHERE consortium_id = $1', [fixture.id]),
    /kept as history/,
  );
});

test('the lead’s profile shows its average, how many ratings, and the latest comments', async () => {
  const { organisations } = fixture;
  const invitee = await fixture.agentFor('invitee');
  const rated = await invitee.post(
    page(),
    { organisationId: organisations.invitee, stars: '5', comment: '' },
    { from: page() },
  );
  assert.equal(rated.statusCode, 303);

  const profile = await (await fixture.agentFor()).get(`/organisations/${organisations.lead}`);
  assert.equal(profile.statusCode, 200);
  assert.match(profile.body, /Rated as a consortium lead/);
  assert.match(profile.body, /4\.5 out of 5<\/strong> on average, from 2 ratings/);
  assert.match(profile.body, /Paid on time, every time\./);
  assert.match(profile.body, /4 out of 5, Swale Together/);
  const other = await (await fixture.agentFor()).get(`/organisations/${organisations.partner}`);
  assert.doesNotMatch(other.body, /Rated as a consortium lead/);

  const averages = await leadRatingOf(context.database, [organisations.lead, organisations.partner]);
  assert.deepEqual([...averages], [[organisations.lead, 4.5]]);
  assert.equal((await leadRatingOf(context.database, [])).size, 0);
});
