import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConsortiumMember, FAIRNESS_DEFAULTS, type FairnessDefaults, flagTerms } from './fairness.ts';
import type { FairTerms } from './terms.ts';

const lead: ConsortiumMember = { id: 'lead', name: 'Medway Together', tier: 5 };
const sme: ConsortiumMember = { id: 'sme', name: 'Swale Skills', tier: 4 };
const micro: ConsortiumMember = { id: 'micro', name: 'Sheppey Friends', tier: 3 };
const unknown: ConsortiumMember = { id: 'unknown', name: 'Faversham Walkers', tier: null };
const members = [lead, sme, micro, unknown];

// Terms that meet every default exactly, so each test changes one thing.
const fair: FairTerms = {
  maxPaymentDays: 30,
  managementFeeBasisPoints: 15_00,
  referralAllocation: 'rotation',
  pbrShares: [
    { memberId: 'lead', atRiskBasisPoints: 30_00 },
    { memberId: 'sme', atRiskBasisPoints: 10_00 },
    { memberId: 'micro', atRiskBasisPoints: 0 },
  ],
  riskSharing: 'The lead and the social SME carry the results risk.',
  exitNoticeDays: 90,
  exitTerms: 'Three months’ notice.',
};

const codes = (terms: FairTerms, defaults?: FairnessDefaults) =>
  flagTerms(terms, members, defaults).map((flag) => flag.code);

test('terms at every default raise no flag (exactly 30 days, exactly 15%, exactly 90 days’ notice)', () => {
  assert.deepEqual(flagTerms(fair, members), []);
});

test('payment beyond 30 days down the chain is a risk, citing regulation 113', () => {
  const [flag, ...others] = flagTerms({ ...fair, maxPaymentDays: 31 }, members);
  assert.deepEqual(others, []);
  assert.equal(flag?.code, 'payment_days_too_long');
  assert.equal(flag?.severity, 'risk');
  assert.equal(flag?.memberId, undefined);
  assert.equal(
    flag?.message,
    'Members may wait up to 31 days to be paid. Agree to pay them within 30 days of the lead being paid.',
  );
  assert.match(flag?.rationale ?? '', /Regulation 113 of the Public Contracts Regulations 2015/);
});

test('a management fee above 15% is a warning; 15.01% is above', () => {
  const [flag, ...others] = flagTerms({ ...fair, managementFeeBasisPoints: 15_01 }, members);
  assert.deepEqual(others, []);
  assert.equal(flag?.code, 'management_fee_too_high');
  assert.equal(flag?.severity, 'warning');
  assert.equal(
    flag?.message,
    'The lead’s management fee of 15.01% is above 15%. Agree what the fee pays for, or lower it.',
  );
  assert.equal(flag?.rationale, FAIRNESS_DEFAULTS.maxManagementFeeBasisPoints.rationale);
});

test('payment-by-results risk passed to a tier 1 to 3 member is a risk for that member', () => {
  const tiny: ConsortiumMember = { id: 'tiny', name: 'Deal Lunch Club', tier: 1 };
  const terms: FairTerms = {
    ...fair,
    pbrShares: [
      ...fair.pbrShares.filter((share) => share.memberId !== 'micro'),
      { memberId: 'micro', atRiskBasisPoints: 1 },
      { memberId: 'tiny', atRiskBasisPoints: 5_00 },
    ],
  };
  const flags = flagTerms(terms, [...members, tiny]);
  assert.deepEqual(
    flags.map((flag) => [flag.code, flag.severity, flag.memberId]),
    [
      ['pbr_risk_to_small_member', 'risk', 'micro'],
      ['pbr_risk_to_small_member', 'risk', 'tiny'],
    ],
  );
  assert.equal(
    flags[0]?.message,
    '0.01% of the payment to Sheppey Friends depends on results, but it is a tier 3 organisation. Pay it in full for the work it delivers and let larger members carry the results risk.',
  );
  assert.match(flags[0]?.rationale ?? '', /little or no reserves/);
});

test('payment-by-results risk for a member whose income is unknown is a warning', () => {
  const flags = flagTerms({ ...fair, pbrShares: [{ memberId: 'unknown', atRiskBasisPoints: 20_00 }] }, members);
  assert.deepEqual(
    flags.map((flag) => [flag.code, flag.severity, flag.memberId]),
    [['pbr_risk_tier_unknown', 'warning', 'unknown']],
  );
  assert.match(
    flags[0]?.message ?? '',
    /^20% of the payment to Faversham Walkers depends on results, and its income is not known/,
  );
});

test('the lead deciding who gets each referral is a risk of creaming and parking', () => {
  const [flag, ...others] = flagTerms({ ...fair, referralAllocation: 'lead_discretion' }, members);
  assert.deepEqual(others, []);
  assert.equal(flag?.code, 'unfair_referral_allocation');
  assert.equal(flag?.severity, 'risk');
  assert.match(flag?.message ?? '', /“The lead decides”/);
  assert.match(flag?.rationale ?? '', /creamed off the easiest clients and parked the hardest cases/);
  for (const rule of ['rotation', 'client_choice', 'needs_based_matching'] as const) {
    assert.deepEqual(codes({ ...fair, referralAllocation: rule }), [], rule);
  }
});

test('exit notice under 90 days is a warning; 89 is under', () => {
  const [flag, ...others] = flagTerms({ ...fair, exitNoticeDays: 89 }, members);
  assert.deepEqual(others, []);
  assert.equal(flag?.code, 'exit_notice_too_short');
  assert.equal(flag?.severity, 'warning');
  assert.equal(
    flag?.message,
    'The exit notice of 89 days is shorter than 90 days. Agree a longer notice so clients can be handed over safely.',
  );
});

test('every unfair term is flagged at once, in the order of the form', () => {
  const terms: FairTerms = {
    ...fair,
    maxPaymentDays: 60,
    managementFeeBasisPoints: 25_00,
    referralAllocation: 'lead_discretion',
    pbrShares: [{ memberId: 'micro', atRiskBasisPoints: 10_00 }],
    exitNoticeDays: 1,
  };
  assert.deepEqual(codes(terms), [
    'payment_days_too_long',
    'management_fee_too_high',
    'unfair_referral_allocation',
    'pbr_risk_to_small_member',
    'exit_notice_too_short',
  ]);
  assert.match(flagTerms(terms, members).at(-1)?.message ?? '', /of 1 day is shorter/);
});

test('the hub’s own defaults replace the built-in ones', () => {
  const strict: FairnessDefaults = {
    ...FAIRNESS_DEFAULTS,
    maxPaymentDays: { ...FAIRNESS_DEFAULTS.maxPaymentDays, value: 14 },
    maxManagementFeeBasisPoints: { ...FAIRNESS_DEFAULTS.maxManagementFeeBasisPoints, value: 10_00 },
    tiersWithoutPbrRisk: { ...FAIRNESS_DEFAULTS.tiersWithoutPbrRisk, value: [1, 2, 3, 4] },
    unfairReferralAllocations: { ...FAIRNESS_DEFAULTS.unfairReferralAllocations, value: [] },
    minExitNoticeDays: { ...FAIRNESS_DEFAULTS.minExitNoticeDays, value: 30 },
  };
  const terms: FairTerms = { ...fair, referralAllocation: 'lead_discretion', exitNoticeDays: 30 };
  assert.deepEqual(
    flagTerms(terms, members, strict).map((flag) => [flag.code, flag.memberId]),
    [
      ['payment_days_too_long', undefined],
      ['management_fee_too_high', undefined],
      ['pbr_risk_to_small_member', 'sme'],
    ],
  );
  assert.match(flagTerms(terms, members, strict)[0]?.message ?? '', /within 14 days/);
});

test('every default has a rationale to show on the page', () => {
  for (const [name, rule] of Object.entries(FAIRNESS_DEFAULTS)) assert.ok(rule.rationale.length > 100, name);
});
