import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { opportunitiesService } from '../opportunities.service.ts';

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

/** Posts a file the way a browser's form does, with the CSRF token from the opportunity's page. */
async function upload(agent: Agent, id: string, fileName: string, content: Buffer, token?: string) {
  const csrf = token ?? (await agent.csrfToken(`/opportunities/${id}`));
  const boundary = '----wc-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return context.app.inject({
    method: 'POST',
    url: `/opportunities/${id}/documents`,
    headers: {
      cookie: [...agent.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload,
  });
}

async function draftOpportunity(overrides = {}) {
  const buyer = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const opportunity = await service.create(buyer.body.id, opportunityInput(overrides), buyer.actor);
  return { ...buyer, service, opportunity, agent: await agentFor(buyer.officer.id) };
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

test('the buyer uploads a PDF; drafts keep it from others; once published it is listed and downloads safely', async () => {
  const { opportunity, agent, service, actor } = await draftOpportunity();
  const uploaded = await upload(agent, opportunity.id, 'Spec final;v2 (1).pdf', PDF);
  assert.equal(uploaded.statusCode, 303, uploaded.body);
  const page = await agent.get(`/opportunities/${opportunity.id}`);
  const link = /href="(\/opportunities\/[^"]+\/documents\/[^"]+)"/.exec(page.body)?.[1] ?? '';
  assert.ok(link, 'the document is listed');
  assert.match(page.body, /PDF, \d+ bytes/);

  const stranger = await agentFor();
  assert.equal((await stranger.get(link)).statusCode, 404, 'a draft’s documents are hidden');

  await service.transition(opportunity.id, 'publish', actor);
  const download = await stranger.get(link);
  assert.equal(download.statusCode, 200);
  assert.equal(download.headers['content-type'], 'application/pdf');
  assert.equal(download.headers['x-content-type-options'], 'nosniff');
  assert.equal(
    download.headers['content-disposition'],
    `attachment; filename="Spec final_v2 (1).pdf"; filename*=UTF-8''Spec%20final%3Bv2%20%281%29.pdf`,
  );
  assert.deepEqual(download.rawPayload, PDF);
  const [release] = await context.database.query<{ release: { tender: { documents?: { title: string }[] } } }>(
    'SELECT release::json AS release FROM ocds_releases WHERE ocid = $1 ORDER BY date DESC LIMIT 1',
    [opportunity.ocid],
  );
  assert.deepEqual(
    release?.release.tender.documents?.map((document) => document.title),
    ['Spec final;v2 (1).pdf'],
  );
  assert.match((await stranger.get(`/opportunities/${opportunity.id}`)).body, /Spec final;v2 \(1\)\.pdf/);

  // Added after publication: a change in the history, and a release that lists it.
  assert.equal((await upload(agent, opportunity.id, 'Addendum.pdf', PDF)).statusCode, 303);
  const history = (await stranger.get(`/opportunities/${opportunity.id}`)).body;
  assert.match(history, /Document added: Addendum\.pdf/);
  const releases = await context.database.query<{
    release: { tag: string[]; tender: { documents: { title: string }[] } };
  }>('SELECT release::json AS release FROM ocds_releases WHERE ocid = $1 ORDER BY release_id', [opportunity.ocid]);
  const latest = releases.at(-1)?.release;
  assert.equal(releases.length, 2);
  assert.deepEqual(latest?.tag, ['tenderUpdate']);
  assert.deepEqual(latest?.tender.documents.map((document) => document.title).sort(), [
    'Addendum.pdf',
    'Spec final;v2 (1).pdf',
  ]);
});

test('files are refused by extension, by content that does not match it, and above 10 MB', async () => {
  const { opportunity, agent } = await draftOpportunity();
  const html = await upload(agent, opportunity.id, 'page.html', Buffer.from('<script>alert(1)</script>'));
  assert.equal(html.statusCode, 400);
  assert.match(html.body, /govuk-error-summary/);
  assert.match(html.body, /must be a PDF, Word document/);
  const fake = await upload(agent, opportunity.id, 'report.pdf', Buffer.from('MZ\u0090\u0000 not a pdf'));
  assert.equal(fake.statusCode, 400);
  assert.match(fake.body, /not really a PDF/);
  const binaryText = await upload(agent, opportunity.id, 'notes.txt', Buffer.from([0x41, 0x00, 0x42]));
  assert.equal(binaryText.statusCode, 400);
  const big = await upload(agent, opportunity.id, 'big.pdf', Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]));
  assert.equal(big.statusCode, 413);
  assert.match(big.body, /smaller than 10 MB/);
  const csv = await upload(agent, opportunity.id, 'prices.csv', Buffer.from('item,price\nvisit,12.50\n'));
  assert.equal(csv.statusCode, 303);
});

test('only the buying body’s officers may upload, and never without the CSRF token', async () => {
  const { opportunity, agent } = await draftOpportunity();
  await agent.csrfToken(`/opportunities/${opportunity.id}`);
  assert.equal((await upload(agent, opportunity.id, 'a.pdf', PDF, 'forged')).statusCode, 403);
  const other = await buildBuyer(context.database);
  const otherAgent = await agentFor(other.officer.id);
  assert.equal((await upload(otherAgent, opportunity.id, 'a.pdf', PDF)).statusCode, 404);
  const member = await buildUser(context.database);
  await buildOrganisation(context.database, { members: [member] });
  const memberAgent = await agentFor(member.id);
  const refused = await context.app.inject({
    method: 'POST',
    url: `/opportunities/${opportunity.id}/documents`,
    headers: { cookie: `wc_session=${memberAgent.cookies.get('wc_session')}` },
  });
  assert.equal(refused.statusCode, 403);
});
