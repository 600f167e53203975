import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { buildBuyer, inAWeek, opportunityInput } from '../../../../test/support/opportunity-factories.ts';
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

async function publishedOpportunity(overrides = {}) {
  const buyer = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const opportunity = await service.create(buyer.body.id, opportunityInput(overrides), buyer.actor);
  await service.transition(opportunity.id, 'publish', buyer.actor);
  return { ...buyer, opportunity, buyerAgent: await agentFor(buyer.officer.id) };
}

async function supplier() {
  const person = await buildUser(context.database, { displayName: 'Asha Asker' });
  await buildOrganisation(context.database, { members: [person] });
  return agentFor(person.id);
}

test('a member asks; the buyer answers; the answer is public without the asker’s name; all audited', async () => {
  const { opportunity, buyerAgent } = await publishedOpportunity({ clarificationDeadline: inAWeek() });
  const url = `/opportunities/${opportunity.id}`;
  const asker = await supplier();
  const asked = await asker.post(`${url}/questions`, { question: 'Can partners bid jointly?' }, { from: url });
  assert.equal(asked.statusCode, 303, asked.body);

  const visitor = await agentFor();
  assert.doesNotMatch((await visitor.get(url)).body, /Can partners bid jointly/, 'unanswered questions are private');
  const buyerPage = (await buyerAgent.get(url)).body;
  assert.match(buyerPage, /Can partners bid jointly/);
  const answerUrl = /action="([^"]+\/answer)"/.exec(buyerPage)?.[1] ?? '';
  const empty = await buyerAgent.post(answerUrl, { answer: ' ' }, { from: url });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the answer/);
  const outsider = await supplier();
  assert.equal((await outsider.post(answerUrl, { answer: 'Yes' }, { from: url })).statusCode, 403);
  assert.equal((await buyerAgent.post(answerUrl, { answer: 'Yes, as a consortium.' }, { from: url })).statusCode, 303);
  const again = await buyerAgent.post(answerUrl, { answer: 'No.' }, { from: url });
  assert.equal(again.statusCode, 400, 'a published answer is not replaced');
  assert.match(again.body, /govuk-error-summary/);
  assert.match(again.body, /already been answered, and a published answer cannot be changed/);

  const publicPage = (await visitor.get(url)).body;
  assert.match(publicPage, /Can partners bid jointly\?/);
  assert.match(publicPage, /Yes, as a consortium\./);
  assert.doesNotMatch(publicPage, />No\.</);
  assert.doesNotMatch(publicPage, /Asha Asker/);
  const actions = await context.database.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'opportunity.question.%' ORDER BY id`,
    [opportunity.id],
  );
  assert.deepEqual(
    actions.map((row) => row.action),
    ['opportunity.question.ask', 'opportunity.question.answer'],
  );
});

test('after the clarification deadline a question is refused with a message, the text kept', async () => {
  const { opportunity } = await publishedOpportunity();
  await context.database.query(
    `UPDATE opportunities SET clarification_deadline = now() - interval '1 hour' WHERE id = $1`,
    [opportunity.id],
  );
  const url = `/opportunities/${opportunity.id}`;
  const asker = await supplier();
  const late = await asker.post(`${url}/questions`, { question: 'Is it too late?' }, { from: url });
  assert.equal(late.statusCode, 400);
  assert.match(late.body, /deadline for clarification questions has passed/);
  assert.match(late.body, /Is it too late\?<\/textarea>/);
});

test('an empty question shows the error summary; people without an organisation, and visitors, cannot ask', async () => {
  const { opportunity } = await publishedOpportunity();
  const url = `/opportunities/${opportunity.id}`;
  const empty = await (await supplier()).post(`${url}/questions`, { question: '' }, { from: url });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /govuk-error-summary[\s\S]*Enter your question/);
  const loner = await agentFor((await buildUser(context.database)).id);
  const refused = await loner.post(`${url}/questions`, { question: 'Hello?' }, { from: url });
  assert.equal(refused.statusCode, 400);
  assert.match(refused.body, /Join or add your organisation/);
  const visitor = await agentFor();
  assert.equal((await visitor.post(`${url}/questions`, { question: 'Hi' })).statusCode, 401);
  assert.match((await visitor.get(url)).body, /Sign in<\/a> to ask a clarification question/);
});

test('questions on drafts are not possible: the draft is not found', async () => {
  const buyer = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const draft = await service.create(buyer.body.id, opportunityInput(), buyer.actor);
  const url = `/opportunities/${draft.id}`;
  const asker = await supplier();
  assert.equal((await asker.post(`${url}/questions`, { question: 'Hi' }, { from: '/' })).statusCode, 404);
});
