import { z } from 'zod';
import type { SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { list } from '../../platform/form-fields.ts';
import { TIERS, type Tier } from '../organisations/tiers.ts';
import { FAIRNESS_DEFAULTS, type FairnessDefaults, percentToBasisPoints, REFERRAL_ALLOCATIONS } from './terms/index.ts';

// The hub's own values for the fair-terms defaults (migration 0023). The reasons shown beside each stay the
// built-in ones: a hub changes where the line is, not why there is a line.

export type FairnessValues = {
  maxPaymentDays: number;
  maxManagementFeeBasisPoints: number;
  tiersWithoutPbrRisk: Tier[];
  unfairReferralAllocations: (typeof REFERRAL_ALLOCATIONS)[number][];
  minExitNoticeDays: number;
  maxCashGapShareOfIncomeBasisPoints: number;
};

const days = (label: string) =>
  z
    .string({ error: `Enter ${label} in days` })
    .trim()
    .regex(/^\d{1,3}$/, { error: `${label} must be a whole number of days from 0 to 365, like 30` })
    .transform(Number)
    .refine((value) => value <= 365, { error: `${label} must be a whole number of days from 0 to 365, like 30` });
const percentage = (label: string) =>
  z.string({ error: `Enter ${label} as a percentage` }).transform((value, context) => {
    const basisPoints = percentToBasisPoints(value);
    if (basisPoints === undefined) {
      context.addIssue({
        code: 'custom',
        message: `${label} must be a percentage from 0 to 100, with at most 2 decimal places, like 15`,
      });
      return z.NEVER;
    }
    return basisPoints;
  });

export const fairnessSettingsSchema = z.object({
  maxPaymentDays: days('The longest payment time'),
  maxManagementFeePercent: percentage('The highest management fee'),
  tiersWithoutPbrRisk: list(z.enum(['1', '2', '3', '4', '5'], { error: 'Choose tiers from the list' })).transform(
    (tiers) => [...new Set(tiers.map(Number) as Tier[])].sort(),
  ),
  unfairReferralAllocations: list(z.enum(REFERRAL_ALLOCATIONS, { error: 'Choose rules from the list' })),
  minExitNoticeDays: days('The shortest exit notice'),
  maxCashGapPercent: percentage('The largest cash gap'),
});

const valuesOf = (defaults: FairnessDefaults): FairnessValues => ({
  maxPaymentDays: defaults.maxPaymentDays.value,
  maxManagementFeeBasisPoints: defaults.maxManagementFeeBasisPoints.value,
  tiersWithoutPbrRisk: [...defaults.tiersWithoutPbrRisk.value],
  unfairReferralAllocations: [...defaults.unfairReferralAllocations.value],
  minExitNoticeDays: defaults.minExitNoticeDays.value,
  maxCashGapShareOfIncomeBasisPoints: defaults.maxCashGapShareOfIncomeBasisPoints.value,
});

/** The defaults in force: the hub's values with the built-in reasons. */
export async function currentFairnessDefaults(sql: SqlRunner): Promise<FairnessDefaults> {
  const [row] = await sql.query<{ settings: Partial<FairnessValues> }>('SELECT settings FROM fairness_settings');
  const values = { ...valuesOf(FAIRNESS_DEFAULTS), ...row?.settings };
  const d = FAIRNESS_DEFAULTS;
  return {
    maxPaymentDays: { ...d.maxPaymentDays, value: values.maxPaymentDays },
    maxManagementFeeBasisPoints: { ...d.maxManagementFeeBasisPoints, value: values.maxManagementFeeBasisPoints },
    tiersWithoutPbrRisk: { ...d.tiersWithoutPbrRisk, value: values.tiersWithoutPbrRisk },
    unfairReferralAllocations: { ...d.unfairReferralAllocations, value: values.unfairReferralAllocations },
    minExitNoticeDays: { ...d.minExitNoticeDays, value: values.minExitNoticeDays },
    maxCashGapShareOfIncomeBasisPoints: {
      ...d.maxCashGapShareOfIncomeBasisPoints,
      value: values.maxCashGapShareOfIncomeBasisPoints,
    },
  };
}

export async function saveFairnessValues(
  sql: SqlRunner,
  input: z.output<typeof fairnessSettingsSchema>,
  actor: { userId: string; ip: string },
) {
  const values: FairnessValues = {
    maxPaymentDays: input.maxPaymentDays,
    maxManagementFeeBasisPoints: input.maxManagementFeePercent,
    tiersWithoutPbrRisk: input.tiersWithoutPbrRisk,
    unfairReferralAllocations: input.unfairReferralAllocations,
    minExitNoticeDays: input.minExitNoticeDays,
    maxCashGapShareOfIncomeBasisPoints: input.maxCashGapPercent,
  };
  const before = valuesOf(await currentFairnessDefaults(sql));
  await sql.query(
    `INSERT INTO fairness_settings (settings, updated_by) VALUES ($1, $2)
     ON CONFLICT (singleton) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by,
       updated_at = now()`,
    [JSON.stringify(values), actor.userId],
  );
  await recordAuditSql(sql, {
    actorUserId: actor.userId,
    action: 'consortia.fairness-defaults',
    subjectType: 'fairness_settings',
    details: { before, after: values },
    ip: actor.ip,
  });
}

/** The form's fields as the page shows them, from the defaults in force. */
export const formValuesOf = (defaults: FairnessDefaults) => ({
  maxPaymentDays: String(defaults.maxPaymentDays.value),
  maxManagementFeePercent: String(defaults.maxManagementFeeBasisPoints.value / 100),
  tiersWithoutPbrRisk: defaults.tiersWithoutPbrRisk.value.map(String),
  unfairReferralAllocations: [...defaults.unfairReferralAllocations.value],
  minExitNoticeDays: String(defaults.minExitNoticeDays.value),
  maxCashGapPercent: String(defaults.maxCashGapShareOfIncomeBasisPoints.value / 100),
});

export const TIER_OPTIONS = TIERS.map(({ tier, label }) => ({ value: String(tier), text: `Tier ${tier}: ${label}` }));
