import { type CashflowSchedule, cashGap, type MemberCashGap } from '../terms/index.ts';
import type { LatestTerms, MemberWork, PaymentSchedule, PeriodLength } from './cashflow.repository.ts';

// From the contract's payment schedule, the latest fair terms and the allocation to the cash gap each member
// must carry: the contract is shared out by the work allocated, each member is paid per period down the chain
// within the agreed payment days, and spends what it is paid evenly over each period (it delivers at cost).

/** A month is counted as 30 days and a quarter as 91, so that every period has a whole number of days. */
export const PERIOD_DAYS: Record<PeriodLength, number> = { monthly: 30, quarterly: 91 };

export type MemberShare = { organisationId: string; sharePence: number; shareBasisPoints: number };

/**
 * Shares the contract value out among the members in proportion to the value of the cells each delivers, or,
 * when none of the allocated lots has a value, to the number of cells. The shares add up to the contract value
 * exactly: pence left over by rounding down go to the largest remainders.
 */
export function shareContract(
  contractPence: number,
  members: readonly Pick<MemberWork, 'organisation_id' | 'cells' | 'value_pence'>[],
) {
  const byValue = members.some((member) => member.value_pence > 0);
  const weights = members.map((member) => BigInt(byValue ? Math.round(member.value_pence) : member.cells));
  const total = weights.reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n) return { byValue, shares: [] as MemberShare[] };
  const contract = BigInt(contractPence);
  const exact = weights.map((weight) => ({
    whole: (contract * weight) / total,
    remainder: (contract * weight) % total,
  }));
  let leftOver = contract - exact.reduce((sum, part) => sum + part.whole, 0n);
  const order = exact
    .map((_, index) => index)
    .sort((a, b) => Number((exact[b]?.remainder ?? 0n) - (exact[a]?.remainder ?? 0n)) || a - b);
  for (const index of order) {
    if (leftOver === 0n) break;
    const part = exact[index];
    if (part && part.remainder > 0n) {
      part.whole += 1n;
      leftOver -= 1n;
    }
  }
  const shares = members.map((member, index) => {
    const sharePence = Number(exact[index]?.whole ?? 0n);
    return {
      organisationId: member.organisation_id,
      sharePence,
      shareBasisPoints: Number((BigInt(sharePence) * 10_000n + contract / 2n) / contract),
    };
  });
  return { byValue, shares };
}

/** A per-period payment in whole pence, halves up. */
const perPeriod = (pence: number, periods: number) =>
  Number((BigInt(pence) * 2n + BigInt(periods)) / (2n * BigInt(periods)));

export type MemberCheck = MemberCashGap & { role: MemberWork['role']; incomePrivate: boolean } & MemberShare;

/**
 * Each member's cash gap. The lead carries the buyer's results-based share on its own work; each other member
 * carries the share the terms put at risk for it, paid with the buyer's results lag, and waits the agreed
 * payment days for the rest.
 */
export function checkCashflow(
  schedule: Pick<
    PaymentSchedule,
    | 'contract_value_pence'
    | 'periods'
    | 'period_length'
    | 'buyer_payment_days'
    | 'results_basis_points'
    | 'results_lag_days'
  >,
  terms: Pick<LatestTerms, 'maxPaymentDays' | 'pbrShares'>,
  members: readonly MemberWork[],
  maxShareOfIncomeBasisPoints: number,
): { byValue: boolean; members: MemberCheck[] } | undefined {
  const { byValue, shares } = shareContract(schedule.contract_value_pence, members);
  if (shares.length === 0) return undefined;
  const atRisk = new Map(terms.pbrShares.map((share) => [share.memberId, share.atRiskBasisPoints]));
  const model: CashflowSchedule = {
    periodDays: PERIOD_DAYS[schedule.period_length],
    periods: schedule.periods,
    buyerPaymentDays: schedule.buyer_payment_days,
    pbrLagDays: schedule.results_lag_days,
    chainPaymentDays: terms.maxPaymentDays,
    members: members.map((member, index) => ({
      id: member.organisation_id,
      name: member.name,
      annualIncomePence: member.income_pence,
      isLead: member.role === 'lead',
      paymentPerPeriodPence: perPeriod(shares[index]?.sharePence ?? 0, schedule.periods),
      pbrBasisPoints:
        member.role === 'lead' ? schedule.results_basis_points : (atRisk.get(member.organisation_id) ?? 0),
    })),
  };
  const gaps = cashGap(model, maxShareOfIncomeBasisPoints);
  return {
    byValue,
    members: gaps.map((gap, index) => ({
      ...gap,
      ...(shares[index] as MemberShare),
      role: members[index]?.role ?? 'subcontractor',
      incomePrivate: members[index]?.income_private ?? false,
    })),
  };
}
