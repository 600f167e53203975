import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ICAL from 'ical.js';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildProfile, buildPublisher } from '../../../test/support/matching-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';

const MEDWAY = 'E06000035';
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
const calendarPath = (body: string) => {
  const url = /<code id="calendar-url">([^<]+)<\/code>/.exec(body)?.[1];
  assert.ok(url, 'the new calendar address is shown');
  return new URL(url).pathname;
};

async function memberOfAnOrganisation() {
  const member = await buildUser(context.database);
  const organisation = await buildProfile(
    context.database,
    { name: 'Medway Green Spaces', services: ['112'], districts: [MEDWAY], incomePence: 20_000_00 },
    [member],
  );
  return { member, organisation, agent: await agentFor(member.id) };
}

test('opportunities for you: ranked with reasons for members; others refused, visitors sent to sign in', async () => {
  const { publish } = await buildPublisher(context.database);
  await publish({
    title: 'Parks in Medway',
    services: ['112'],
    districts: [MEDWAY],
    reservedForVcse: true,
    valuePence: 40_000_00,
  });
  await publish({ title: 'Kent-wide tree planting', services: ['112'], districts: [], valuePence: 3_000_000_00 });
  const { organisation, agent } = await memberOfAnOrganisation();
  const url = `/organisations/${organisation.id}/opportunities`;

  const page = await agent.get(url);
  assert.equal(page.statusCode, 200);
  assert.ok(page.body.indexOf('Parks in Medway') < page.body.indexOf('Kent-wide tree planting'));
  assert.match(page.body, /Areas in common: Medway/);
  assert.match(page.body, /Reserved for VCSEs/);
  assert.match(page.body, /Value £3,000,000 is out of reach for tier 3 \(up to £100,000\)/);
  const profile = await agent.get(`/organisations/${organisation.id}`);
  assert.match(profile.body, new RegExp(`href="${url}"`));

  const outsider = await buildUser(context.database);
  assert.equal((await (await agentFor(outsider.id)).get(url)).statusCode, 403);
  const visitor = await (await agentFor()).get(url);
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/sign-in\?next=/);
});

test('the calendar feed parses, holds the deadlines in UTC, and a new address retires the old one', async () => {
  const { publish } = await buildPublisher(context.database);
  const clarification = new Date('2030-03-29T11:00:00Z');
  const submission = new Date('2030-04-02T11:00:00Z'); // noon in London, summer time
  await publish({
    title: 'Wildflower verges',
    services: ['112'],
    districts: [MEDWAY],
    clarificationDeadline: clarification,
    submissionDeadline: submission,
  });
  await publish({ title: 'Unrelated work', services: ['111'], districts: [MEDWAY] });
  const { organisation, agent } = await memberOfAnOrganisation();
  const made = await agent.post(
    `/organisations/${organisation.id}/calendar`,
    {},
    { from: `/organisations/${organisation.id}/opportunities` },
  );
  assert.equal(made.statusCode, 200);
  const first = calendarPath(made.body);

  const feed = await (await agentFor()).get(first);
  assert.equal(feed.statusCode, 200);
  assert.match(String(feed.headers['content-type']), /^text\/calendar/);
  const events = new ICAL.Component(ICAL.parse(feed.body))
    .getAllSubcomponents('vevent')
    .map((vevent) => new ICAL.Event(vevent));
  const wildflower = events.filter((event) => event.summary.endsWith('Wildflower verges'));
  assert.deepEqual(
    wildflower.map((event) => [event.summary, event.startDate.toJSDate().toISOString(), event.startDate.zone?.tzid]),
    [
      ['Clarification questions close: Wildflower verges', clarification.toISOString(), 'UTC'],
      ['Submissions close: Wildflower verges', submission.toISOString(), 'UTC'],
    ],
  );
  assert.ok(!events.some((event) => event.summary.includes('Unrelated')));

  const again = await agent.post(
    `/organisations/${organisation.id}/calendar`,
    {},
    { from: `/organisations/${organisation.id}/opportunities` },
  );
  const second = calendarPath(again.body);
  assert.notEqual(second, first);
  assert.equal((await (await agentFor()).get(first)).statusCode, 404);
  assert.equal((await (await agentFor()).get(second)).statusCode, 200);
  assert.equal((await (await agentFor()).get('/calendars/not-a-real-token/deadlines.ics')).statusCode, 404);
});

test('one opportunity deadline as an .ics download, linked from its page', async () => {
  const { publish } = await buildPublisher(context.database);
  const opportunity = await publish({ title: 'Hedgerows' });
  const visitor = await agentFor();
  const page = await visitor.get(`/opportunities/${opportunity.id}`);
  assert.match(page.body, new RegExp(`href="/opportunities/${opportunity.id}/deadline.ics"`));
  const download = await visitor.get(`/opportunities/${opportunity.id}/deadline.ics`);
  assert.equal(download.statusCode, 200);
  const [event] = new ICAL.Component(ICAL.parse(download.body)).getAllSubcomponents('vevent');
  assert.equal(event?.getFirstPropertyValue('summary'), 'Submissions close: Hedgerows');
  const [stored] = await context.database.query<{ updated_at: Date }>(
    'SELECT updated_at FROM opportunities WHERE id = $1',
    [opportunity.id],
  );
  const stamp = String(event?.getFirstPropertyValue('dtstamp'));
  assert.equal(stamp.slice(0, 19), stored?.updated_at.toISOString().slice(0, 19), 'stamped when it last changed');
  const draft = await publish({ title: 'Not yet' }, { publish: false });
  assert.equal((await visitor.get(`/opportunities/${draft.id}/deadline.ics`)).statusCode, 404);
});

test('the Atom feed lists published opportunities only', async () => {
  const { publish } = await buildPublisher(context.database);
  await publish({ title: 'Published community transport' });
  await publish({ title: 'Draft community transport' }, { publish: false });
  const feed = await (await agentFor()).get('/opportunities.atom');
  assert.equal(feed.statusCode, 200);
  assert.match(String(feed.headers['content-type']), /^application\/atom\+xml/);
  assert.match(feed.body, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  assert.match(
    feed.body,
    /<title type="html"><!\[CDATA\[Published community transport\]\]><\/title>|Published community transport/,
  );
  assert.doesNotMatch(feed.body, /Draft community transport/);
});

test("the buyer's officers see the organisations that fit, with reasons; other officers are refused", async () => {
  const { publish, officer } = await buildPublisher(context.database);
  const opportunity = await publish({ title: 'Green gyms', services: ['112'], districts: [MEDWAY] });
  const { organisation } = await memberOfAnOrganisation();
  const buyer = await agentFor(officer.id);
  assert.match((await buyer.get(`/opportunities/${opportunity.id}`)).body, /Organisations that fit this opportunity/);
  const page = await buyer.get(`/opportunities/${opportunity.id}/organisations-that-fit`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, new RegExp(`href="/organisations/${organisation.id}"`));
  assert.match(page.body, /Services in common: Environment and conservation/);
  const other = await buildPublisher(context.database);
  const refused = await (await agentFor(other.officer.id)).get(
    `/opportunities/${opportunity.id}/organisations-that-fit`,
  );
  assert.equal(refused.statusCode, 403);
});
