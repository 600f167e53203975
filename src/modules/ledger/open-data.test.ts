import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildOrganisation, buildUser } from '../../../test/support/factories.ts';
import { buildFramework } from '../../../test/support/impact-factories.ts';
import { actorOf, pdf } from '../../../test/support/ledger-factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';
import { contractsService } from './contracts.service.ts';
import { socialValueService } from './social-value.service.ts';

// A contract that came through the pipeline keeps its OCDS process current by itself: publishing the contract and
// every later ledger entry add an implementation release in the same transaction, with no command to run.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

type Milestone = { type: string; code?: string };
type Implementation = { contracts: { implementation?: { milestones: Milestone[] } }[] };

test('publishing a pipeline contract and each result after it add an implementation release', async () => {
  const framework = await buildFramework(database);
  const buyer = await buildBuyer(database);
  const deliverer = await buildUser(database);
  const supplier = await buildOrganisation(database, { members: [{ id: deliverer.id }] });
  const opportunities = opportunitiesService({ database });
  const { id: opportunityId, ocid } = await opportunities.create(buyer.body.id, opportunityInput(), buyer.actor);
  for (const step of ['publish', 'close'] as const) await opportunities.transition(opportunityId, step, buyer.actor);
  await opportunities.award(opportunityId, { supplierIds: [supplier.id], valuePence: 24_000_000 }, buyer.actor);
  await opportunities.transition(opportunityId, 'contract', buyer.actor);
  const [contract] = await database.query<{ id: string }>('SELECT id FROM contracts WHERE opportunity_id = $1', [
    opportunityId,
  ]);
  assert.ok(contract);
  const buyerActor = actorOf(buyer.officer.id, [buyer.body.id], true);
  const delivererActor = actorOf(deliverer.id, [supplier.id]);
  const implementations = async () =>
    (
      await database.query<{ release: Implementation }>(
        `SELECT release::json AS release FROM ocds_releases WHERE ocid = $1 AND 'implementation' = ANY (tags) ORDER BY date, release_id`,
        [ocid],
      )
    ).map((row) => row.release);
  const reporting = (release: Implementation | undefined) =>
    release?.contracts[0]?.implementation?.milestones.filter((m) => m.type === 'reporting').map((m) => m.code);

  const service = socialValueService({ database });
  const commitmentId = await service.addCommitment(
    contract.id,
    { measureId: framework.measures.jobsCreated, targetQuantity: '20', reportingPeriod: 'quarter' },
    buyerActor,
  );
  assert.equal((await implementations()).length, 0, 'nothing is published before the contract is');

  await contractsService({ database }).publish(contract.id, buyerActor);
  assert.equal((await implementations()).length, 1);

  const resultId = await service.submitResult(
    contract.id,
    { commitmentId, periodStart: '2026-04-01', periodEnd: '2026-06-30', quantity: '6', narrative: 'Six hired.' },
    [{ fileName: 'payroll.pdf', content: pdf() }],
    delivererActor,
  );
  assert.deepEqual(reporting((await implementations()).at(-1)), ['notYetVerified']);

  await service.verify(contract.id, resultId, 'Checked against payroll.', buyerActor);
  const releases = await implementations();
  assert.equal(releases.length, 3);
  assert.deepEqual(reporting(releases.at(-1)), ['verified']);
  const [record] = await database.query<{ compiled_release: Implementation }>(
    'SELECT compiled_release::json AS compiled_release FROM ocds_records WHERE ocid = $1',
    [ocid],
  );
  assert.deepEqual(reporting(record?.compiled_release), ['verified'], 'the record is compiled again');
});
