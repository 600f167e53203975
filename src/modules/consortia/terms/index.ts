// The fair-terms agreement of a consortium, the checks that protect its small members, and each member's cash gap.

export {
  type CashflowMember,
  type CashflowSchedule,
  cashGap,
  type MemberCashGap,
} from './cashflow.ts';
export {
  type ConsortiumMember,
  FAIRNESS_DEFAULTS,
  type FairnessDefault,
  type FairnessDefaults,
  type FairnessFlag,
  type FlagCode,
  flagTerms,
} from './fairness.ts';
export {
  type FairTerms,
  type FairTermsInput,
  fairTermsSchema,
  type PbrShare,
  percentToBasisPoints,
  REFERRAL_ALLOCATION_LABELS,
  REFERRAL_ALLOCATIONS,
  type ReferralAllocation,
  termsFormValues,
} from './terms.ts';
