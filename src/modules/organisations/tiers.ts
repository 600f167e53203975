// The five tiers of the strategic paper, from latest annual income. A boundary belongs to the higher tier.
// The database derives the same tier in a generated column (migration 0002); tiers.test.ts keeps them equal.

export type Tier = 1 | 2 | 3 | 4 | 5;

export const TIERS: readonly { tier: Tier; fromPence: number; label: string; risk: string; atRisk: boolean }[] = [
  { tier: 1, fromPence: 0, label: 'Volunteer-led (under £1,000)', risk: 'No risk flag', atRisk: false },
  {
    tier: 2,
    fromPence: 1_000_00,
    label: 'One-staff group (£1,000 to £10,000)',
    risk: 'At risk: grant and donation dependent',
    atRisk: true,
  },
  {
    tier: 3,
    fromPence: 10_000_00,
    label: 'Micro-organisation (£10,000 to £25,000)',
    risk: 'At risk: grant and SLA dependent',
    atRisk: true,
  },
  {
    tier: 4,
    fromPence: 25_000_00,
    label: 'Social SME (£25,000 to £500,000)',
    risk: 'At risk: grant, SLA and tender income',
    atRisk: true,
  },
  {
    tier: 5,
    fromPence: 500_000_00,
    label: 'Large venture or national charity (£500,000 or more)',
    risk: 'At risk, resilient through diversification',
    atRisk: false,
  },
];

/** The tier for an income in pence; undefined when the income is not known. */
export function tierForIncome(incomePence: number | null | undefined): Tier | undefined {
  if (incomePence === null || incomePence === undefined || incomePence < 0) return undefined;
  return [...TIERS].reverse().find((tier) => incomePence >= tier.fromPence)?.tier;
}

export const AT_RISK_TIERS: readonly Tier[] = TIERS.filter((tier) => tier.atRisk).map((tier) => tier.tier);
export const tierInfo = (tier: number | null | undefined) => TIERS.find((entry) => entry.tier === tier);
