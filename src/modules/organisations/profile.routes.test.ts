import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { auditLog, organisations } from '../../db/schema.ts';

let context: TestContext;
let organisationId = '';
let admin: Agent;
let editPath = '';
const validProfile = {
  name: 'Folkestone Harbour Befrienders',
  legalForm: 'cio',
  description: 'We visit older people who live alone.',
  income: '£18,250',
  incomePrivate: 'yes',
  districts: ['E07000112', 'E07000108'],
  wards: [] as string[],
  services: ['103'],
  beneficiaries: ['202'],
  assurances: ['safeguarding', 'public_liability'],
  foundedYear: '2009',
  staffCount: '1',
  volunteerCount: '35',
  website: 'https://befrienders.example.org',
  publicEmail: 'hello@befrienders.example.org',
  contactName: 'Jo Private',
  contactEmail: 'jo@befrienders.example.org',
};

before(async () => {
  context = await createTestApp();
  const person = await buildUser(context.database);
  const organisation = await buildOrganisation(context.database, { name: 'Befrienders (draft)', admins: [person] });
  organisationId = organisation.id;
  editPath = `/organisations/${organisationId}/edit`;
  admin = new Agent(context.app);
  await admin.signIn(person.email, person.password);
});
after(() => context.close());

test('an org admin edits the profile; the tier is derived from the income and the change is audited', async () => {
  const saved = await admin.post(editPath, validProfile, { from: editPath });
  assert.equal(saved.statusCode, 303);
  const [row] = await context.database.db.select().from(organisations).where(eq(organisations.id, organisationId));
  assert.equal(row?.incomePence, 1_825_000);
  assert.equal(row?.tier, 3);
  assert.deepEqual(row?.districts, ['E07000112', 'E07000108']);
  assert.match(row?.searchKeywords ?? '', /Health and saving lives/);
  const [entry] = await context.database.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, 'organisation.profile_updated'));
  assert.ok((entry?.details.changed as string[] | undefined)?.includes('incomePence'));
});

test('mistakes come back beside each field with what was typed, and nothing is saved', async () => {
  const response = await admin.post(
    editPath,
    {
      ...validProfile,
      name: '',
      income: 'lots',
      districts: ['E99999999'],
      wards: ['E05014449'],
      foundedYear: '3000',
      website: 'nope',
    },
    { from: editPath },
  );
  assert.equal(response.statusCode, 400);
  for (const message of [
    'Enter the name of the organisation',
    'Latest annual income must be an amount in pounds',
    'Select areas from the list',
    'Year founded must be a whole number from 1500',
    'Website must start with https://',
  ]) {
    assert.ok(response.body.includes(message), message);
  }
  assert.ok(response.body.includes('value="lots"'), 'typed values are kept');
  const [row] = await context.database.db.select().from(organisations).where(eq(organisations.id, organisationId));
  assert.equal(row?.name, validProfile.name, 'nothing half-written');
});

test('private income and named contacts are shown to members and hub admins only', async () => {
  const visitorView = await new Agent(context.app).get(`/organisations/${organisationId}`);
  assert.ok(visitorView.body.includes('Kept private'));
  assert.ok(!visitorView.body.includes('Jo Private'));
  assert.ok(!visitorView.body.includes('£18,250'));
  const adminView = await admin.get(`/organisations/${organisationId}`);
  assert.ok(adminView.body.includes('Jo Private'));
  assert.ok(adminView.body.includes('£18,250'));
  const api = await context.app.inject({ url: `/api/v1/organisations/${organisationId}` });
  assert.equal(api.json().income, null);
  assert.equal(api.json().tier, 3, 'the tier is public even when the income is private');
});

test('a hub admin verifies an organisation, and can take it back', async () => {
  const hub = await buildUser(context.database, { roles: ['hub_admin'] });
  const agent = new Agent(context.app);
  await agent.signIn(hub.email, hub.password);
  const profilePath = `/organisations/${organisationId}`;
  const verified = await agent.post(`${profilePath}/verification`, { verified: 'true' }, { from: profilePath });
  assert.equal(verified.statusCode, 303);
  assert.ok((await agent.get(profilePath)).body.includes('Verified by the hub'));
  await agent.post(`${profilePath}/verification`, { verified: 'false' }, { from: profilePath });
  const [row] = await context.database.db.select().from(organisations).where(eq(organisations.id, organisationId));
  assert.equal(row?.verifiedAt, null);
});
