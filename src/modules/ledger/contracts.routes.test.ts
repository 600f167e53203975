import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildContractSetup, pdf } from '../../../test/support/ledger-factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';

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

/** A multipart form with evidence files, as the result forms send it. */
const postMultipart = (
  agent: Agent,
  url: string,
  from: string,
  fields: Record<string, string>,
  files: { name: string; content: Buffer }[] = [],
) =>
  agent.postMultipart(
    url,
    from,
    fields,
    files.map((file) => ({ field: 'evidence', ...file })),
  );

const auditActions = async (subjectId: string) =>
  (
    await context.database.query<{ action: string }>('SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id', [
      subjectId,
    ])
  ).map((row) => row.action);

test('a buyer’s officer enters a contract for a supplier from the directory, keeping what was typed on errors', async () => {
  const { officer, body } = await buildBuyer(context.database);
  await buildContractSetup(context.database); // a framework to measure against
  const supplier = await buildOrganisation(context.database, { name: 'Faversham Friends of the Elderly' });
  const agent = await agentFor(officer.id);
  const page = await agent.get('/contracts/new?q=Faversham');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Faversham Friends of the Elderly/);

  const invalid = await agent.post(
    '/contracts/new',
    { buyerOrganisationId: body.id, title: 'Lunch clubs', endDate: '2027-02-30' },
    { from: '/contracts/new' },
  );
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /Choose the supplier from the directory/);
  assert.match(invalid.body, /End date must be a real date/);
  assert.match(invalid.body, /value="Lunch clubs"/);

  const created = await agent.post(
    '/contracts/new',
    {
      buyerOrganisationId: body.id,
      supplierOrganisationId: supplier.id,
      title: 'Lunch clubs',
      valuePence: '48,000',
      startDate: '2026-04-01',
      endDate: '2027-03-31',
    },
    { from: '/contracts/new' },
  );
  assert.equal(created.statusCode, 303, created.body);
  const location = String(created.headers.location);
  const contractPage = await agent.get(location);
  assert.equal(contractPage.statusCode, 200);
  assert.match(contractPage.body, /Lunch clubs/);
  assert.match(contractPage.body, /£48,000/);
  assert.deepEqual(await auditActions(location.split('/').pop() ?? ''), ['contract.create']);
});

test('the contract page is for the buyer’s and the deliverer’s people only', async () => {
  const { contract, deliverer } = await buildContractSetup(context.database);
  assert.equal((await (await agentFor(deliverer.id)).get(`/contracts/${contract.id}`)).statusCode, 200);
  const otherCommissioner = await buildUser(context.database, { roles: ['commissioner'] });
  await buildOrganisation(context.database, { members: [otherCommissioner] });
  assert.equal((await (await agentFor(otherCommissioner.id)).get(`/contracts/${contract.id}`)).statusCode, 404);
  const hubAdmin = await buildUser(context.database, { roles: ['hub_admin'] });
  assert.equal((await (await agentFor(hubAdmin.id)).get(`/contracts/${contract.id}`)).statusCode, 404);
  const visitor = await (await agentFor()).get(`/contracts/${contract.id}`);
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/sign-in\?next=/);
  assert.equal((await (await agentFor(deliverer.id)).get('/contracts/not-a-uuid')).statusCode, 404);
});

test('through the pages: commitment, result with evidence, query, answer, verification and publication', async () => {
  const { contract, buyer, deliverer, framework } = await buildContractSetup(context.database);
  const officer = await agentFor(buyer.officer.id);
  const member = await agentFor(deliverer.id);
  const contractPath = `/contracts/${contract.id}`;

  const badTarget = await officer.post(
    `${contractPath}/commitments`,
    { measureId: framework.measures.jobsCreated, targetQuantity: '-3', reportingPeriod: 'quarter' },
    { from: contractPath },
  );
  assert.equal(badTarget.statusCode, 400);
  assert.match(badTarget.body, /Target must be a number greater than 0/);
  const fields = { measureId: framework.measures.jobsCreated, targetQuantity: '12', reportingPeriod: 'quarter' };
  assert.equal((await member.post(`${contractPath}/commitments`, fields, { from: contractPath })).statusCode, 403);
  assert.equal((await officer.post(`${contractPath}/commitments`, fields, { from: contractPath })).statusCode, 303);
  const [commitment] = await context.database.query<{ id: string }>(
    'SELECT id FROM social_value_commitments WHERE contract_id = $1',
    [contract.id],
  );
  const commitmentId = commitment?.id ?? '';

  const newResult = `${contractPath}/results/new`;
  assert.equal((await officer.get(newResult)).statusCode, 403);
  const result = {
    commitmentId,
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: '5',
    narrative: 'Hired.',
  };
  const refused = await postMultipart(member, `${contractPath}/results`, newResult, result, [
    { name: 'payroll.pdf', content: Buffer.from('MZ not a pdf') },
  ]);
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /payroll\.pdf: The selected file is not really a PDF/);
  assert.match(refused.body, /value="5"/, 'what was typed is kept');
  const badPeriod = await postMultipart(member, `${contractPath}/results`, newResult, {
    ...result,
    periodEnd: '2026-03-01',
  });
  assert.equal(badPeriod.statusCode, 400);
  assert.match(badPeriod.body, /The end of the period must be on or after its start/);

  const submitted = await postMultipart(member, `${contractPath}/results`, newResult, result, [
    { name: 'payroll.pdf', content: pdf() },
  ]);
  assert.equal(submitted.statusCode, 303, submitted.body);
  const resultPath = String(submitted.headers.location);
  const resultPage = await officer.get(resultPath);
  assert.match(resultPage.body, /Waiting for verification/);
  const evidenceLink = /href="(\/contracts\/[^"]+\/evidence\/[^"]+)"/.exec(resultPage.body)?.[1] ?? '';
  const download = await officer.get(evidenceLink);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['x-content-type-options'], 'nosniff');
  assert.match(String(download.headers['content-disposition']), /^attachment; filename="payroll.pdf"/);
  assert.deepEqual(download.rawPayload, pdf());

  assert.equal((await member.post(`${resultPath}/verify`, {}, { from: resultPath })).statusCode, 403);
  const emptyQuery = await officer.post(`${resultPath}/query`, { message: ' ' }, { from: resultPath });
  assert.equal(emptyQuery.statusCode, 400);
  assert.match(emptyQuery.body, /Enter your question/);
  const queried = await officer.post(`${resultPath}/query`, { message: 'Start dates?' }, { from: resultPath });
  assert.equal(queried.statusCode, 303);
  assert.match((await member.get(resultPath)).body, /Answer the query and resubmit/);

  const answer = {
    message: 'One started in July.',
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: '4',
    narrative: 'Hired.',
  };
  assert.equal((await postMultipart(officer, `${resultPath}/respond`, resultPath, answer)).statusCode, 403);
  assert.equal((await postMultipart(member, `${resultPath}/respond`, resultPath, answer)).statusCode, 303);
  assert.equal(
    (await officer.post(`${resultPath}/verify`, { note: 'Seen the contracts.' }, { from: resultPath })).statusCode,
    303,
  );
  const [totals] = await context.database.query<{ verified: string; unverified: string }>(
    'SELECT verified_quantity::text AS verified, unverified_quantity::text AS unverified FROM social_value_commitments WHERE id = $1',
    [commitmentId],
  );
  assert.deepEqual({ ...totals }, { verified: '4', unverified: '0' });

  assert.equal((await member.post(`${contractPath}/publish`, {}, { from: contractPath })).statusCode, 403);
  assert.equal((await officer.post(`${contractPath}/publish`, {}, { from: contractPath })).statusCode, 303);
  const again = await officer.post(`${contractPath}/publish`, {}, { from: contractPath });
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /The contract is already published/);
  assert.deepEqual(await auditActions(contract.id), [
    'contract.create',
    'social-value.commitment',
    'social-value.result',
    'social-value.query',
    'social-value.response',
    'social-value.verification',
    'contract.publish',
  ]);
});

test('the hub admin checks the ledger from a button, and the check is audited', async () => {
  await buildContractSetup(context.database);
  const admin = await buildUser(context.database, { roles: ['hub_admin'] });
  const agent = await agentFor(admin.id);
  const page = await agent.get('/admin/ledger');
  assert.match(page.body, /Check the ledger/);
  const checked = await agent.post('/admin/ledger', {}, { from: '/admin/ledger' });
  assert.equal(checked.statusCode, 200);
  assert.match(checked.body, /The ledger holds/);
  const [audit] = await context.database.query<{ action: string; details: { holds: boolean } }>(
    `SELECT action, details FROM audit_log WHERE action = 'ledger.verify' ORDER BY id DESC LIMIT 1`,
  );
  assert.equal(audit?.details.holds, true);
});

test('putting an awarded opportunity under contract makes one contract per award, against the newest framework', async () => {
  const { framework, supplier, deliverer } = await buildContractSetup(context.database);
  const second = await buildOrganisation(context.database);
  const { body, actor } = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const opportunity = await service.create(body.id, opportunityInput({ title: 'Carers’ breaks in Dover' }), actor);
  await service.transition(opportunity.id, 'publish', actor);
  await service.transition(opportunity.id, 'close', actor);
  await service.award(opportunity.id, { supplierIds: [supplier.id, second.id], valuePence: 6_000_000 }, actor);
  assert.equal(
    (await context.database.query('SELECT 1 FROM contracts WHERE opportunity_id = $1', [opportunity.id])).length,
    0,
    'an award alone is not yet a contract',
  );
  await service.transition(opportunity.id, 'contract', actor);
  const contracts = await context.database.query<{
    supplier_organisation_id: string;
    framework_version_id: string;
    value_pence: string;
    title: string;
  }>('SELECT * FROM contracts WHERE opportunity_id = $1 ORDER BY supplier_organisation_id', [opportunity.id]);
  assert.deepEqual(contracts.map((row) => row.supplier_organisation_id).sort(), [supplier.id, second.id].sort());
  const [newest] = await context.database.query<{ id: string }>(
    'SELECT id FROM impact_framework_versions ORDER BY version DESC LIMIT 1',
  );
  for (const row of contracts) {
    assert.equal(row.framework_version_id, newest?.id);
    assert.equal(Number(row.value_pence), 6_000_000);
    assert.equal(row.title, 'Carers’ breaks in Dover');
  }
  assert.ok(framework);
  const list = await (await agentFor(deliverer.id)).get('/contracts');
  assert.match(list.body, /Carers’ breaks in Dover/);
});

test('a commitment is corrected through its page: a reason is required, and the old one stays marked as corrected', async () => {
  const { contract, buyer, deliverer, framework } = await buildContractSetup(context.database);
  const officer = await agentFor(buyer.officer.id);
  const contractPath = `/contracts/${contract.id}`;
  const fields = { measureId: framework.measures.trainingWeeks, targetQuantity: '30', reportingPeriod: 'year' };
  await officer.post(`${contractPath}/commitments`, fields, { from: contractPath });
  const [commitment] = await context.database.query<{ id: string }>(
    'SELECT id FROM social_value_commitments WHERE contract_id = $1',
    [contract.id],
  );
  const correctPath = `${contractPath}/commitments/${commitment?.id}/correct`;
  const form = await officer.get(correctPath);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /name="targetQuantity"[^>]*value="30"/);
  assert.equal((await (await agentFor(deliverer.id)).get(correctPath)).statusCode, 404);
  const noReason = await officer.post(correctPath, { ...fields, targetQuantity: '35' }, { from: correctPath });
  assert.equal(noReason.statusCode, 400);
  assert.match(noReason.body, /Say why the commitment is corrected/);
  assert.match(noReason.body, /value="35"/);
  const corrected = await officer.post(
    correctPath,
    { ...fields, targetQuantity: '35', reason: 'Agreed at the first review.' },
    { from: correctPath },
  );
  assert.equal(corrected.statusCode, 303);
  const page = await officer.get(contractPath);
  assert.match(page.body, /Corrected/);
  assert.match(page.body, /35 weeks/);
  assert.match(page.body, /Commitment corrected: “Agreed at the first review.”/);
  assert.equal((await officer.get(correctPath)).statusCode, 404, 'a replaced commitment cannot be corrected again');
});
