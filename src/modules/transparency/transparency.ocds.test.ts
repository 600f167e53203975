import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { buildOrganisation } from '../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { addCommitment, addResult, buildContract } from '../../../test/support/transparency-factories.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';
import {
  classification,
  contractImplementation,
  METRICS_EXTENSION,
  publishAllImplementationReleases,
  publishDirectContractRelease,
  publishImplementationRelease,
  UK_EXTENSION,
} from './transparency.ocds.ts';

// Commitments and results reach the OCDS export as contract implementation, valid against the OCDS 1.1.5 package
// schemas, and only once the contract is published.
const OCDS = path.resolve(import.meta.dirname, '../../../../shared/data/ocds/schema-1.1.5');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(OCDS, file), 'utf8')) as Record<string, unknown>;
const ajv = new AjvModule.default({ allErrors: true, strict: false });
addFormatsModule.default(ajv, ['date-time']);
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S/i);
ajv.addSchema(readJson('release-schema.json'));
ajv.addSchema(readJson('versioned-release-validation-schema.json'));
const releaseSchema = ajv.getSchema(String(readJson('release-schema.json').id));
if (!releaseSchema) throw new Error('the OCDS 1.1.5 release schema did not load');
const validateRelease = releaseSchema;
const validateReleasePackage = ajv.compile(readJson('release-package-schema.json'));
const validateRecordPackage = ajv.compile(readJson('record-package-schema.json'));

type Json = Record<string, unknown>;
type Milestone = { id: string; type: string; status: string; code?: string; dateMet?: string; dueDate?: string };
type OcdsContract = {
  id: string;
  awardID: string;
  agreedMetrics: { id: string; observations: { measure: number }[] }[];
  implementation: { milestones: Milestone[]; metrics: { id: string; observations: Json[] }[] };
};

let context: TestContext;
let opportunityId: string;
let ocid: string;
let contractId: string;
before(async () => {
  context = await createTestApp();
  const service = opportunitiesService({ database: context.database });
  const { body, actor } = await buildBuyer(context.database);
  const supplier = await buildOrganisation(context.database);
  const created = await service.create(body.id, opportunityInput(), actor);
  opportunityId = created.id;
  ocid = created.ocid;
  await service.transition(opportunityId, 'publish', actor);
  await service.transition(opportunityId, 'close', actor);
  await service.award(opportunityId, { supplierIds: [supplier.id], valuePence: 24_000_000 }, actor);
  await service.transition(opportunityId, 'contract', actor);
  const [contract] = await context.database.query<{ id: string }>(
    'SELECT id FROM contracts WHERE opportunity_id = $1',
    [opportunityId],
  );
  assert.ok(contract, 'putting an award under contract makes a contract');
  contractId = contract.id;
});
after(() => context.close());

async function measures() {
  const rows = await context.database.query<{ id: string; proxy: string | null }>(
    `SELECT m.id, m.proxy_value_pence::text AS proxy FROM impact_measures m
       JOIN contracts c ON c.framework_version_id = m.version_id WHERE c.id = $1 ORDER BY m.code`,
    [contractId],
  );
  const withProxy = rows.find((row) => row.proxy !== null);
  const without = rows.find((row) => row.proxy === null) ?? rows.find((row) => row !== withProxy);
  assert.ok(withProxy && without);
  return { withProxy, without };
}

test('nothing is exported while the contract is unpublished', async () => {
  const { withProxy } = await measures();
  const commitment = await addCommitment(context.database, { id: contractId }, { measureId: withProxy.id, target: 4 });
  await addResult(context.database, commitment, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 3,
    status: 'verified',
  });
  assert.equal(await publishImplementationRelease(context.database, opportunityId, new Date()), undefined);
  const response = await context.app.inject({ method: 'GET', url: '/api/v1/ocds/releases' });
  assert.ok(!response.body.includes(commitment.id));
});

test('a published contract adds an implementation release that validates, with milestones and metrics', async () => {
  const { without } = await measures();
  await context.database.query('UPDATE contracts SET published_at = now() WHERE id = $1', [contractId]);
  const second = await addCommitment(context.database, { id: contractId }, { measureId: without.id, target: 10 });
  await addResult(context.database, second, { periodStart: '2026-04-01', periodEnd: '2026-06-30', quantity: 2 });
  await addResult(context.database, second, {
    periodStart: '2026-07-01',
    periodEnd: '2026-09-30',
    quantity: 1,
    status: 'queried',
  });
  const result = await publishAllImplementationReleases(context.database, new Date('2026-11-25T10:00:00Z'));
  assert.deepEqual(result, { opportunities: 1, contracts: 0, published: 1 });
  // Unchanged: no second release.
  assert.deepEqual(await publishAllImplementationReleases(context.database, new Date('2026-11-25T11:00:00Z')), {
    opportunities: 1,
    contracts: 0,
    published: 0,
  });

  const response = await context.app.inject({ method: 'GET', url: '/api/v1/ocds/releases' });
  const body = response.json() as { releases: Json[]; extensions: string[] };
  assert.ok(validateReleasePackage(body), JSON.stringify(validateReleasePackage.errors?.slice(0, 3)));
  assert.ok(body.extensions.includes(METRICS_EXTENSION) && body.extensions.includes(UK_EXTENSION));
  const releases = body.releases.filter((release) => release.ocid === ocid);
  for (const release of releases) assert.ok(validateRelease(release), JSON.stringify(validateRelease.errors));
  const implementation = releases.filter((release) => (release.tag as string[]).includes('implementation'));
  assert.equal(implementation.length, 1);
  const [contract] = (implementation[0] as { contracts: OcdsContract[] }).contracts;
  assert.ok(contract);
  assert.equal(contract.id, `${ocid}-contract-1`);
  assert.equal(contract.awardID, `${ocid}-award-1`);
  const milestones = contract.implementation.milestones;
  assert.deepEqual(milestones.map((milestone) => milestone.type).sort(), [
    'delivery',
    'delivery',
    'reporting',
    'reporting',
    'reporting',
  ]);
  assert.deepEqual(
    milestones
      .filter((milestone) => milestone.type === 'reporting')
      .map((milestone) => milestone.code)
      .sort(),
    ['notYetVerified', 'queried', 'verified'],
  );
  const delivery = milestones.filter((milestone) => milestone.type === 'delivery');
  // Neither target is met yet (3 of 4 verified, 0 of 10), and the contract has not ended.
  assert.deepEqual(
    delivery.map((milestone) => milestone.status),
    ['scheduled', 'scheduled'],
  );
  assert.deepEqual(contract.agreedMetrics.map((metric) => metric.observations[0]?.measure).sort(), [10, 4]);
  assert.equal(contract.implementation.metrics.length, 2);

  const record = await context.app.inject({ method: 'GET', url: `/api/v1/ocds/records/${ocid}` });
  const recordBody = record.json() as { records: { compiledRelease: { contracts: OcdsContract[] } }[] };
  assert.ok(validateRecordPackage(recordBody), JSON.stringify(validateRecordPackage.errors?.slice(0, 3)));
  const compiled = recordBody.records[0]?.compiledRelease.contracts[0];
  assert.equal(compiled?.implementation.milestones.length, 5);
});

test('a new result makes a new implementation release; a met target is rated met', async () => {
  const [commitment] = await context.database.query<{ id: string; contract_id: string }>(
    `SELECT id, contract_id AS "contractId" FROM social_value_commitments
      WHERE contract_id = $1 AND target_quantity = 4`,
    [contractId],
  );
  assert.ok(commitment);
  await addResult(
    context.database,
    { id: commitment.id, contractId },
    {
      periodStart: '2026-07-01',
      periodEnd: '2026-09-30',
      quantity: 1,
      status: 'verified',
    },
  );
  const releaseId = await publishImplementationRelease(context.database, opportunityId, new Date());
  assert.ok(releaseId);
  const [row] = await context.database.query<{ release: { contracts: OcdsContract[] } }>(
    'SELECT release::json AS release FROM ocds_releases WHERE release_id = $1',
    [releaseId],
  );
  assert.ok(row && validateRelease(row.release), JSON.stringify(validateRelease.errors));
  const metric = row.release.contracts[0]?.implementation.metrics.find((item) => item.id === commitment.id);
  const toDate = metric?.observations.at(-1) as { measure: number; measureClassification: { id: string } };
  assert.equal(toDate.measure, 4);
  assert.equal(toDate.measureClassification.id, 'met');
  const delivery = row.release.contracts[0]?.implementation.milestones.find(
    (milestone) => milestone.id === `commitment-${commitment.id}`,
  );
  assert.equal(delivery?.status, 'met');
  assert.ok(delivery?.dateMet);
});

test('a contract entered directly is a process of its own: buyer, supplier, award and contract with its implementation', async () => {
  const { without } = await measures();
  const [version] = await context.database.query<{ versionId: string }>(
    'SELECT framework_version_id AS "versionId" FROM contracts WHERE id = $1',
    [contractId],
  );
  assert.ok(version);
  const direct = await buildContract(context.database, version, { title: 'Warm homes advice', published: false });
  assert.equal(await publishDirectContractRelease(context.database, direct.id, new Date()), undefined, 'unpublished');
  await context.database.query('UPDATE contracts SET published_at = now() WHERE id = $1', [direct.id]);
  const commitment = await addCommitment(context.database, direct, { measureId: without.id, target: 4 });
  await addResult(context.database, commitment, { periodStart: '2026-04-01', periodEnd: '2026-06-30', quantity: 1 });
  const first = await publishAllImplementationReleases(context.database, new Date('2026-11-26T10:00:00Z'));
  assert.deepEqual(first, { opportunities: 1, contracts: 1, published: 1 });
  assert.equal(await publishDirectContractRelease(context.database, direct.id, new Date()), undefined, 'unchanged');

  const directOcid = `${ocid.split('-').slice(0, 2).join('-')}-${direct.id}`;
  const response = await context.app.inject({ method: 'GET', url: `/api/v1/ocds/records/${directOcid}` });
  assert.equal(response.statusCode, 200);
  const body = response.json() as { records: { releases: Json[]; compiledRelease: Json }[]; extensions: string[] };
  assert.ok(validateRecordPackage(body), JSON.stringify(validateRecordPackage.errors?.slice(0, 3)));
  const [record] = body.records;
  const [release] = record?.releases ?? [];
  assert.ok(release && validateRelease(release), JSON.stringify(validateRelease.errors));
  assert.deepEqual(release.tag, ['award', 'contract', 'implementation']);
  assert.deepEqual(
    (release.parties as { id: string; roles: string[] }[]).map((party) => [party.id, party.roles]),
    [
      [direct.buyerId, ['buyer']],
      [direct.supplierId, ['supplier']],
    ],
  );
  const [contract] = (release.contracts ?? []) as (OcdsContract & { title: string; status: string })[];
  assert.equal(contract?.title, 'Warm homes advice');
  assert.equal(contract?.status, 'active');
  assert.equal(contract?.awardID, `${directOcid}-award-1`);
  assert.deepEqual(
    contract?.agreedMetrics.map((metric) => metric.observations[0]?.measure),
    [4],
  );
  assert.ok(body.extensions.includes(UK_EXTENSION));

  // A new result is a change: a new release of the same process.
  await addResult(context.database, commitment, { periodStart: '2026-07-01', periodEnd: '2026-09-30', quantity: 2 });
  assert.ok(await publishDirectContractRelease(context.database, direct.id, new Date('2026-11-27T10:00:00Z')));
  const [count] = await context.database.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM ocds_releases WHERE ocid = $1',
    [directOcid],
  );
  assert.equal(count?.count, 2);
});

test('a published contract without commitments says why it has no agreed metrics', () => {
  const contract = contractImplementation({ id: 'c-1', awardID: 'a-1' }, [], [], [], '2026-11-25');
  assert.deepEqual(contract, {
    id: 'c-1',
    awardID: 'a-1',
    noAgreedMetricsRationale: 'No social value commitments have been made on this contract.',
  });
});

test('the release schema check can fail', () => {
  assert.equal(validateRelease({ ocid, id: 'x', tag: ['implementation'] }), false);
  assert.equal(
    validateRelease({
      ocid,
      id: 'x',
      date: '2026-11-25T10:00:00Z',
      tag: ['implementation'],
      initiationType: 'tender',
      contracts: [{ id: 'c', awardID: 'a', implementation: { milestones: [{ id: 'm', status: 'done' }] } }],
    }),
    false,
  );
});

test('verified delivery is rated against its target as the UK extension names it', () => {
  assert.equal(classification(10, 10).id, 'met');
  assert.equal(classification(9, 10).id, 'slightlyBelow');
  assert.equal(classification(5, 10).id, 'below');
  assert.equal(classification(4.9, 10).id, 'significantlyBelow');
});
