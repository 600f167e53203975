import { formatPounds } from '../../../platform/money.ts';
import { type Tier, tierForIncome } from '../../organisations/tiers.ts';
import { FAIRNESS_DEFAULTS } from './fairness.ts';

// How much cash each member must find before the contract pays it back. The model, day by day from the start of
// the contract:
// - the buyer pays the lead for each period in arrears, `buyerPaymentDays` after the period ends;
// - the results-based share of each payment (`pbrBasisPoints`) is paid `pbrLagDays` after the rest of it;
// - the lead passes each member its money `chainPaymentDays` after receiving it (the agreed payment days), and
//   keeps its own share as soon as it is paid;
// - a member spends its delivery cost for a period evenly over that period's days.
// Money due on a day is counted from the next day: a payment "within 30 days" may arrive at the close of the
// 30th day, after that day's wages and bills. The gap is what the member has spent minus what it has received;
// its peak is the working capital the member must already hold.

export type CashflowMember = {
  id: string;
  name: string;
  annualIncomePence: number | null;
  isLead?: boolean;
  /** What the member is due for each period's delivery, after any management fee. */
  paymentPerPeriodPence: number;
  /** What delivering a period costs the member; when not given, the member delivers at cost. */
  costPerPeriodPence?: number;
  /** The share of each payment that is paid only on results, in basis points (20% is 2000). */
  pbrBasisPoints?: number;
};

export type CashflowSchedule = {
  periodDays: number;
  periods: number;
  buyerPaymentDays: number;
  pbrLagDays: number;
  chainPaymentDays: number;
  members: readonly CashflowMember[];
};

export type MemberCashGap = {
  memberId: string;
  name: string;
  annualIncomePence: number | null;
  tier: Tier | undefined;
  peakGapPence: number;
  /** The first day, counted from 1 at the start of the contract, that the gap reaches its peak; null if never short. */
  peakDay: number | null;
  /** The peak as a share of annual income, rounded down; null when the income is unknown or nil. */
  gapShareOfIncomeBasisPoints: number | null;
  atRisk: boolean;
  reason: 'gap_above_share_of_income' | 'income_unknown' | null;
  message: string | null;
};

const BASIS_POINTS = 100_00;

/**
 * Each member's peak cash gap, against its income and tier. A member is at risk when the gap is more than
 * `maxShareOfIncomeBasisPoints` of its annual income (by default a quarter: about three months of income), or
 * when it has a gap and its income is unknown, since nothing then shows it can carry one.
 */
export function cashGap(
  schedule: CashflowSchedule,
  maxShareOfIncomeBasisPoints = FAIRNESS_DEFAULTS.maxCashGapShareOfIncomeBasisPoints.value,
): MemberCashGap[] {
  checkSchedule(schedule);
  return schedule.members.map((member) => {
    const { peakGapPence, peakDay } = peakGap(schedule, member);
    return judge(member, peakGapPence, peakDay, maxShareOfIncomeBasisPoints);
  });
}

function peakGap(schedule: CashflowSchedule, member: CashflowMember) {
  const { periodDays, periods, buyerPaymentDays, pbrLagDays } = schedule;
  const chainDays = member.isLead ? 0 : schedule.chainPaymentDays;
  const cost = member.costPerPeriodPence ?? member.paymentPerPeriodPence;
  const resultsPart = shareOf(member.paymentPerPeriodPence, member.pbrBasisPoints ?? 0);
  const lastDay = periods * periodDays + buyerPaymentDays + pbrLagDays + chainDays;
  const receipts = new Array<number>(lastDay + 1).fill(0);
  for (let period = 1; period <= periods; period++) {
    const paidOn = period * periodDays + buyerPaymentDays + chainDays;
    receipts[paidOn] = (receipts[paidOn] ?? 0) + member.paymentPerPeriodPence - resultsPart;
    receipts[paidOn + pbrLagDays] = (receipts[paidOn + pbrLagDays] ?? 0) + resultsPart;
  }
  const dailyCosts = spreadOverDays(cost, periodDays);
  let gap = 0;
  let peakGapPence = 0;
  let peakDay: number | null = null;
  for (let day = 1; day <= lastDay; day++) {
    if (day <= periods * periodDays) gap += dailyCosts[(day - 1) % periodDays] ?? 0;
    if (gap > peakGapPence) {
      peakGapPence = gap;
      peakDay = day;
    }
    gap -= receipts[day] ?? 0;
  }
  return { peakGapPence, peakDay };
}

// A period's cost spread over its days in whole pence: each day pays what brings the running total to its due
// proportion, so the days add up to the period's cost exactly.
function spreadOverDays(costPerPeriod: number, periodDays: number): number[] {
  const dueBy = (day: number) => Number((BigInt(costPerPeriod) * BigInt(day)) / BigInt(periodDays));
  return Array.from({ length: periodDays }, (_, index) => dueBy(index + 1) - dueBy(index));
}

/** A share of an amount in pence, to the nearest penny (halves up), without floating-point error. */
function shareOf(pence: number, basisPoints: number): number {
  return Number((BigInt(pence) * BigInt(basisPoints) + BigInt(BASIS_POINTS / 2)) / BigInt(BASIS_POINTS));
}

function judge(
  member: CashflowMember,
  peakGapPence: number,
  peakDay: number | null,
  maxShareBasisPoints: number,
): MemberCashGap {
  const income = member.annualIncomePence;
  const result = {
    memberId: member.id,
    name: member.name,
    annualIncomePence: income,
    tier: tierForIncome(income),
    peakGapPence,
    peakDay,
    gapShareOfIncomeBasisPoints: income ? Number((BigInt(peakGapPence) * BigInt(BASIS_POINTS)) / BigInt(income)) : null,
  };
  const gap = formatPounds(peakGapPence);
  if (income === null) {
    return peakGapPence > 0
      ? {
          ...result,
          atRisk: true,
          reason: 'income_unknown',
          message: `${member.name} must carry up to ${gap}, and its income is not known, so nothing shows it can. Ask it to add its latest annual income.`,
        }
      : { ...result, atRisk: false, reason: null, message: null };
  }
  // Compared in whole numbers: gap / income > share / 10,000.
  if (BigInt(peakGapPence) * BigInt(BASIS_POINTS) > BigInt(maxShareBasisPoints) * BigInt(income)) {
    return {
      ...result,
      atRisk: true,
      reason: 'gap_above_share_of_income',
      message:
        `${member.name} must carry up to ${gap}, more than ${maxShareBasisPoints / 100}% of its annual income of ` +
        `${formatPounds(income)}. Pay it sooner, in advance, or without a results-based share.`,
    };
  }
  return { ...result, atRisk: false, reason: null, message: null };
}

const LIMITS = {
  periodDays: [1, 366],
  periods: [1, 600],
  buyerPaymentDays: [0, 365],
  pbrLagDays: [0, 730],
  chainPaymentDays: [0, 365],
} as const;

// The schedule comes from validated terms and contract records, so a bad one is a mistake in the code calling this.
function checkSchedule(schedule: CashflowSchedule): void {
  for (const [field, [min, max]] of Object.entries(LIMITS)) {
    const value = schedule[field as keyof typeof LIMITS];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`${field} must be a whole number from ${min} to ${max}, not ${value}`);
    }
  }
  for (const member of schedule.members) {
    const amounts = [member.paymentPerPeriodPence, member.costPerPeriodPence ?? 0, member.annualIncomePence ?? 0];
    if (!amounts.every((pence) => Number.isSafeInteger(pence) && pence >= 0)) {
      throw new RangeError(`${member.name}: money must be whole pence of zero or more`);
    }
    const pbr = member.pbrBasisPoints ?? 0;
    if (!Number.isInteger(pbr) || pbr < 0 || pbr > BASIS_POINTS) {
      throw new RangeError(`${member.name}: pbrBasisPoints must be a whole number from 0 to 10000, not ${pbr}`);
    }
  }
}
