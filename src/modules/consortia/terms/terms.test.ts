import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseForm } from '../../../platform/forms.ts';
import { fairTermsSchema, percentToBasisPoints, REFERRAL_ALLOCATION_LABELS, REFERRAL_ALLOCATIONS } from './terms.ts';

const member = '6f1c3a52-2b7e-4c55-9a43-0d6c1e8f7b21';
const form = {
  maxPaymentDays: '30',
  managementFeePercent: '12.5',
  referralAllocation: 'needs_based_matching',
  pbrShares: [{ memberId: member, percent: '20' }],
  riskSharing: '  Members share results risk in proportion to their contract value.  ',
  exitNoticeDays: '90',
  exitTerms: 'Three months’ notice; work delivered to the exit date is paid in full.',
};

const firstMessage = (body: unknown) => {
  const result = fairTermsSchema.safeParse(body);
  assert.equal(result.success, false);
  return result.error?.issues[0]?.message;
};

test('a complete agreement is read with the fee and shares in basis points and the text trimmed', () => {
  assert.deepEqual(fairTermsSchema.parse(form), {
    maxPaymentDays: 30,
    referralAllocation: 'needs_based_matching',
    pbrShares: [{ memberId: member, atRiskBasisPoints: 20_00 }],
    riskSharing: 'Members share results risk in proportion to their contract value.',
    exitNoticeDays: 90,
    exitTerms: 'Three months’ notice; work delivered to the exit date is paid in full.',
    managementFeeBasisPoints: 12_50,
  });
});

test('numbers may come from code as well as from a form', () => {
  const terms = fairTermsSchema.parse({ ...form, maxPaymentDays: 0, managementFeePercent: 7.25, exitNoticeDays: 365 });
  assert.equal(terms.maxPaymentDays, 0);
  assert.equal(terms.managementFeeBasisPoints, 7_25);
  assert.equal(terms.exitNoticeDays, 365);
});

test('a percentage has at most two decimals and lies between 0 and 100', () => {
  const cases: [string | number, number | undefined][] = [
    ['0', 0],
    ['15', 15_00],
    ['15%', 15_00],
    [' 12.5 % ', 12_50],
    ['0.01', 1],
    [33.33, 33_33],
    ['100', 100_00],
    ['100.00', 100_00],
    ['100.01', undefined],
    ['101', undefined],
    ['-1', undefined],
    ['12.345', undefined],
    ['twelve', undefined],
    ['', undefined],
  ];
  for (const [value, basisPoints] of cases) assert.equal(percentToBasisPoints(value), basisPoints, String(value));
});

test('the management fee says what to fix', () => {
  assert.equal(
    firstMessage({ ...form, managementFeePercent: '15.555' }),
    'Management fee must be a percentage from 0 to 100, with at most 2 decimal places, like 12.5',
  );
  assert.equal(
    firstMessage({ ...form, managementFeePercent: ' ' }),
    'Enter the lead’s management fee as a percentage, or 0 if there is none',
  );
  assert.equal(
    firstMessage({ ...form, managementFeePercent: undefined }),
    'Enter the lead’s management fee as a percentage, or 0 if there is none',
  );
});

test('payment days and exit notice are whole days from 0 to 365', () => {
  const invalidPayment = 'Payment time must be a whole number of days from 0 to 365, like 30';
  for (const value of ['366', '30.5', '-1', 'thirty', 1.5]) {
    assert.equal(firstMessage({ ...form, maxPaymentDays: value }), invalidPayment, String(value));
  }
  assert.equal(fairTermsSchema.parse({ ...form, maxPaymentDays: '365' }).maxPaymentDays, 365);
  assert.equal(
    firstMessage({ ...form, maxPaymentDays: '' }),
    'Enter the longest time, in days, the lead may take to pay members',
  );
  assert.equal(
    firstMessage({ ...form, exitNoticeDays: '400' }),
    'Exit notice must be a whole number of days from 0 to 365, like 90',
  );
});

test('the referral rule must be one of the four, each with a plain-English label', () => {
  assert.equal(
    firstMessage({ ...form, referralAllocation: 'first_come' }),
    'Choose how referrals and clients are allocated',
  );
  assert.equal(
    firstMessage({ ...form, referralAllocation: undefined }),
    'Choose how referrals and clients are allocated',
  );
  for (const rule of REFERRAL_ALLOCATIONS) assert.ok(REFERRAL_ALLOCATION_LABELS[rule].label, rule);
  assert.match(REFERRAL_ALLOCATION_LABELS.lead_discretion.hint, /easier clients and pass on the hardest/);
});

test('each payment-by-results share names a member once, with a percentage', () => {
  assert.deepEqual(fairTermsSchema.parse({ ...form, pbrShares: [] }).pbrShares, []);
  assert.equal(
    firstMessage({ ...form, pbrShares: [{ memberId: 'not-a-member', percent: '10' }] }),
    'Choose a member of the consortium for each payment-by-results share',
  );
  assert.equal(
    firstMessage({ ...form, pbrShares: [{ memberId: member, percent: '120' }] }),
    'Payment-by-results share must be a percentage from 0 to 100, with at most 2 decimal places, like 20',
  );
  assert.equal(
    firstMessage({
      ...form,
      pbrShares: [
        { memberId: member, percent: '10' },
        { memberId: member, percent: '20' },
      ],
    }),
    'Give each member only one payment-by-results share',
  );
});

test('the narratives are required and at most 5,000 characters', () => {
  assert.equal(
    firstMessage({ ...form, riskSharing: '   ' }),
    'Describe how risk and payment by results are shared between members',
  );
  assert.equal(firstMessage({ ...form, exitTerms: undefined }), 'Describe the exit terms');
  assert.equal(firstMessage({ ...form, exitTerms: 'x'.repeat(5001) }), 'Exit terms must be 5,000 characters or fewer');
  assert.equal(fairTermsSchema.parse({ ...form, exitTerms: 'x'.repeat(5000) }).exitTerms.length, 5000);
});

test('a posted form shows each message beside its field', () => {
  const result = parseForm(fairTermsSchema, { ...form, maxPaymentDays: '400', referralAllocation: '' });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.deepEqual(Object.keys(result.errors.fields), ['maxPaymentDays', 'referralAllocation']);
});
