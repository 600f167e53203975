import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildProfile } from '../../../../test/support/matching-factories.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { wardsIn } from '../../geography/geography.ts';
import { buildTestConsortium, MEDWAY, SWALE } from '../cashflow/test-consortium.ts';
import { insertRating } from '../ratings/ratings.repository.ts';
import { loadCandidates } from './candidates.repository.ts';
import { canLeadWith, homeDistrictOf, readinessOf } from './candidates.ts';

// Directory organisations as the suggestion weighs them: only those offering a service asked for in a district
// asked for, each with its readiness, home district, outcomes and lead rating read from its profile.

const THANET = 'E07000114';
let context: TestContext;
let fixture: Awaited<ReturnType<typeof buildTestConsortium>>;

before(async () => {
  context = await createTestApp();
  fixture = await buildTestConsortium(context);
});
after(() => context.close());

test('readiness, home district and leading follow the rules the page states', () => {
  assert.equal(readinessOf({ verified: false, assurances: [] }), 0);
  assert.equal(readinessOf({ verified: true, assurances: ['safeguarding', 'public_liability', 'unknown'] }), 0.5);
  assert.equal(
    readinessOf({
      verified: true,
      assurances: [
        'safeguarding',
        'public_liability',
        'employers_liability',
        'data_protection',
        'equality',
        'health_safety',
        'living_wage',
        'cyber_essentials',
      ],
    }),
    1,
  );
  const [swaleWard, otherSwaleWard] = wardsIn(SWALE);
  const [medwayWard] = wardsIn(MEDWAY);
  assert.equal(
    homeDistrictOf({
      districts: [MEDWAY, SWALE],
      wards: [swaleWard?.code ?? '', otherSwaleWard?.code ?? '', medwayWard?.code ?? ''],
    }),
    SWALE,
  );
  assert.equal(homeDistrictOf({ districts: [THANET], wards: [] }), THANET);
  assert.equal(homeDistrictOf({ districts: [THANET, SWALE], wards: [] }), undefined);
  assert.equal(canLeadWith(3, 0.5), true);
  assert.equal(canLeadWith(2, 1), false);
  assert.equal(canLeadWith(5, 0.4), false);
  assert.equal(canLeadWith(null, 1), false);
});

test('an organisation is loaded with its services, districts, outcomes, readiness and rating as a lead', async () => {
  const { database } = context;
  const { lead, partner } = fixture.organisations;
  const [ward] = wardsIn(SWALE);
  await database.query(
    `UPDATE organisations SET services = '{103,105}', districts = $2, wards = $3, income_pence = 3000000,
            assurances = '{safeguarding,public_liability,trusted_charity}', verified_at = now()
      WHERE id = $1`,
    [lead, [SWALE, MEDWAY], [ward?.code]],
  );
  await database.query(
    `INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind)
     VALUES ($1, 'O1', 'core'), ($1, 'O3', 'value_adding')`,
    [lead],
  );
  await database.query(`UPDATE consortia SET status = 'completed' WHERE id = $1`, [fixture.id]);
  const rated = await insertRating(database, {
    consortiumId: fixture.id,
    raterOrganisationId: partner,
    leadOrganisationId: lead,
    stars: 4,
    comment: '',
    userId: fixture.people.partner,
  });
  assert.ok(rated);

  const candidates = await loadCandidates(database, { services: ['103'], districts: [MEDWAY] });
  const found = candidates.find((candidate) => candidate.id === lead);
  assert.deepEqual(found, {
    id: lead,
    name: 'lead charity',
    tier: 4,
    services: ['103', '105'],
    districts: [SWALE, MEDWAY],
    homeDistrict: SWALE,
    readiness: 0.6,
    coreOutcomes: ['O1'],
    valueAddingOutcomes: ['O3'],
    leadRating: 4,
    canLead: true,
  });
});

test('only organisations offering a service asked for in a district asked for are loaded, each once', async () => {
  const { database } = context;
  const both = await buildProfile(database, {
    name: 'Offers both services',
    services: ['102', '103', '104'],
    districts: [THANET, SWALE],
    incomePence: 50_000,
  });
  const elsewhere = await buildProfile(database, {
    services: ['103'],
    districts: [MEDWAY],
    incomePence: null,
  });
  const otherService = await buildProfile(database, {
    services: ['110'],
    districts: [THANET],
    incomePence: null,
  });
  const publicBody = await buildProfile(database, { services: ['103'], districts: [THANET], incomePence: null });
  await database.query(`UPDATE organisations SET sector = 'public' WHERE id = $1`, [publicBody.id]);

  const candidates = await loadCandidates(database, { services: ['103', '104'], districts: [THANET] });
  assert.deepEqual(
    candidates.map((candidate) => candidate.id),
    [both.id],
  );
  const [loaded] = candidates;
  assert.equal(loaded?.tier, 1);
  assert.equal(loaded?.homeDistrict, undefined, 'serves two districts and names no ward');
  assert.equal(loaded?.readiness, 0);
  assert.equal(loaded?.leadRating, null);
  assert.equal(loaded?.canLead, false);
  assert.ok(![elsewhere.id, otherService.id].some((id) => candidates.some((candidate) => candidate.id === id)));
  assert.deepEqual(await loadCandidates(database, { services: [], districts: [THANET] }), []);
});
