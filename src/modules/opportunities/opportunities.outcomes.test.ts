import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { sessionCookieFor } from '../../../test/support/factories.ts';
import { buildFramework } from '../../../test/support/impact-factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { londonLocal } from './opportunities.schema.ts';
import { opportunitiesService } from './opportunities.service.ts';

// Opportunities ask for outcomes of the impact framework: chosen on the form, kept in opportunity_outcomes,
// shown on the page, and after publication changed only with a public history entry.

let context: TestContext;
before(async () => {
  context = await createTestApp();
  await buildFramework(context.database);
});
after(() => context.close());

const outcomesOf = async (id: string) =>
  (
    await context.database.query<{ outcome_code: string }>(
      'SELECT outcome_code FROM opportunity_outcomes WHERE opportunity_id = $1 ORDER BY 1',
      [id],
    )
  ).map((row) => row.outcome_code);

test('the buyer chooses framework outcomes on the form; they are saved, shown, and amended with history', async () => {
  const buyer = await buildBuyer(context.database);
  const agent = new Agent(context.app);
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, buyer.officer.id));
  const empty = await agent.get('/opportunities/new');
  assert.match(empty.body, /name="outcomeCodes" type="checkbox" value="O1"/);
  assert.match(empty.body, /More local people in work \(Jobs and skills\)/);

  const fields = {
    buyerOrganisationId: buyer.body.id,
    kind: 'opportunity',
    procurementType: 'grant',
    title: 'Back to work in Swale',
    description: 'Support into work.',
    submissionDeadline: londonLocal(new Date(Date.now() + 7 * 24 * 60 * 60 * 1000)),
    socialValueWeightingPercent: '10',
  };
  const unknown = await agent.post(
    '/opportunities/new',
    { ...fields, outcomeCodes: ['O1', 'NOPE'] },
    { from: '/opportunities/new' },
  );
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /href="#outcomeCodes">Choose outcomes from the impact framework; not NOPE/);
  assert.match(unknown.body, /value="O1" checked/);

  const created = await agent.post(
    '/opportunities/new',
    { ...fields, outcomeCodes: ['O2', 'O1'] },
    { from: '/opportunities/new' },
  );
  assert.equal(created.statusCode, 303);
  const id = String(created.headers.location).split('/').at(-1) ?? '';
  assert.deepEqual(await outcomesOf(id), ['O1', 'O2']);
  const page = await agent.get(`/opportunities/${id}`);
  assert.match(
    page.body,
    /id="framework-outcomes"><li>More local people in work<\/li><li>Better skills for work<\/li>/,
  );
  const edit = await agent.get(`/opportunities/${id}/edit`);
  assert.match(edit.body, /value="O1" checked/);

  await agent.post(`/opportunities/${id}/status`, { transition: 'publish' }, { from: `/opportunities/${id}` });
  const amended = await agent.post(
    `/opportunities/${id}/edit`,
    { description: 'Support into work.', submissionDeadline: fields.submissionDeadline, outcomeCodes: ['O3'] },
    { from: `/opportunities/${id}/edit` },
  );
  assert.equal(amended.statusCode, 303);
  assert.deepEqual(await outcomesOf(id), ['O3']);
  const after = await agent.get(`/opportunities/${id}`);
  assert.match(after.body, /Framework outcomes: O1, O2 → O3/);
});

test('the service keeps saved outcomes a newer framework dropped, and refuses new unknown ones', async () => {
  const buyer = await buildBuyer(context.database);
  const service = opportunitiesService({ database: context.database });
  const created = await service.create(buyer.body.id, opportunityInput({ outcomeCodes: ['O1'] }), buyer.actor);
  // A later framework version without O1: the opportunity keeps it while other fields change.
  await context.database.query(
    `WITH v AS (INSERT INTO impact_framework_versions (version, title) VALUES (9000, 'Without O1') RETURNING id),
          t AS (INSERT INTO impact_themes (version_id, code, title) SELECT id, 'T1', 'Jobs' FROM v RETURNING id, version_id)
     INSERT INTO impact_outcomes (version_id, theme_id, code, title)
     SELECT version_id, id, code, 'Outcome ' || code FROM t, unnest(ARRAY['O2', 'O3']) AS code`,
  );
  const same = { submissionDeadline: created.submissionDeadline };
  const changed = await service.update(
    created.id,
    opportunityInput({ ...same, title: 'Renamed', outcomeCodes: ['O1', 'O2'] }),
    buyer.actor,
  );
  assert.deepEqual(changed, ['title', 'outcomeCodes']);
  assert.deepEqual(await outcomesOf(created.id), ['O1', 'O2']);
  await assert.rejects(
    service.update(created.id, opportunityInput({ ...same, outcomeCodes: ['O2', 'ZZ'] }), buyer.actor),
    /Choose outcomes from the impact framework; not ZZ/,
  );
  assert.deepEqual(await outcomesOf(created.id), ['O1', 'O2'], 'nothing half-written');
});
