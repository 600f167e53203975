import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { ocdsValidators } from '../../../test/support/ocds-schemas.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { RuleError } from '../ledger/contracts.rules.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';
import { consortiaService } from './consortia.service.ts';

// A consortium bids and the buyer awards the opportunity to it: its lead is the supplier, its members are the
// subcontractors in the OCDS export (the subcontracting extension's fields, with each member's allocated share).

const SWALE = 'E07000113';
const MEDWAY = 'E06000035';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

const actor = (userId: string, organisationIds: string[]) => ({ userId, ip: '127.0.0.1', organisationIds });
type Json = Record<string, unknown>;

test('a consortium with members, terms and a charter bids, is awarded, and is published as lead and subcontractors', async () => {
  const { database } = context;
  const buyer = await buildBuyer(database);
  const opportunities = opportunitiesService({ database });
  const { id: opportunityId, ocid } = await opportunities.create(buyer.body.id, opportunityInput(), buyer.actor);
  const lot = await opportunities.addLot(
    opportunityId,
    { title: 'Befriending', description: '', valuePence: 100_000_00, districts: [SWALE, MEDWAY] },
    buyer.actor,
  );
  await opportunities.transition(opportunityId, 'publish', buyer.actor);
  const leadUser = await buildUser(database);
  const partnerUser = await buildUser(database);
  const lead = await buildOrganisation(database, { name: 'Lead Trust', members: [{ id: leadUser.id }] });
  const partner = await buildOrganisation(database, { name: 'Partner Group', members: [{ id: partnerUser.id }] });
  const asLead = actor(leadUser.id, [lead.id]);
  const consortia = consortiaService({ database });
  const { id } = await consortia.create({ opportunityId, leadOrganisationId: lead.id, name: 'Swale Together' }, asLead);

  await assert.rejects(
    consortia.bid(id, asLead),
    (error: unknown) =>
      error instanceof RuleError &&
      error.message === 'Before bidding, the consortium needs a member besides the lead, fair terms, a lead charter.',
  );
  await consortia.invite(id, { organisationId: partner.id, role: 'subcontractor' }, asLead);
  await consortia.answer(id, partner.id, true, actor(partnerUser.id, [partner.id]));
  await consortia.allocate(
    id,
    [
      { lot_id: lot.id, district: SWALE, organisation_id: partner.id },
      { lot_id: lot.id, district: MEDWAY, organisation_id: lead.id },
    ],
    asLead,
  );
  await consortia.recordTerms(
    id,
    {
      maxPaymentDays: 30,
      managementFeeBasisPoints: 8_00,
      referralAllocation: 'rotation',
      pbrShares: [],
      riskSharing: 'No payment by results.',
      exitNoticeDays: 90,
      exitTerms: 'Three months’ notice.',
    },
    asLead,
  );
  await consortia.recordCharter(
    id,
    { leadDelivers: true, leadDelivery: 'Medway', conflictsOfInterest: '', willNotCompete: true },
    asLead,
  );
  await consortia.agreeTerms(id, 1, actor(partnerUser.id, [partner.id]));
  // Invited before the bid and not yet answered: once the consortium has bid, too late to join.
  const lateUser = await buildUser(database);
  const late = await buildOrganisation(database, { name: 'Late Group', members: [{ id: lateUser.id }] });
  await consortia.invite(id, { organisationId: late.id, role: 'partner' }, asLead);

  // Before it bids, the buyer cannot see it; after, the buyer sees its public face and can award to it.
  const buyerAgent = new Agent(context.app);
  buyerAgent.cookies.set('wc_session', await sessionCookieFor(database, buyer.officer.id));
  assert.equal((await buyerAgent.get(`/consortia/${id}`)).statusCode, 404);
  await consortia.bid(id, asLead);
  await assert.rejects(consortia.bid(id, asLead), /already bid/);
  await assert.rejects(
    consortia.answer(id, late.id, true, actor(lateUser.id, [late.id])),
    /The consortium has bid: its invitations can no longer be answered/,
  );
  await assert.rejects(
    consortia.recordTerms(
      id,
      {
        maxPaymentDays: 60,
        managementFeeBasisPoints: 20_00,
        referralAllocation: 'rotation',
        pbrShares: [],
        riskSharing: 'Changed after the bid.',
        exitNoticeDays: 30,
        exitTerms: 'None.',
      },
      asLead,
    ),
    /The consortium has bid: its terms are settled/,
  );
  assert.equal((await buyerAgent.get(`/consortia/${id}`)).statusCode, 200);

  await opportunities.transition(opportunityId, 'close', buyer.actor);
  const award = `/opportunities/${opportunityId}/award`;
  const page = await buyerAgent.get(award);
  assert.match(page.body, /Swale Together/);
  assert.match(page.body, /Led by Lead Trust, 2 members/);
  const both = await buyerAgent.post(award, { supplierIds: lead.id, consortiumIds: id }, { from: award });
  assert.equal(both.statusCode, 400);
  assert.match(both.body, /Lead Trust is chosen on its own and as the lead of a consortium: choose one\./);
  const awarded = await buyerAgent.post(award, { consortiumIds: id, valuePence: '100000' }, { from: award });
  assert.equal(awarded.statusCode, 303);

  const [row] = await database.query<{ status: string }>('SELECT status FROM consortia WHERE id = $1', [id]);
  assert.equal(row?.status, 'awarded');
  const response = await context.app.inject({ method: 'GET', url: '/api/v1/ocds/releases' });
  const body = response.json() as { releases: Json[]; extensions: string[] };
  const validate = ocdsValidators();
  assert.ok(validate.releasePackage(body), JSON.stringify(validate.releasePackage.errors?.slice(0, 3)));
  assert.ok(body.extensions.some((url) => url.includes('ocds_subcontracting_extension')));
  const release = body.releases.find(
    (item) => item.ocid === ocid && (item.tag as string[]).includes('award'),
  ) as Json & { awards: Json[]; parties: { id: string; roles: string[] }[] };
  const [published] = release.awards as {
    suppliers: { id: string }[];
    hasSubcontracting: boolean;
    subcontracting: { minimumPercentage: number; maximumPercentage: number; description: string };
  }[];
  assert.deepEqual(
    published?.suppliers.map((supplier) => supplier.id),
    [lead.id],
  );
  assert.equal(published?.hasSubcontracting, true);
  assert.equal(published?.subcontracting.minimumPercentage, 0.5, 'half the cells, of equal value, are the partner’s');
  assert.equal(published?.subcontracting.maximumPercentage, 0.5);
  assert.match(published?.subcontracting.description ?? '', /Partner Group \(subcontractor, 50% of the work\)/);
  assert.deepEqual(release.parties.find((party) => party.id === partner.id)?.roles, ['subcontractor']);
  assert.deepEqual(release.parties.find((party) => party.id === lead.id)?.roles, ['supplier']);

  // The consortium follows its contract: delivering, then completed, when members may rate the lead.
  const stage = async () =>
    (await database.query<{ status: string }>('SELECT status FROM consortia WHERE id = $1', [id]))[0]?.status;
  await opportunities.transition(opportunityId, 'contract', buyer.actor);
  assert.equal(await stage(), 'delivering');
  const [contract] = await database.query<{ supplier_organisation_id: string }>(
    'SELECT supplier_organisation_id FROM contracts WHERE opportunity_id = $1',
    [opportunityId],
  );
  assert.equal(contract?.supplier_organisation_id, lead.id, 'the lead holds the contract');
  await opportunities.transition(opportunityId, 'complete', buyer.actor);
  assert.equal(await stage(), 'completed');
});

test('a consortium for an opportunity published without lots allocates the districts of its one lot', async () => {
  const { database } = context;
  const buyer = await buildBuyer(database);
  const opportunities = opportunitiesService({ database });
  const input = opportunityInput({ districts: [SWALE, MEDWAY] });
  const { id: opportunityId } = await opportunities.create(buyer.body.id, input, buyer.actor);
  await opportunities.transition(opportunityId, 'publish', buyer.actor);
  const leadUser = await buildUser(database);
  const lead = await buildOrganisation(database, { name: 'Whole Lot Trust', members: [{ id: leadUser.id }] });
  const asLead = actor(leadUser.id, [lead.id]);
  const consortia = consortiaService({ database });
  const { id } = await consortia.create({ opportunityId, leadOrganisationId: lead.id, name: 'Whole Lot' }, asLead);
  const [lot] = await database.query<{ id: string; title: string }>(
    'SELECT id, title FROM opportunity_lots WHERE opportunity_id = $1',
    [opportunityId],
  );
  assert.equal(lot?.title, input.title);
  await consortia.allocate(
    id,
    [SWALE, MEDWAY].map((district) => ({ lot_id: lot?.id ?? '', district, organisation_id: lead.id })),
    asLead,
  );
  const allocated = await database.query('SELECT 1 FROM consortium_allocations WHERE consortium_id = $1', [id]);
  assert.equal(allocated.length, 2);
});
