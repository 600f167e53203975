import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { buildOrganisation } from '../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { recordPackage } from '../ocds/ocds-export.ts';
import { documentsService } from './documents/documents.service.ts';
import { opportunitiesService } from './opportunities.service.ts';

const schemaPath = path.resolve(import.meta.dirname, '../../../../shared/data/ocds/schema-1.1.5/release-schema.json');
const ajv = new AjvModule.default({ allErrors: true, strict: false });
addFormatsModule.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

test('every release of a whole lifecycle is valid OCDS 1.1.5, with lots, suitability, awards and contracts', async () => {
  const service = opportunitiesService({ database });
  const { body, actor } = await buildBuyer(database);
  const supplier = await buildOrganisation(database);
  const { id, ocid } = await service.create(body.id, opportunityInput({ clarificationDeadline: new Date() }), actor);
  await service.addLot(
    id,
    { title: 'North', description: 'Sittingbourne', valuePence: 12_345_678, districts: [] },
    actor,
  );
  const pdf = Buffer.from('%PDF-1.7\n%%EOF\n');
  await documentsService({ database }).upload(id, { fileName: 'Specification.pdf', content: pdf }, actor);
  await service.transition(id, 'publish', actor);
  await service.update(id, { outcomesSought: 'More people supported at home.' }, actor);
  await service.transition(id, 'close', actor);
  await service.award(id, { supplierIds: [supplier.id], valuePence: 24_000_050 }, actor);
  await service.transition(id, 'contract', actor);
  await service.transition(id, 'terminate', actor);
  const releases = await service.releases(ocid);
  assert.equal(releases.length, 6);
  assert.equal(new Set(releases.map((release) => release.releaseId)).size, 6);
  for (const { release } of releases) {
    assert.ok(validate(release), `${String(release.id)}: ${ajv.errorsText(validate.errors)}`);
  }
  const [record] = await database.query<{ release_count: number; compiled_release: { tag: string[] } }>(
    'SELECT release_count, compiled_release::json AS compiled_release FROM ocds_records WHERE ocid = $1',
    [ocid],
  );
  assert.equal(record?.release_count, 6);
  assert.deepEqual(record?.compiled_release.tag, ['compiled']);
  const first = releases[0]?.release as { tender: Record<string, unknown> };
  assert.deepEqual(first.tender.value, { amount: 250_000, currency: 'GBP' });
  assert.deepEqual(first.tender.suitability, { sme: true, vcse: true });
  assert.deepEqual(
    (first.tender.documents as { title: string; format: string }[]).map(({ title, format }) => ({ title, format })),
    [{ title: 'Specification.pdf', format: 'application/pdf' }],
  );
  assert.deepEqual((first.tender.lots as { value: unknown }[])[0]?.value, { amount: 123_456.78, currency: 'GBP' });
  const last = releases.at(-1)?.release as {
    awards: { suppliers: { name: string }[] }[];
    contracts: { status: string }[];
  };
  assert.equal(last.awards[0]?.suppliers[0]?.name, supplier.name);
  assert.equal(last.contracts[0]?.status, 'terminated');
});

test('an opportunity reserved for VCSEs says so in the UK extension’s terms, and its package declares the extensions', async () => {
  const service = opportunitiesService({ database });
  const { body, actor } = await buildBuyer(database);
  const { id, ocid } = await service.create(body.id, opportunityInput({ reservedForVcse: true }), actor);
  await service.addLot(id, { title: 'East', description: '', valuePence: null, districts: [] }, actor);
  await service.transition(id, 'publish', actor);
  const [published] = await service.releases(ocid);
  const release = published?.release as { tender: { otherRequirements?: { reservedParticipation: string[] } } };
  assert.ok(validate(release), ajv.errorsText(validate.errors));
  assert.deepEqual(release.tender.otherRequirements, { reservedParticipation: ['smeVcse'] });
  const ukCodes = readFileSync(
    path.resolve(schemaPath, '../../uk-extension-cabinetoffice/codelists/+reservedParticipation.csv'),
    'utf8',
  );
  assert.match(ukCodes, /^smeVcse,/m, 'a code of the UK extension');

  const exported = await recordPackage(database, 'https://example.test', ocid);
  assert.deepEqual(
    (exported as { extensions: string[] }).extensions.map((url) => /ocds_(\w+?)_extension/.exec(url)?.[1]).sort(),
    ['lots', 'otherRequirements', 'suitability', 'uk'],
  );
});

test('lots awarded separately are separate awards, each naming its lots, with a contract each', async () => {
  const service = opportunitiesService({ database });
  const { body, actor } = await buildBuyer(database);
  const first = await buildOrganisation(database);
  const second = await buildOrganisation(database);
  const { id, ocid } = await service.create(body.id, opportunityInput(), actor);
  const north = await service.addLot(id, { title: 'North', description: '', valuePence: null, districts: [] }, actor);
  const south = await service.addLot(id, { title: 'South', description: '', valuePence: null, districts: [] }, actor);
  for (const step of ['publish', 'close'] as const) await service.transition(id, step, actor);
  await service.award(id, { supplierIds: [first.id], valuePence: 100_000, lotIds: [north.id] }, actor);
  await service.award(id, { supplierIds: [first.id, second.id], valuePence: 50_000, lotIds: [south.id] }, actor);
  await service.transition(id, 'contract', actor);
  const releases = await service.releases(ocid);
  for (const { release } of releases) {
    assert.ok(validate(release), `${String(release.id)}: ${ajv.errorsText(validate.errors)}`);
  }
  const last = releases.at(-1)?.release as {
    parties: { id: string; roles: string[] }[];
    awards: { id: string; relatedLots: string[]; suppliers: { id: string }[]; value: { amount: number } }[];
    contracts: { id: string; awardID: string }[];
  };
  assert.deepEqual(
    last.awards.map((award) => [award.id, award.relatedLots, award.suppliers.length, award.value.amount]),
    [
      [`${ocid}-award-1`, [north.id], 1, 1_000],
      [`${ocid}-award-2`, [south.id], 2, 1_000],
    ],
  );
  assert.deepEqual(
    last.contracts.map((contract) => contract.awardID),
    last.awards.map((award) => award.id),
  );
  assert.equal(last.parties.filter((party) => party.id === first.id).length, 1, 'a supplier is one party');
});
