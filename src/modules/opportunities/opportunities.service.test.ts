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
  await assert.rejects(service().award(id, { supplierIds: [supplier.id], valuePence: null }, actor), RuleError);
  assert.equal(await service().transition(id, 'publish', actor), 'published');
  await assert.rejects(service().transition(id, 'publish', actor), /is published, so it cannot be published/);
  await assert.rejects(service().transition(id, 'contract', actor), RuleError);
  assert.equal(await service().transition(id, 'close', actor), 'closed');
  await assert.rejects(
    service().award(id, { supplierIds: [body.id], valuePence: null }, actor),
    /directory of voluntary/,
  );
  await service().award(id, { supplierIds: [supplier.id], valuePence: 24_000_000 }, actor);
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
  await service().award(id, { supplierIds: [supplier.id], valuePence: null }, actor);
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

test('an opportunity with lots is awarded lot by lot; a lot is awarded once, and each award becomes a contract', async () => {
  const { body, actor } = await buildBuyer(database);
  const first = await buildOrganisation(database);
  const second = await buildOrganisation(database);
  const { id } = await service().create(body.id, opportunityInput({ districts: ['E07000110'] }), actor);
  const north = await service().addLot(
    id,
    { title: 'North', description: '', valuePence: 6_000_000, districts: ['E07000113'] },
    actor,
  );
  const south = await service().addLot(
    id,
    { title: 'South', description: '', valuePence: 4_000_000, districts: [] },
    actor,
  );
  for (const step of ['publish', 'close'] as const) await service().transition(id, step, actor);
  await assert.rejects(
    service().award(id, { supplierIds: [first.id], valuePence: null, lotIds: [body.id] }, actor),
    /Choose lots of this opportunity/,
  );
  await service().award(id, { supplierIds: [first.id], valuePence: null, lotIds: [north.id] }, actor);
  await assert.rejects(
    service().award(id, { supplierIds: [second.id], valuePence: null, lotIds: [north.id] }, actor),
    /“North” is already awarded/,
  );
  // No lots chosen: the lots still open. The same supplier may win more than one award.
  await service().award(id, { supplierIds: [first.id, second.id], valuePence: 2_000_000 }, actor);
  await assert.rejects(
    service().award(id, { supplierIds: [second.id], valuePence: null }, actor),
    /is awarded, so it cannot be awarded/,
  );
  const opportunity = await service().findForBuyer(id, actor);
  const { awards, history } = await service().details(opportunity);
  assert.deepEqual(
    awards.map((award) => [award.lotIds, award.organisationId === first.id]),
    [
      [[north.id], true],
      [[south.id], awards[1]?.name === first.name],
      [[south.id], awards[2]?.name === first.name],
    ],
  );
  assert.deepEqual(
    history.filter((entry) => entry.change === 'award').map((entry) => entry.after.lots),
    [['North'], ['South']],
  );
  await service().transition(id, 'contract', actor);
  const contracts = await database.query<{ supplier: string; value: string; districts: string[] }>(
    `SELECT supplier_organisation_id AS supplier, value_pence::text AS value, districts FROM contracts
      WHERE opportunity_id = $1 ORDER BY value_pence DESC, supplier_organisation_id`,
    [id],
  );
  assert.deepEqual(
    contracts.map((contract) => [contract.value, contract.districts]),
    [
      ['6000000', ['E07000113']],
      ['2000000', ['E07000110']],
      ['2000000', ['E07000110']],
    ],
    'the north lot’s value and area; the south lot names no area, so it has the opportunity’s',
  );
});

test('an opportunity published without lots is bought as one lot, named and valued as the opportunity', async () => {
  const { body, actor } = await buildBuyer(database);
  const { id } = await service().create(body.id, opportunityInput({ districts: [], valuePence: 5_000_000 }), actor);
  await service().transition(id, 'publish', actor);
  const opportunity = await service().findForBuyer(id, actor);
  const { lots } = await service().details(opportunity);
  assert.deepEqual(
    lots.map((lot) => [lot.title, lot.valuePence, lot.districts.length]),
    [[opportunity.title, 5_000_000, 13]],
    'in all thirteen districts of Kent and Medway, since the opportunity names none',
  );
  const [release] = await service().releases(opportunity.ocid);
  assert.equal((release?.release as { tender: { lots: unknown[] } } | undefined)?.tender.lots.length, 1);

  const withLots = await service().create(body.id, opportunityInput(), actor);
  await service().addLot(withLots.id, { title: 'Only', description: '', valuePence: null, districts: [] }, actor);
  await service().transition(withLots.id, 'publish', actor);
  const { lots: kept } = await service().details(await service().findForBuyer(withLots.id, actor));
  assert.deepEqual(
    kept.map((lot) => lot.title),
    ['Only'],
    'lots the buyer named are left as they are',
  );
});

test('a contract for some lots is not given the whole opportunity’s value, nor part of its lots’ values', async () => {
  const { body, actor } = await buildBuyer(database);
  const supplier = await buildOrganisation(database);
  const { id } = await service().create(body.id, opportunityInput({ valuePence: 9_000_000 }), actor);
  const valued = await service().addLot(
    id,
    { title: 'Valued', description: '', valuePence: 3_000_000, districts: [] },
    actor,
  );
  const unvalued = await service().addLot(
    id,
    { title: 'Open', description: '', valuePence: null, districts: [] },
    actor,
  );
  await service().addLot(id, { title: 'Later', description: '', valuePence: 1_000_000, districts: [] }, actor);
  for (const step of ['publish', 'close'] as const) await service().transition(id, step, actor);
  await service().award(id, { supplierIds: [supplier.id], valuePence: null, lotIds: [valued.id, unvalued.id] }, actor);
  await service().transition(id, 'contract', actor);
  const [contract] = await database.query<{ value: string | null }>(
    'SELECT value_pence::text AS value FROM contracts WHERE opportunity_id = $1',
    [id],
  );
  assert.equal(contract?.value, null, 'one of its lots has no value, and it is not the whole opportunity');
});
