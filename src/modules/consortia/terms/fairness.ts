import type { Tier } from '../../organisations/tiers.ts';
import { type FairTerms, REFERRAL_ALLOCATION_LABELS, type ReferralAllocation } from './terms.ts';

// The terms the hub treats as fair to small members. Each default carries the reason shown beside it on the page,
// so a member reading a flag can see why it matters; the hub may change the values, the reasons stay with them.

export type FairnessDefault<Value> = { value: Value; rationale: string };

export type FairnessDefaults = {
  maxPaymentDays: FairnessDefault<number>;
  maxManagementFeeBasisPoints: FairnessDefault<number>;
  tiersWithoutPbrRisk: FairnessDefault<readonly Tier[]>;
  unfairReferralAllocations: FairnessDefault<readonly ReferralAllocation[]>;
  minExitNoticeDays: FairnessDefault<number>;
  maxCashGapShareOfIncomeBasisPoints: FairnessDefault<number>;
};

export const FAIRNESS_DEFAULTS: FairnessDefaults = {
  maxPaymentDays: {
    value: 30,
    rationale:
      'Regulation 113 of the Public Contracts Regulations 2015 requires public bodies to pay valid, undisputed ' +
      'invoices within 30 days, and every public contract to pass the same 30-day term down to subcontractors at ' +
      'every level of the supply chain. The Procurement Act 2023 keeps it for contracts procured under the Act ' +
      '(sections 68 and 73). A lead that takes longer is holding money its members have already spent on delivery.',
  },
  maxManagementFeeBasisPoints: {
    value: 15_00,
    rationale:
      'A lead earns a fee for managing the contract, reporting and checking quality. Above about 15% the fee ' +
      'takes money members need to deliver the service, and the smallest members, who have least power to ' +
      'negotiate, feel it first.',
  },
  tiersWithoutPbrRisk: {
    value: [1, 2, 3],
    rationale:
      'Volunteer-led groups, one-staff groups and micro-organisations have little or no reserves. If part of ' +
      'their payment depends on results, they pay for the delivery now and wait months to learn whether they ' +
      'will be paid for it: one missed target can close them. That risk belongs with members that can carry it.',
  },
  unfairReferralAllocations: {
    value: ['lead_discretion'],
    rationale:
      'The strategic paper on Kent and Medway’s third sector cites the London Work Programme, where prime ' +
      'contractors creamed off the easiest clients and parked the hardest cases with small frontline members, ' +
      'who were left with the costliest work and the worst results. A written rule for allocating referrals, ' +
      'not the lead’s choice case by case, stops this.',
  },
  minExitNoticeDays: {
    value: 90,
    rationale:
      'A member that leaves, or is asked to leave, needs time to hand its clients over safely, find other work ' +
      'for its staff or give them notice, and be paid for the work it has done. Three months is the least that ' +
      'allows this for a small organisation.',
  },
  maxCashGapShareOfIncomeBasisPoints: {
    value: 25_00,
    rationale:
      'A cash gap above a quarter of a year’s income is more than three months of the member’s whole turnover, ' +
      'more than most small organisations hold in free reserves. A member asked to carry it must borrow, use ' +
      'money given for other work, or stop delivering.',
  },
};

export type FlagCode =
  | 'payment_days_too_long'
  | 'management_fee_too_high'
  | 'pbr_risk_to_small_member'
  | 'pbr_risk_tier_unknown'
  | 'unfair_referral_allocation'
  | 'exit_notice_too_short';

export type FairnessFlag = {
  code: FlagCode;
  /** A risk puts small members in danger; a warning is worth raising before anyone signs. */
  severity: 'risk' | 'warning';
  memberId?: string;
  message: string;
  rationale: string;
};

export type ConsortiumMember = { id: string; name: string; tier: Tier | null | undefined };

const percent = (basisPoints: number) => `${(basisPoints / 100).toLocaleString('en-GB')}%`;
const dayCount = (days: number) => (days === 1 ? '1 day' : `${days} days`);

/** What in these terms puts small members at risk, judged against the hub's defaults, in the order of the form. */
export function flagTerms(
  terms: FairTerms,
  members: readonly ConsortiumMember[],
  defaults: FairnessDefaults = FAIRNESS_DEFAULTS,
): FairnessFlag[] {
  const flags: FairnessFlag[] = [];
  const { maxPaymentDays, maxManagementFeeBasisPoints, tiersWithoutPbrRisk, unfairReferralAllocations } = defaults;

  if (terms.maxPaymentDays > maxPaymentDays.value) {
    flags.push({
      code: 'payment_days_too_long',
      severity: 'risk',
      message:
        `Members may wait up to ${dayCount(terms.maxPaymentDays)} to be paid. ` +
        `Agree to pay them within ${dayCount(maxPaymentDays.value)} of the lead being paid.`,
      rationale: maxPaymentDays.rationale,
    });
  }

  if (terms.managementFeeBasisPoints > maxManagementFeeBasisPoints.value) {
    flags.push({
      code: 'management_fee_too_high',
      severity: 'warning',
      message:
        `The lead’s management fee of ${percent(terms.managementFeeBasisPoints)} is above ` +
        `${percent(maxManagementFeeBasisPoints.value)}. Agree what the fee pays for, or lower it.`,
      rationale: maxManagementFeeBasisPoints.rationale,
    });
  }

  if (unfairReferralAllocations.value.includes(terms.referralAllocation)) {
    const { label } = REFERRAL_ALLOCATION_LABELS[terms.referralAllocation];
    flags.push({
      code: 'unfair_referral_allocation',
      severity: 'risk',
      message:
        `Referrals are allocated by the rule “${label}”, which lets the lead keep the easier clients. ` +
        'Agree a written rule: in turn, the client chooses, or matched to need.',
      rationale: unfairReferralAllocations.rationale,
    });
  }

  flags.push(...pbrFlags(terms, members, tiersWithoutPbrRisk));

  if (terms.exitNoticeDays < defaults.minExitNoticeDays.value) {
    flags.push({
      code: 'exit_notice_too_short',
      severity: 'warning',
      message:
        `The exit notice of ${dayCount(terms.exitNoticeDays)} is shorter than ` +
        `${dayCount(defaults.minExitNoticeDays.value)}. Agree a longer notice so clients can be handed over safely.`,
      rationale: defaults.minExitNoticeDays.rationale,
    });
  }

  return flags;
}

// Only members with a share above zero are at risk; a share for someone not in the consortium is not this rule's
// business (the form only offers current members).
function pbrFlags(
  terms: FairTerms,
  members: readonly ConsortiumMember[],
  protectedTiers: FairnessDefault<readonly Tier[]>,
): FairnessFlag[] {
  const shares = new Map(terms.pbrShares.map((share) => [share.memberId, share.atRiskBasisPoints]));
  return members.flatMap((member): FairnessFlag[] => {
    const atRisk = shares.get(member.id) ?? 0;
    if (atRisk === 0) return [];
    if (member.tier === null || member.tier === undefined) {
      return [
        {
          code: 'pbr_risk_tier_unknown',
          severity: 'warning',
          memberId: member.id,
          message:
            `${percent(atRisk)} of the payment to ${member.name} depends on results, and its income is not known, ` +
            'so it may be too small to carry that risk. Ask it to add its latest annual income.',
          rationale: protectedTiers.rationale,
        },
      ];
    }
    if (!protectedTiers.value.includes(member.tier)) return [];
    return [
      {
        code: 'pbr_risk_to_small_member',
        severity: 'risk',
        memberId: member.id,
        message:
          `${percent(atRisk)} of the payment to ${member.name} depends on results, but it is a tier ${member.tier} ` +
          'organisation. Pay it in full for the work it delivers and let larger members carry the results risk.',
        rationale: protectedTiers.rationale,
      },
    ];
  });
}
