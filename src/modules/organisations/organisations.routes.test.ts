import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser } from '../../../test/support/factories.ts';
import { latestMail } from '../../../test/support/outbox.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { auditLog, organisationMembers, organisations } from '../../db/schema.ts';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

test('a signed-in person adds their organisation and becomes its admin; it appears in the directory', async () => {
  const founder = await buildUser(context.database);
  const agent = new Agent(context.app);
  await agent.signIn(founder.email, founder.password);
  const invalid = await agent.post(
    '/organisations/new',
    { name: '', charityNumber: 'abc' },
    { from: '/organisations/new' },
  );
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /Enter the name of your organisation/);
  assert.match(invalid.body, /Charity number must be 6 to 8 digits, like 1123456/);
  assert.match(invalid.body, /value="abc"/);

  const created = await agent.post(
    '/organisations/new',
    { name: 'Hythe Community Larder', charityNumber: '1999001' },
    { from: '/organisations/new' },
  );
  assert.equal(created.statusCode, 303);
  const [organisation] = await context.database.db
    .select()
    .from(organisations)
    .where(eq(organisations.name, 'Hythe Community Larder'));
  assert.ok(organisation);
  assert.equal(created.headers.location, `/organisations/${organisation.id}`);
  const [membership] = await context.database.db
    .select()
    .from(organisationMembers)
    .where(and(eq(organisationMembers.organisationId, organisation.id), eq(organisationMembers.userId, founder.id)));
  assert.equal(membership?.role, 'admin');
  const [audited] = await context.database.db.select().from(auditLog).where(eq(auditLog.subjectId, organisation.id));
  assert.equal(audited?.action, 'organisation.created');
  assert.equal(audited?.actorUserId, founder.id);

  const directory = await new Agent(context.app).get('/directory');
  assert.match(directory.body, /Hythe Community Larder/);
});

test('an org admin invites a colleague, who accepts with the same address; nobody else can use it', async () => {
  const admin = await buildUser(context.database);
  const organisation = await buildOrganisation(context.database, { name: 'Thanet Sea Scouts', admins: [admin] });
  const colleague = await buildUser(context.database, { email: 'colleague@example.org' });
  const stranger = await buildUser(context.database);

  const adminAgent = new Agent(context.app);
  await adminAgent.signIn(admin.email, admin.password);
  const membersPath = `/organisations/${organisation.id}/members`;
  const bad = await adminAgent.post(
    `/organisations/${organisation.id}/invitations`,
    { email: 'nope' },
    { from: membersPath },
  );
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Select whether they will be a member or an admin/);

  const sent = await adminAgent.post(
    `/organisations/${organisation.id}/invitations`,
    { email: 'Colleague@example.org', role: 'member' },
    { from: membersPath },
  );
  assert.equal(sent.statusCode, 303);
  const mail = await latestMail(context.database, 'colleague@example.org');
  assert.match(mail.subject, /join Thanet Sea Scouts/);

  const strangerAgent = new Agent(context.app);
  await strangerAgent.signIn(stranger.email, stranger.password);
  const refused = await strangerAgent.post(mail.path, {}, { from: mail.path });
  assert.equal(refused.statusCode, 403);

  const colleagueAgent = new Agent(context.app);
  await colleagueAgent.signIn(colleague.email, colleague.password);
  assert.match((await colleagueAgent.get(mail.path)).body, /Accept invitation/);
  const accepted = await colleagueAgent.post(mail.path, {}, { from: mail.path });
  assert.equal(accepted.statusCode, 303);
  const members = await colleagueAgent.get(membersPath);
  assert.equal(members.statusCode, 200);
  assert.match(members.body, /colleague@example.org/);
  assert.doesNotMatch(members.body, /Send invitation/, 'members cannot invite');
  assert.equal((await colleagueAgent.post(mail.path, {}, { from: '/' })).statusCode, 400, 'an invitation works once');
});

test('a charity number already in the directory is refused beside the field', async () => {
  const first = await buildUser(context.database);
  const agent = new Agent(context.app);
  await agent.signIn(first.email, first.password);
  await agent.post(
    '/organisations/new',
    { name: 'Original Trust', charityNumber: '1999777' },
    { from: '/organisations/new' },
  );
  const copy = await agent.post(
    '/organisations/new',
    { name: 'Copy Trust', charityNumber: '1999777' },
    { from: '/organisations/new' },
  );
  assert.equal(copy.statusCode, 400);
  assert.match(copy.body, /Original Trust already has charity number 1999777/);
});
