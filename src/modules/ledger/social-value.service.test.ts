import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildUser } from '../../../test/support/factories.ts';
import { actorOf, buildContractSetup, pdf } from '../../../test/support/ledger-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { HttpError } from '../../platform/errors.ts';
import * as repository from './contracts.repository.ts';
import { RuleError } from './contracts.rules.ts';
import { contractsService } from './contracts.service.ts';
import { verifyLedger } from './ledger.verify.ts';
import { socialValueService } from './social-value.service.ts';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const totals = async (contractId: string) =>
  Object.fromEntries(
    (await repository.listCommitments(database.db, contractId)).map(({ commitment }) => [
      commitment.id,
      {
        verified: Number(commitment.verifiedQuantity),
        unverified: Number(commitment.unverifiedQuantity),
        supersededBy: commitment.supersededBy,
      },
    ]),
  );

test('commitment, result with evidence, query, resubmission and verification keep the totals right at each step', async () => {
  const { contract, buyerActor, delivererActor, framework } = await buildContractSetup(database);
  const service = socialValueService({ database });
  const commitmentId = await service.addCommitment(
    contract.id,
    { measureId: framework.measures.jobsCreated, targetQuantity: '20', reportingPeriod: 'quarter' },
    buyerActor,
  );
  const [commitment] = await repository.listCommitments(database.db, contract.id);
  assert.equal(commitment?.commitment.proxyValuePence, 1_000_000, 'the proxy is copied from the measure');
  assert.deepEqual((await totals(contract.id))[commitmentId], { verified: 0, unverified: 0, supersededBy: null });

  const resultId = await service.submitResult(
    contract.id,
    { commitmentId, periodStart: '2026-04-01', periodEnd: '2026-06-30', quantity: '6', narrative: 'Six people hired.' },
    [{ fileName: 'payroll.pdf', content: pdf() }],
    delivererActor,
  );
  assert.deepEqual((await totals(contract.id))[commitmentId], { verified: 0, unverified: 6, supersededBy: null });

  await service.query(contract.id, resultId, 'Please show contracts of employment.', buyerActor);
  let [result] = await repository.listResults(database.db, contract.id);
  assert.equal(result?.result.status, 'queried');
  assert.deepEqual((await totals(contract.id))[commitmentId], { verified: 0, unverified: 6, supersededBy: null });
  await assert.rejects(
    service.verify(contract.id, resultId, '', buyerActor),
    RuleError,
    'a queried result waits for its answer',
  );

  await service.respond(
    contract.id,
    resultId,
    {
      message: 'One left in May.',
      periodStart: '2026-04-01',
      periodEnd: '2026-06-30',
      quantity: '5',
      narrative: 'Five people hired.',
    },
    [{ fileName: 'contracts.pdf', content: pdf('contracts') }],
    delivererActor,
  );
  [result] = await repository.listResults(database.db, contract.id);
  assert.equal(result?.result.status, 'submitted');
  assert.equal(result?.result.quantity, '5');
  assert.deepEqual((await totals(contract.id))[commitmentId], { verified: 0, unverified: 5, supersededBy: null });

  await service.verify(contract.id, resultId, 'Checked against payroll.', buyerActor);
  assert.deepEqual((await totals(contract.id))[commitmentId], { verified: 5, unverified: 0, supersededBy: null });
  await assert.rejects(service.query(contract.id, resultId, 'Again?', buyerActor), RuleError);

  const entries = await repository.listEntries(database.db, contract.id);
  assert.deepEqual(
    entries.map(({ entry }) => entry.kind),
    ['commitment', 'result', 'query', 'response', 'verification'],
  );
  const response = entries[3]?.entry;
  assert.equal(response?.subjectId, resultId);
  assert.equal(response?.correctsId, resultId, 'the resubmission names the submission it corrects');
  assert.equal((await repository.listEvidence(database.db, contract.id)).length, 2);
  const verification = await verifyLedger(database);
  assert.equal(verification.holds, true);
});

test('a correction is a new entry naming the old commitment, whose results move to the new one', async () => {
  const { contract, buyerActor, delivererActor, framework } = await buildContractSetup(database);
  const service = socialValueService({ database });
  const oldId = await service.addCommitment(
    contract.id,
    { measureId: framework.measures.trainingWeeks, targetQuantity: '100', reportingPeriod: 'year' },
    buyerActor,
  );
  const resultId = await service.submitResult(
    contract.id,
    { commitmentId: oldId, periodStart: '2026-04-01', periodEnd: '2027-03-31', quantity: '40', narrative: '' },
    [],
    delivererActor,
  );
  await service.verify(contract.id, resultId, '', buyerActor);
  const newId = await service.correctCommitment(
    contract.id,
    oldId,
    {
      measureId: framework.measures.trainingWeeks,
      targetQuantity: '120',
      reportingPeriod: 'year',
      reason: 'Target agreed at contract signature was 120.',
    },
    buyerActor,
  );
  const all = await totals(contract.id);
  assert.deepEqual(all[oldId], { verified: 0, unverified: 0, supersededBy: newId });
  assert.deepEqual(all[newId], { verified: 40, unverified: 0, supersededBy: null });
  const [entry] = (await repository.listEntries(database.db, contract.id)).filter(
    ({ entry }) => entry.kind === 'correction',
  );
  assert.equal(entry?.entry.correctsId, oldId);
  await assert.rejects(
    service.correctCommitment(
      contract.id,
      oldId,
      { measureId: framework.measures.trainingWeeks, targetQuantity: '1', reportingPeriod: 'year', reason: 'x' },
      buyerActor,
    ),
    RuleError,
    'a replaced commitment cannot be corrected again',
  );
});

test('only the buyer’s officers make commitments, query and verify; only the deliverer’s members submit', async () => {
  const { contract, buyer, buyerActor, delivererActor, deliverer, supplier, framework } =
    await buildContractSetup(database);
  const service = socialValueService({ database });
  const commitment = {
    measureId: framework.measures.jobsCreated,
    targetQuantity: '5',
    reportingPeriod: 'month' as const,
  };
  const status = (error: unknown) => (error instanceof HttpError ? error.statusCode : 0);
  await assert.rejects(
    service.addCommitment(contract.id, commitment, delivererActor),
    (error) => status(error) === 403,
  );
  // A plain member of the buying body, without a buying role, may look but not act.
  const colleague = await buildUser(database);
  await assert.rejects(
    service.addCommitment(contract.id, commitment, actorOf(colleague.id, [buyer.body.id], false)),
    (error) => status(error) === 403,
  );
  const stranger = await buildUser(database, { roles: ['commissioner'] });
  await assert.rejects(
    service.addCommitment(contract.id, commitment, actorOf(stranger.id, [], true)),
    (error) => status(error) === 404,
  );
  const commitmentId = await service.addCommitment(contract.id, commitment, buyerActor);
  const figures = { commitmentId, periodStart: '2026-04-01', periodEnd: '2026-04-30', quantity: '1', narrative: '' };
  await assert.rejects(service.submitResult(contract.id, figures, [], buyerActor), (error) => status(error) === 403);
  await assert.rejects(
    service.submitResult(contract.id, figures, [], actorOf(stranger.id, [], true)),
    (error) => status(error) === 404,
  );
  const resultId = await service.submitResult(contract.id, figures, [], delivererActor);
  await assert.rejects(service.verify(contract.id, resultId, '', delivererActor), (error) => status(error) === 403);
  await assert.rejects(service.query(contract.id, resultId, 'Why?', delivererActor), (error) => status(error) === 403);
  await assert.rejects(
    contractsService({ database }).publish(contract.id, delivererActor),
    (error) => status(error) === 403,
  );
  assert.ok(deliverer && supplier);
});

test('evidence is checked by name and content before anything is written', async () => {
  const { contract, buyerActor, delivererActor, framework } = await buildContractSetup(database);
  const service = socialValueService({ database });
  const commitmentId = await service.addCommitment(
    contract.id,
    { measureId: framework.measures.apprenticeships, targetQuantity: '2', reportingPeriod: 'year' },
    buyerActor,
  );
  const before = (await repository.listEntries(database.db, contract.id)).length;
  await assert.rejects(
    service.submitResult(
      contract.id,
      { commitmentId, periodStart: '2026-04-01', periodEnd: '2027-03-31', quantity: '1', narrative: '' },
      [{ fileName: 'fake.pdf', content: Buffer.from('<html>not a pdf</html>') }],
      delivererActor,
    ),
    /fake\.pdf: The selected file is not really a PDF/,
  );
  assert.equal((await repository.listEntries(database.db, contract.id)).length, before);
  assert.equal((await repository.listResults(database.db, contract.id)).length, 0);
});

test('a measure from another framework version is refused', async () => {
  const { contract, buyerActor } = await buildContractSetup(database);
  const other = await buildContractSetup(database);
  await assert.rejects(
    socialValueService({ database }).addCommitment(
      contract.id,
      { measureId: other.framework.measures.jobsCreated, targetQuantity: '1', reportingPeriod: 'year' },
      buyerActor,
    ),
    /Choose a measure from the contract's impact framework/,
  );
});
