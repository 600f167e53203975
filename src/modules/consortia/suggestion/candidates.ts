import { findWard } from '../../geography/geography.ts';
import { ASSURANCES } from '../../organisations/catalogue.ts';
import type { Tier } from '../../organisations/tiers.ts';

// How a directory profile becomes what the suggestion weighs: readiness, home district and whether it can lead.
// The directory has no bid-readiness score of its own, so it is read from what a buyer checks first: a profile
// the hub has verified, the policies and insurance a contract asks for, and a quality mark. The page states
// these rules, so they are kept here in words as well as in code.

/** The policies and insurance almost every contract asks for: a tenth of readiness each. */
export const ESSENTIALS = [
  'safeguarding',
  'public_liability',
  'employers_liability',
  'data_protection',
  'equality',
  'health_safety',
] as const;
/** Any one of these adds a tenth: an outside body has checked how the organisation is run. */
export const QUALITY_MARKS = ['trusted_charity', 'investing_in_volunteers', 'cyber_essentials', 'living_wage'] as const;
const VERIFIED_SHARE = 0.3;

const LEAD_MIN_TIER: Tier = 3;
const LEAD_MIN_READINESS = 0.5;

const labelOf = (code: string) => ASSURANCES.find((assurance) => assurance.code === code)?.label ?? code;

export const RULES = {
  readiness: `Readiness counts 30% for a profile the hub has verified, 10% for each of ${ESSENTIALS.map(labelOf)
    .join(', ')
    .toLowerCase()}, and 10% for any of ${QUALITY_MARKS.map(labelOf).join(', ')}.`,
  lead: `An organisation can lead when its income puts it in tier ${LEAD_MIN_TIER} or above (£10,000 a year or more) and its readiness is at least ${LEAD_MIN_READINESS * 100}%: a lead carries the contract and pays its members.`,
  local:
    'An organisation is local in the district where most of the wards it works in are, or, when it names no wards, in the only district it serves.',
};

/** 0 to 1, in tenths: see RULES.readiness. */
export function readinessOf(profile: { verified: boolean; assurances: readonly string[] }) {
  const held = new Set(profile.assurances);
  const essentials = ESSENTIALS.filter((code) => held.has(code)).length;
  const marked = QUALITY_MARKS.some((code) => held.has(code));
  return Math.round((profile.verified ? VERIFIED_SHARE : 0) * 10 + essentials + (marked ? 1 : 0)) / 10;
}

/** See RULES.local; undefined when neither tells. Ties go to the district named first among those served. */
export function homeDistrictOf(profile: { districts: readonly string[]; wards: readonly string[] }) {
  const counts = new Map<string, number>();
  for (const code of profile.wards) {
    const district = findWard(code)?.districtCode;
    if (district) counts.set(district, (counts.get(district) ?? 0) + 1);
  }
  if (counts.size === 0) return profile.districts.length === 1 ? profile.districts[0] : undefined;
  const best = Math.max(...counts.values());
  const tied = [...counts].filter(([, count]) => count === best).map(([district]) => district);
  return profile.districts.find((district) => tied.includes(district)) ?? tied[0];
}

/** See RULES.lead. */
export const canLeadWith = (tier: Tier | null, readiness: number) =>
  tier !== null && tier >= LEAD_MIN_TIER && readiness >= LEAD_MIN_READINESS;
