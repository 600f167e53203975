import { formatPounds } from '../../../platform/money.ts';
import type { Actor } from '../consortia.service.ts';
import type { MemberCheck } from './cashflow.check.ts';
import type { cashflowService } from './cashflow.service.ts';

// What the cash-flow page shows. Gaps are told against income as a percentage; a member that keeps its income
// private has that percentage shown to its own people only, since with the gap it would give the income away.

const ROLE_LABELS = { lead: 'Lead', partner: 'Partner', subcontractor: 'Subcontractor' } as const;
const percent = (basisPoints: number) => `${(basisPoints / 100).toLocaleString('en-GB')}%`;

function reasonFor(member: MemberCheck, maxShareBasisPoints: number) {
  if (member.reason === 'income_unknown')
    return 'Its income is not known, so nothing shows it can carry the gap. Ask it to add its latest annual income to its profile.';
  if (member.reason === 'gap_above_share_of_income')
    return `The gap is more than ${percent(maxShareBasisPoints)} of its annual income. Pay it sooner, in advance, or without a results-based share.`;
  return '';
}

export function cashflowPage(check: Awaited<ReturnType<ReturnType<typeof cashflowService>['check']>>, actor: Actor) {
  const { schedule, terms, result, maxShareOfIncomeBasisPoints } = check;
  return {
    title: `Cash flow check: ${check.consortium.name}`,
    consortium: check.consortium,
    access: check.access,
    allocated: check.allocated,
    maxShare: percent(maxShareOfIncomeBasisPoints),
    schedule: schedule && {
      ...schedule,
      contractValue: formatPounds(schedule.contract_value_pence),
      results: percent(schedule.results_basis_points),
    },
    terms,
    byValue: result?.byValue ?? true,
    atRisk: result?.members.filter((member) => member.atRisk).length ?? 0,
    members: (result?.members ?? []).map((member) => {
      const ownIncome = actor.organisationIds.includes(member.organisationId);
      return {
        name: member.name,
        role: ROLE_LABELS[member.role],
        share: `${percent(member.shareBasisPoints)} (${formatPounds(member.sharePence)})`,
        peakGap: formatPounds(member.peakGapPence),
        peakDay: member.peakDay === null ? 'Never short' : `Day ${member.peakDay}`,
        gapShare:
          member.incomePrivate && !ownIncome
            ? 'Income kept private'
            : member.gapShareOfIncomeBasisPoints === null
              ? 'Income not known'
              : percent(member.gapShareOfIncomeBasisPoints),
        tier: member.tier ? `Tier ${member.tier}` : 'Not known',
        atRisk: member.atRisk,
        reason: reasonFor(member, maxShareOfIncomeBasisPoints),
      };
    }),
  };
}
