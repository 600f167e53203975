import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { startSmtpServer } from '../../../test/support/smtp.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { createMailer } from '../../platform/mail.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';
import { alertsService, isoWeek } from './alerts.service.ts';

let context: TestContext;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
before(async () => {
  smtp = await startSmtpServer();
  context = await createTestApp({ env: { SMTP_URL: smtp.url } });
});
after(async () => {
  await context.close();
  await smtp.close();
});

const SWALE = 'E07000113';
const agentFor = async (userId?: string) => {
  const agent = new Agent(context.app);
  if (userId) agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
  return agent;
};

/** A person in a voluntary organisation working in the given districts, with their alerts set as asked. */
async function supplier(districts: string[], frequency?: string) {
  const person = await buildUser(context.database);
  const organisation = await buildOrganisation(context.database, { members: [person] });
  await context.database.query('UPDATE organisations SET districts = $2 WHERE id = $1', [organisation.id, districts]);
  const agent = await agentFor(person.id);
  if (frequency) {
    const saved = await agent.post('/account/alerts', { frequency }, { from: '/account/alerts' });
    assert.equal(saved.statusCode, 303, saved.body);
  }
  return { person, agent };
}

test('the alerts page: radios, an error summary when nothing is chosen, the choice saved and audited', async () => {
  const { person, agent } = await supplier([SWALE]);
  const page = await agent.get('/account/alerts');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /value="none" checked/);
  const empty = await agent.post('/account/alerts', {}, { from: '/account/alerts' });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary[\s\S]*Select how often you want alerts/);
  assert.equal(
    (await agent.post('/account/alerts', { frequency: 'weekly' }, { from: '/account/alerts' })).statusCode,
    303,
  );
  assert.match((await agent.get('/account/alerts')).body, /value="weekly" checked/);
  const audit = await context.database.query<{ details: { frequency: string } }>(
    `SELECT details FROM audit_log WHERE actor_user_id = $1 AND action = 'alerts.preferences'`,
    [person.id],
  );
  assert.deepEqual(
    audit.map((row) => row.details.frequency),
    ['weekly'],
  );
  assert.equal((await (await agentFor()).get('/account/alerts')).statusCode, 303);
});

test('publishing mails people whose organisations fit at once, over SMTP, with a working unsubscribe link', async () => {
  const fitting = await supplier([SWALE], 'immediately');
  const elsewhere = await supplier(['E06000035'], 'immediately');
  const weekly = await supplier([SWALE], 'weekly');
  const { body, officer, actor } = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const opportunity = await service.create(body.id, opportunityInput({ title: 'Befriending in Swale' }), actor);
  const buyer = await agentFor(officer.id);
  const url = `/opportunities/${opportunity.id}`;
  const published = await buyer.post(`${url}/status`, { transition: 'publish' }, { from: url });
  assert.equal(published.statusCode, 303, published.body);

  const mail = await smtp.nextTo(fitting.person.email);
  assert.equal(mail.subject, 'New opportunity: Befriending in Swale');
  assert.match(mail.text, new RegExp(`http://localhost:3000${url}`));
  assert.equal(
    smtp.received.some(
      (received) => received.to.includes(elsewhere.person.email) || received.to.includes(weekly.person.email),
    ),
    false,
  );

  const unsubscribe = new URL(/http\S+\/alerts\/unsubscribe\/\S+/.exec(mail.text)?.[0] ?? '').pathname;
  const visitor = await agentFor();
  const page = await visitor.get(unsubscribe);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Stop all alerts/);
  const done = await visitor.post(unsubscribe, {}, { from: unsubscribe });
  assert.equal(done.statusCode, 200);
  assert.match(done.body, /You will get no more alerts/);
  assert.match((await fitting.agent.get('/account/alerts')).body, /value="none" checked/);
  assert.equal((await visitor.get('/alerts/unsubscribe/not-a-token')).statusCode, 404);
  assert.equal((await visitor.post(unsubscribe, {}, { csrf: 'forged' })).statusCode, 403);
});

test('the weekly digest lists fitting opportunities once per person and week', async () => {
  const reader = await supplier([SWALE], 'weekly');
  const nothingNew = await supplier(['E06000035'], 'weekly');
  const { body, actor } = await buildBuyer(context.database);
  const opportunities = opportunitiesService({ database: context.database });
  for (const title of ['Lunch clubs in Swale', 'Transport to appointments']) {
    const created = await opportunities.create(body.id, opportunityInput({ title }), actor);
    await opportunities.transition(created.id, 'publish', actor);
  }
  const mailer = createMailer({ smtpUrl: smtp.url, baseUrl: context.config.baseUrl, db: context.database.db });
  const alerts = alertsService({ database: context.database, mailer, baseUrl: context.config.baseUrl });
  const first = await alerts.sendDigests();
  assert.equal(first.week, isoWeek(new Date()));
  assert.ok(first.sent >= 1);
  const digest = await smtp.nextTo(reader.person.email);
  assert.match(digest.subject, /new opportunities this week/);
  assert.match(digest.text, /Lunch clubs in Swale[\s\S]*Transport to appointments/);
  assert.match(digest.text, /\/alerts\/unsubscribe\//);

  const second = await alerts.sendDigests();
  assert.deepEqual({ sent: second.sent, skipped: second.skipped }, { sent: 0, skipped: 0 });
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(smtp.received.filter((mail) => mail.to.includes(reader.person.email)).length, 0);
  assert.equal(smtp.received.filter((mail) => mail.to.includes(nothingNew.person.email)).length, 0);
  const [recorded] = await context.database.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM alert_digests WHERE user_id = $1',
    [reader.person.id],
  );
  assert.equal(recorded?.count, 1);
  mailer.close();
});

test('ISO weeks', () => {
  assert.equal(isoWeek(new Date('2026-01-01T12:00Z')), '2026-W01');
  assert.equal(isoWeek(new Date('2027-01-01T12:00Z')), '2026-W53');
  assert.equal(isoWeek(new Date('2026-11-25T12:00Z')), '2026-W48');
});
