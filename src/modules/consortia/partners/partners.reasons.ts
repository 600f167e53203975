import { formatPounds } from '../../../platform/money.ts';
import { districtName } from '../../geography/geography.ts';
import { VALUE_REACH_PENCE } from '../../matching/value-reach.ts';
import { assuranceLabel, serviceLabel } from '../../organisations/catalogue.ts';
import { tierInfo } from '../../organisations/tiers.ts';
import { ESSENTIALS, QUALITY_MARKS } from '../suggestion/candidates.ts';
import { inWords } from './partners.page.ts';
import type { PartnerMatch } from './partners.ranking.ts';

/** Why a partner was suggested, in words, in the order the score weighs it, speaking to the requester. */
export function reasonsFor(
  match: PartnerMatch,
  context: { valuePence: number | null; outcomeTitle: (code: string) => string },
) {
  const reasons: string[] = [];
  if (match.services_lacking.length)
    reasons.push(`Offers ${inWords(match.services_lacking.map(serviceLabel))}, which you lack`);
  if (match.districts_lacking.length)
    reasons.push(`Serves ${inWords(match.districts_lacking.map(districtName))}, which you do not cover`);
  const outcomes = (codes: string[]) => inWords(codes.map((code) => `“${context.outcomeTitle(code)}”`));
  if (match.core_outcomes_lacking.length)
    reasons.push(`Delivers ${outcomes(match.core_outcomes_lacking)} as core impact, which you do not`);
  if (match.value_adding_outcomes_lacking.length)
    reasons.push(`Adds value to ${outcomes(match.value_adding_outcomes_lacking)}, which you do not deliver as core`);
  reasons.push(readinessReason(match));
  reasons.push(tierReason(match, context.valuePence));
  return reasons;
}

function readinessReason(match: PartnerMatch) {
  const held = [...ESSENTIALS, ...QUALITY_MARKS].filter(
    (code) => match.essentials.includes(code) || match.quality_marks.includes(code),
  );
  const grounds = [...(match.verified ? ['a profile verified by the hub'] : []), ...held.map(assuranceLabel)];
  return `Ready to bid: ${match.readiness_tenths * 10}%${grounds.length ? ` (${inWords(grounds)})` : ''}`;
}

function tierReason(match: PartnerMatch, valuePence: number | null) {
  const tier = tierInfo(match.tier);
  if (!tier) return 'Tier not known: it has not given its income';
  const name = `Tier ${tier.tier}, ${tier.label.charAt(0).toLowerCase()}${tier.label.slice(1)}`;
  const reach = VALUE_REACH_PENCE[tier.tier];
  if (match.value_fit === 'within') return `${name}: could take on a lot of this value (${formatPounds(valuePence)})`;
  if (match.value_fit === 'beyond')
    return `${name}: a lot of ${formatPounds(valuePence)} is more than it usually takes on (up to ${formatPounds(reach)}), though it could deliver part of one`;
  return name;
}
