import { formatPounds } from '../../platform/money.ts';
import { districtName } from '../geography/geography.ts';
import { SERVICES } from '../organisations/catalogue.ts';
import { tierInfo } from '../organisations/tiers.ts';
import type { Match } from './matching.repository.ts';
import { VALUE_REACH_PENCE } from './value-reach.ts';

const serviceLabel = (code: string) => SERVICES.find((service) => service.code === code)?.label ?? code;

/** The reasons for a match, in words, in the order the score weighs them. */
export function reasonsFor(
  match: Match,
  context: {
    tier: number | null;
    valuePence: number | null;
    reserved: boolean;
    suitable: boolean;
    outcomeTitle?: (code: string) => string;
  },
) {
  const reasons: string[] = [];
  const outcomeTitle = context.outcomeTitle ?? ((code: string) => code);
  if (match.services_in_common.length)
    reasons.push(`Services in common: ${match.services_in_common.map(serviceLabel).join(', ')}`);
  if (match.core_outcomes_in_common.length)
    reasons.push(`Core impact on outcomes asked for: ${match.core_outcomes_in_common.map(outcomeTitle).join(', ')}`);
  if (match.value_adding_outcomes_in_common.length)
    reasons.push(
      `Adds value to outcomes asked for: ${match.value_adding_outcomes_in_common.map(outcomeTitle).join(', ')}`,
    );
  reasons.push(
    match.districts_in_common.length
      ? `Areas in common: ${match.districts_in_common.map(districtName).join(', ')}`
      : 'Covers all of Kent and Medway',
  );
  const tier = tierInfo(context.tier);
  const reach = tier ? VALUE_REACH_PENCE[tier.tier] : null;
  if (match.value_fit === 'within')
    reasons.push(
      reach === null
        ? `Value ${formatPounds(context.valuePence)} suits a tier ${tier?.tier} organisation`
        : `Value ${formatPounds(context.valuePence)} is within reach of tier ${tier?.tier} (up to ${formatPounds(reach)})`,
    );
  if (match.value_fit === 'beyond')
    reasons.push(
      `Value ${formatPounds(context.valuePence)} is out of reach for tier ${tier?.tier} (up to ${formatPounds(reach)})`,
    );
  if (context.reserved) reasons.push('Reserved for VCSEs');
  else if (context.suitable) reasons.push('Suitable for VCSEs');
  return reasons;
}
