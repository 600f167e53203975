// The vocabularies an organisation profile is described in. Services, activities and beneficiaries are the
// Charity Commission's what/how/who classification (codes from drkane/charity-lookups, ODbL 1.0), with labels
// in plain English.

type Entry = { code: string; label: string };
const entries = (pairs: [string, string][]): readonly Entry[] => pairs.map(([code, label]) => ({ code, label }));

export const LEGAL_FORMS = entries([
  ['charity', 'Registered charity'],
  ['cio', 'Charitable incorporated organisation (CIO)'],
  ['cic', 'Community interest company (CIC)'],
  ['clg', 'Company limited by guarantee'],
  ['unincorporated', 'Unincorporated group'],
]);

/** What the organisation does: Charity Commission classification "what" (101 to 117). */
export const SERVICES = entries([
  ['101', 'General charitable purposes'],
  ['102', 'Education and training'],
  ['103', 'Health and saving lives'],
  ['104', 'Disability'],
  ['105', 'Relief of poverty'],
  ['106', 'Overseas aid and famine relief'],
  ['107', 'Accommodation and housing'],
  ['108', 'Religious activities'],
  ['109', 'Arts, culture, heritage and science'],
  ['110', 'Amateur sport'],
  ['111', 'Animals'],
  ['112', 'Environment and conservation'],
  ['113', 'Economic and community development, employment'],
  ['114', 'Armed forces and emergency services'],
  ['115', 'Human rights, equality and diversity'],
  ['116', 'Recreation'],
  ['117', 'Other charitable purposes'],
]);

/** Who it helps: classification "who" (201 to 207). */
export const BENEFICIARIES = entries([
  ['201', 'Children and young people'],
  ['202', 'Older people'],
  ['203', 'Disabled people'],
  ['204', 'People of a particular ethnic or racial origin'],
  ['205', 'Other charities or voluntary bodies'],
  ['206', 'Other defined groups'],
  ['207', 'The general public'],
]);

/** How it works: classification "how" (301 to 310). */
export const ACTIVITIES = entries([
  ['301', 'Makes grants to individuals'],
  ['302', 'Makes grants to organisations'],
  ['303', 'Provides other finance'],
  ['304', 'Provides people (staff or volunteers)'],
  ['305', 'Provides buildings, facilities or open space'],
  ['306', 'Provides services'],
  ['307', 'Provides advocacy, advice or information'],
  ['308', 'Sponsors or undertakes research'],
  ['309', 'Acts as an umbrella or resource body'],
  ['310', 'Other charitable activities'],
]);

/** Policies a commissioner asks for, and quality marks. */
export const ASSURANCES = entries([
  ['safeguarding', 'Safeguarding policy'],
  ['public_liability', 'Public liability insurance'],
  ['employers_liability', "Employers' liability insurance"],
  ['data_protection', 'Data protection policy (UK GDPR)'],
  ['equality', 'Equality and diversity policy'],
  ['health_safety', 'Health and safety policy'],
  ['trusted_charity', 'Trusted Charity quality mark'],
  ['investing_in_volunteers', 'Investing in Volunteers'],
  ['cyber_essentials', 'Cyber Essentials'],
  ['living_wage', 'Living Wage employer'],
]);

const labelOf = (list: readonly Entry[]) => {
  const map = new Map(list.map((entry) => [entry.code, entry.label]));
  return (code: string) => map.get(code) ?? code;
};
export const legalFormLabel = labelOf(LEGAL_FORMS);
export const serviceLabel = labelOf(SERVICES);
export const beneficiaryLabel = labelOf(BENEFICIARIES);
export const activityLabel = labelOf(ACTIVITIES);
export const assuranceLabel = labelOf(ASSURANCES);
export const codesOf = (list: readonly Entry[]) => list.map((entry) => entry.code) as [string, ...string[]];

/** Words a search should find an organisation by, beyond its name and description: its codes' labels. */
export function searchKeywordsFor(profile: {
  services: string[];
  activities: string[];
  beneficiaries: string[];
}): string {
  return [
    ...profile.services.map(serviceLabel),
    ...profile.activities.map(activityLabel),
    ...profile.beneficiaries.map(beneficiaryLabel),
  ].join(' ');
}
