import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CashflowMember, type CashflowSchedule, cashGap } from './cashflow.ts';

// £12,000 a year, paid monthly (12 periods of 30 days) in arrears, delivered at cost: £1,000 a period.
const member: CashflowMember = {
  id: 'member',
  name: 'Swale Skills',
  annualIncomePence: 60_000_00,
  paymentPerPeriodPence: 1_000_00,
};
const schedule: CashflowSchedule = {
  periodDays: 30,
  periods: 12,
  buyerPaymentDays: 30,
  pbrLagDays: 0,
  chainPaymentDays: 30,
  members: [member],
};

const only = (result: ReturnType<typeof cashGap>) => {
  assert.equal(result.length, 1);
  return result[0];
};

test('30-day buyer and chain terms, no payment by results: a member carries three months of cost', () => {
  // Period 1 costs £1,000 over days 1 to 30; the buyer pays the lead on day 60 and the lead pays the member on
  // day 90. By the close of day 90 the member has spent £3,000 and received nothing: 30 + 30 + 30 days of cost.
  // Every later month it receives £1,000 just as it has spent another £1,000, so the gap never passes £3,000.
  assert.deepEqual(only(cashGap(schedule)), {
    memberId: 'member',
    name: 'Swale Skills',
    annualIncomePence: 60_000_00,
    tier: 4,
    peakGapPence: 3_000_00,
    peakDay: 90,
    gapShareOfIncomeBasisPoints: 5_00,
    atRisk: false,
    reason: null,
    message: null,
  });
});

test('20% paid on results 90 days later adds three months of the held-back 20%', () => {
  // The £800 core of each period arrives on day 30k + 60, the £200 results share 90 days after it. Before the
  // results money for period 1 arrives (day 180) the member has spent £6,000 and received three cores, £2,400:
  // a gap of £3,600, that is £3,000 + 3 × £200. Afterwards each month brings in as much as it costs.
  const result = only(cashGap({ ...schedule, pbrLagDays: 90, members: [{ ...member, pbrBasisPoints: 20_00 }] }));
  assert.equal(result?.peakGapPence, 3_600_00);
  assert.equal(result?.peakDay, 180);
  assert.equal(result?.gapShareOfIncomeBasisPoints, 6_00);
  assert.equal(result?.atRisk, false);
});

test('the lead keeps its own share as soon as the buyer pays, so its gap is period plus buyer days', () => {
  const result = only(cashGap({ ...schedule, members: [{ ...member, isLead: true }] }));
  assert.equal(result?.peakGapPence, 2_000_00);
  assert.equal(result?.peakDay, 60);
});

test('a member with a tiny income is flagged; a quarter of income exactly is not', () => {
  const results = cashGap({
    ...schedule,
    members: [
      { ...member, id: 'tiny', name: 'Sheppey Friends', annualIncomePence: 5_000_00 },
      { ...member, id: 'quarter', name: 'Deal Lunch Club', annualIncomePence: 12_000_00 },
      { ...member, id: 'just-under', name: 'Hythe Hub', annualIncomePence: 11_999_99 },
    ],
  });
  assert.deepEqual(
    results.map((result) => [result.memberId, result.tier, result.gapShareOfIncomeBasisPoints, result.atRisk]),
    [
      ['tiny', 2, 60_00, true],
      ['quarter', 3, 25_00, false],
      ['just-under', 3, 25_00, true],
    ],
  );
  assert.equal(results[0]?.reason, 'gap_above_share_of_income');
  assert.equal(
    results[0]?.message,
    'Sheppey Friends must carry up to £3,000, more than 25% of its annual income of £5,000. Pay it sooner, in advance, or without a results-based share.',
  );
});

test('a member whose income is unknown is flagged when it has a gap to carry', () => {
  const [short, paidAhead] = cashGap({
    ...schedule,
    members: [
      { ...member, annualIncomePence: null },
      { ...member, id: 'no-cost', annualIncomePence: null, costPerPeriodPence: 0 },
    ],
  });
  assert.equal(short?.atRisk, true);
  assert.equal(short?.reason, 'income_unknown');
  assert.equal(short?.tier, undefined);
  assert.equal(short?.gapShareOfIncomeBasisPoints, null);
  assert.match(short?.message ?? '', /^Swale Skills must carry up to £3,000, and its income is not known/);
  assert.deepEqual([paidAhead?.peakGapPence, paidAhead?.peakDay, paidAhead?.atRisk], [0, null, false]);
});

test('a member with no income at all cannot carry any gap', () => {
  const result = only(cashGap({ ...schedule, members: [{ ...member, annualIncomePence: 0 }] }));
  assert.deepEqual([result?.tier, result?.gapShareOfIncomeBasisPoints, result?.atRisk], [1, null, true]);
});

test('the hub may set its own share of income', () => {
  assert.equal(only(cashGap(schedule, 4_00))?.atRisk, true);
  assert.equal(only(cashGap(schedule, 5_00))?.atRisk, false);
});

test('costs spread over uneven pence stay whole, and a margin shrinks the gap', () => {
  // £1,000.01 over 30 days is 3,333 or 3,334 pence a day, adding up to exactly 100,001 a period.
  const uneven = only(cashGap({ ...schedule, members: [{ ...member, paymentPerPeriodPence: 1_000_01 }] }));
  assert.equal(uneven?.peakGapPence, 3_000_03);
  assert.ok(Number.isInteger(uneven?.peakGapPence));
  const withMargin = only(cashGap({ ...schedule, members: [{ ...member, costPerPeriodPence: 900_00 }] }));
  // By day 90 it has spent £2,700 and received nothing; by day 120 £3,600 against £1,000 received.
  assert.equal(withMargin?.peakGapPence, 2_700_00);
  assert.equal(withMargin?.peakDay, 90);
});

test('a results share rounds to the nearest penny and the payment still adds up', () => {
  // 33.33% of £1,000.01 is 33,330.33p, so 33,330p waits for results and 66,671p does not.
  const result = only(
    cashGap({
      ...schedule,
      pbrLagDays: 90,
      members: [{ ...member, paymentPerPeriodPence: 1_000_01, pbrBasisPoints: 33_33 }],
    }),
  );
  // Day 180: 6 × 100,001 spent, three cores of 66,671 received.
  assert.equal(result?.peakGapPence, 6 * 1_000_01 - 3 * 66_671);
  assert.equal(result?.peakDay, 180);
});

test('a schedule outside its limits is a mistake in the calling code', () => {
  assert.throws(() => cashGap({ ...schedule, periodDays: 0 }), /periodDays must be a whole number from 1 to 366/);
  assert.throws(() => cashGap({ ...schedule, chainPaymentDays: 30.5 }), /chainPaymentDays/);
  assert.throws(
    () => cashGap({ ...schedule, members: [{ ...member, paymentPerPeriodPence: 10.5 }] }),
    /money must be whole pence/,
  );
  assert.throws(() => cashGap({ ...schedule, members: [{ ...member, pbrBasisPoints: 10_001 }] }), /pbrBasisPoints/);
});
