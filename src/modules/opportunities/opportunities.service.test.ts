import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildOrganisation } from '../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import type { HttpError } from '../../platform/errors.ts';
import { RuleError } from './opportunities.rules.ts';
import { opportunitiesService } from './opportunities.service.ts';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const service = () => opportunitiesService({ database });

test('only an officer of the public body can create for it', async () => {
  const { body, actor } = await buildBuyer(database);
  const other = await buildBuyer(database);
  await assert.rejects(
    service().create(body.id, opportunityInput(), other.actor),
    (error: HttpError) => error.statusCode === 403,
  );
  const vcse = await buildOrganisation(database, { members: [{ id: actor.userId }] });
  await assert.rejects(
    service().create(vcse.id, opportunityInput(), actor),
    (error: HttpError) => error.statusCode === 403,
  );
  const created = await service().create(body.id, opportunityInput(), actor);
  assert.equal(created.status, 'draft');
  assert.match(created.ocid, /^ocds-[a-z0-9]{6}-[0-9a-f-]{36}$/);
});

test('drafts are invisible to everyone but the buyer; others get 403 on changes', async () => {
  const { body, actor } = await buildBuyer(database);
  const other = await buildBuyer(database);
  const draft = await service().create(body.id, opportunityInput(), actor);
  assert.equal(await service().findVisible(draft.id, null), undefined);
  assert.equal(await service().findVisible(draft.id, other.actor), undefined);
  assert.equal(await service().findVisible('not-a-uuid', actor), undefined);
  assert.ok(await service().findVisible(draft.id, actor));
  await service().transition(draft.id, 'publish', actor);
  assert.ok(await service().findVisible(draft.id, null));
  await assert.rejects(
    service().update(draft.id, { description: 'x' }, other.actor),
    (error: HttpError) => error.statusCode === 403,
  );
});

test('the lifecycle runs draft → published → closed → awarded → contract → completed, and refuses skips', async () => {
  const { body, actor } = await buildBuyer(database);
  const supplier = await buildOrganisation(database);
  const { id } = await service().create(body.id, opportunityInput(), actor);
  await assert.rejects(service().transition(id, 'close', actor), /is draft, so it cannot be closed/);
  await assert.rejects(service().award(id, [supplier.id], null, actor), RuleError);
  assert.equal(await service().transition(id, 'publish', actor), 'published');
  await assert.rejects(service().transition(id, 'publish', actor), /is published, so it cannot be published/);
  await assert.rejects(service().transition(id, 'contract', actor), RuleError);
  assert.equal(await service().transition(id, 'close', actor), 'closed');
  await assert.rejects(service().award(id, [body.id], null, actor), /directory of voluntary/);
  await service().award(id, [supplier.id], 24_000_000, actor);
  assert.equal(await service().transition(id, 'contract', actor), 'contract');
  assert.equal(await service().transition(id, 'complete', actor), 'completed');
  await assert.rejects(service().transition(id, 'terminate', actor), /is completed/);
  const opportunity = await service().findForBuyer(id, actor);
  const { history, awards } = await service().details(opportunity);
  assert.deepEqual(
    history.map((entry) => entry.change),
    ['publish', 'close', 'award', 'contract', 'complete'],
  );
  assert.equal(awards[0]?.name, supplier.name);
  const releases = await service().releases(opportunity.ocid);
  assert.deepEqual(
    releases.map((release) => [release.releaseId.slice(-2), release.tags.join()]),
    [
      ['-1', 'tender'],
      ['-2', 'tenderUpdate'],
      ['-3', 'award'],
      ['-4', 'contract'],
      ['-5', 'contractTermination'],
    ],
  );
  assert.ok(releases.every((release) => release.source === 'platform'));
});

test('a contract can be terminated instead of completed', async () => {
  const { body, actor } = await buildBuyer(database);
  const supplier = await buildOrganisation(database);
  const { id } = await service().create(body.id, opportunityInput(), actor);
  for (const step of ['publish', 'close'] as const) await service().transition(id, step, actor);
  await service().award(id, [supplier.id], null, actor);
  await service().transition(id, 'contract', actor);
  assert.equal(await service().transition(id, 'terminate', actor), 'terminated');
});

test('publishing needs a description and, for an opportunity, a future submission deadline', async () => {
  const { body, actor } = await buildBuyer(database);
  const past = await service().create(
    body.id,
    opportunityInput({ submissionDeadline: new Date(Date.now() - 1000) }),
    actor,
  );
  await assert.rejects(service().transition(past.id, 'publish', actor), /must be in the future/);
  const none = await service().create(body.id, opportunityInput({ submissionDeadline: null }), actor);
  await assert.rejects(service().transition(none.id, 'publish', actor), /Add a submission deadline/);
  const blank = await service().create(body.id, opportunityInput({ description: '' }), actor);
  await assert.rejects(service().transition(blank.id, 'publish', actor), /Add a description/);
  const intention = await service().create(
    body.id,
    opportunityInput({ kind: 'intention', submissionDeadline: null }),
    actor,
  );
  assert.equal(await service().transition(intention.id, 'publish', actor), 'published');
  const [release] = await service().releases(intention.ocid);
  assert.deepEqual(release?.tags, ['planning']);
});

test('drafts change freely; after publication only description, outcomes and deadlines, each kept in history', async () => {
  const { body, actor } = await buildBuyer(database);
  const { id, ocid } = await service().create(body.id, opportunityInput(), actor);
  assert.deepEqual(await service().update(id, { title: 'New title', valuePence: 1 }, actor), ['title', 'valuePence']);
  await service().addLot(id, { title: 'Lot 1', description: '', valuePence: null, districts: [] }, actor);
  await service().transition(id, 'publish', actor);
  await assert.rejects(service().update(id, { title: 'Another' }, actor), /not title/);
  await assert.rejects(
    service().addLot(id, { title: 'Lot 2', description: '', valuePence: null, districts: [] }, actor),
    RuleError,
  );
  assert.deepEqual(await service().update(id, { title: 'New title', description: 'Clarified.' }, actor), [
    'description',
  ]);
  const opportunity = await service().findForBuyer(id, actor);
  const { history } = await service().details(opportunity);
  const amendment = history.at(-1);
  assert.equal(amendment?.change, 'amend');
  assert.deepEqual(amendment?.before, { description: 'Befriending and practical help at home.' });
  assert.deepEqual(amendment?.after, { description: 'Clarified.' });
  const releases = await service().releases(ocid);
  assert.deepEqual(releases.at(-1)?.tags, ['tenderUpdate']);
  await service().transition(id, 'close', actor);
  await assert.rejects(
    service().update(id, { description: 'Later' }, actor),
    /closed opportunity can no longer be changed/,
  );
});

test('history is append-only: updates and deletes are refused by the database', async () => {
  const { body, actor } = await buildBuyer(database);
  const { id } = await service().create(body.id, opportunityInput(), actor);
  await service().transition(id, 'publish', actor);
  await assert.rejects(
    database.query(`UPDATE opportunity_history SET change = 'x' WHERE opportunity_id = $1`, [id]),
    /append-only/,
  );
  await assert.rejects(
    database.query(`DELETE FROM opportunity_history WHERE opportunity_id = $1`, [id]),
    /append-only/,
  );
});

test('every write is audited', async () => {
  const { body, actor } = await buildBuyer(database);
  const { id } = await service().create(body.id, opportunityInput(), actor);
  await service().transition(id, 'publish', actor);
  const rows = await database.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id`,
    [id],
  );
  assert.deepEqual(
    rows.map((row) => row.action),
    ['opportunity.create', 'opportunity.publish'],
  );
});
