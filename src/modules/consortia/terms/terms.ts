import { z } from 'zod';

// The fair-terms agreement of a consortium: what the lead promises its members about payment, fees, referrals,
// results-based risk and leaving. Numbers arrive as typed in a form (strings) or as numbers from code; fees and
// shares are kept as whole basis points (12.5% is 1250) so that no float reaches a sum of money.

export const REFERRAL_ALLOCATIONS = ['rotation', 'client_choice', 'needs_based_matching', 'lead_discretion'] as const;
export type ReferralAllocation = (typeof REFERRAL_ALLOCATIONS)[number];

export const REFERRAL_ALLOCATION_LABELS: Record<ReferralAllocation, { label: string; hint: string }> = {
  rotation: {
    label: 'In turn',
    hint: 'Referrals go to each member in an agreed order, so every member gets its share of easy and hard cases.',
  },
  client_choice: {
    label: 'The client chooses',
    hint: 'Each person is told what every member offers and chooses who supports them.',
  },
  needs_based_matching: {
    label: 'Matched to need',
    hint: 'An agreed, written assessment sends each person to the member best placed to meet their needs.',
  },
  lead_discretion: {
    label: 'The lead decides',
    hint: 'The lead chooses who gets each referral. This lets a lead keep the easier clients and pass on the hardest.',
  },
};

const MAX_TEXT = 5000;
const PERCENT = /^(\d{1,3})(\.\d{1,2})?\s*%?$/;

/** "12.5", "12.50%" or 12.5 → 1250 basis points; undefined unless it is a percentage from 0 to 100. */
export function percentToBasisPoints(value: string | number): number | undefined {
  const match = PERCENT.exec(String(value).trim());
  if (!match) return undefined;
  const whole = Number(match[1]);
  const hundredths = match[2] ? Number(match[2].slice(1).padEnd(2, '0')) : 0;
  const basisPoints = whole * 100 + hundredths;
  return basisPoints <= 100_00 ? basisPoints : undefined;
}

const percentage = (missing: string, invalid: string) =>
  z.union([z.string(), z.number()], { error: missing }).transform((value, context) => {
    if (String(value).trim() === '') {
      context.addIssue({ code: 'custom', message: missing });
      return z.NEVER;
    }
    const basisPoints = percentToBasisPoints(value);
    if (basisPoints === undefined) {
      context.addIssue({ code: 'custom', message: invalid });
      return z.NEVER;
    }
    return basisPoints;
  });

const days = (missing: string, invalid: string) =>
  z.union([z.string(), z.number()], { error: missing }).transform((value, context) => {
    const text = String(value).trim();
    if (text === '') {
      context.addIssue({ code: 'custom', message: missing });
      return z.NEVER;
    }
    const number = Number(text);
    if (!/^\d{1,3}$/.test(text) || number > 365) {
      context.addIssue({ code: 'custom', message: invalid });
      return z.NEVER;
    }
    return number;
  });

const text = (missing: string, tooLong: string) =>
  z.string({ error: missing }).trim().min(1, missing).max(MAX_TEXT, tooLong);

const pbrShareSchema = z
  .object({
    memberId: z.uuid({ error: 'Choose a member of the consortium for each payment-by-results share' }),
    percent: percentage(
      'Enter the share of the member’s payment that depends on results, or 0 if none does',
      'Payment-by-results share must be a percentage from 0 to 100, with at most 2 decimal places, like 20',
    ),
  })
  .transform(({ memberId, percent }) => ({ memberId, atRiskBasisPoints: percent }));

export const fairTermsSchema = z
  .object({
    maxPaymentDays: days(
      'Enter the longest time, in days, the lead may take to pay members',
      'Payment time must be a whole number of days from 0 to 365, like 30',
    ),
    managementFeePercent: percentage(
      'Enter the lead’s management fee as a percentage, or 0 if there is none',
      'Management fee must be a percentage from 0 to 100, with at most 2 decimal places, like 12.5',
    ),
    referralAllocation: z.enum(REFERRAL_ALLOCATIONS, { error: 'Choose how referrals and clients are allocated' }),
    pbrShares: z
      .array(pbrShareSchema, { error: 'Enter a payment-by-results share for each member' })
      .refine((shares) => new Set(shares.map((share) => share.memberId)).size === shares.length, {
        error: 'Give each member only one payment-by-results share',
      }),
    riskSharing: text(
      'Describe how risk and payment by results are shared between members',
      'How risk is shared must be 5,000 characters or fewer',
    ),
    exitNoticeDays: days(
      'Enter the notice, in days, a member or the lead must give to leave',
      'Exit notice must be a whole number of days from 0 to 365, like 90',
    ),
    exitTerms: text('Describe the exit terms', 'Exit terms must be 5,000 characters or fewer'),
  })
  .transform(({ managementFeePercent, ...terms }) => ({ ...terms, managementFeeBasisPoints: managementFeePercent }));

export type FairTermsInput = z.input<typeof fairTermsSchema>;
export type FairTerms = z.output<typeof fairTermsSchema>;
export type PbrShare = FairTerms['pbrShares'][number];

const basisPointsToPercent = (basisPoints: number) => String(basisPoints / 100);

/** The form's fields for terms already recorded, so that a new version starts from the one in force. */
export function termsFormValues(terms: FairTerms): Record<string, string> {
  return {
    maxPaymentDays: String(terms.maxPaymentDays),
    managementFeePercent: basisPointsToPercent(terms.managementFeeBasisPoints),
    referralAllocation: terms.referralAllocation,
    riskSharing: terms.riskSharing,
    exitNoticeDays: String(terms.exitNoticeDays),
    exitTerms: terms.exitTerms,
    ...Object.fromEntries(
      terms.pbrShares.map((share) => [`pbr-${share.memberId}`, basisPointsToPercent(share.atRiskBasisPoints)]),
    ),
  };
}
