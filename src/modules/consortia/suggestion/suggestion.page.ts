import { formatPounds } from '../../../platform/money.ts';
import { districtName } from '../../geography/geography.ts';
import { serviceLabel } from '../../organisations/catalogue.ts';
import { RULES } from './candidates.ts';
import type { Solved } from './solve.ts';
import { EXACT_TIME_LIMIT_SECONDS } from './suggestion.schema.ts';
import type { suggestionService } from './suggestion.service.ts';

// What the suggestion page shows. The solver names districts and outcomes by their codes; people read names.

type Result = Awaited<ReturnType<ReturnType<typeof suggestionService>['suggest']>>;

const DISTRICT_CODE = /\b[EW]0\d{7}\b/g;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Rewrites codes in the solver's sentences as names: districts always, outcomes by the titles given. */
function plainWords(outcomeTitles: ReadonlyMap<string, string>) {
  const codes = [...outcomeTitles.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const outcome = codes.length > 0 ? new RegExp(`(?<![\\w.-])(${codes.join('|')})(?![\\w.])`, 'g') : undefined;
  return (text: string) => {
    const named = text.replace(DISTRICT_CODE, (code) => districtName(code));
    return outcome ? named.replace(outcome, (code) => outcomeTitles.get(code) ?? code) : named;
  };
}

/** Each requirement lot a member takes, with the districts it takes it in. */
function covers(cells: readonly { lotId: string; district: string }[]) {
  const byLot = new Map<string, string[]>();
  for (const cell of cells) byLot.set(cell.lotId, [...(byLot.get(cell.lotId) ?? []), districtName(cell.district)]);
  return [...byLot].map(([lot, districts]) => `${lot}: ${districts.join(', ')}`);
}

const plural = (count: number, one: string, many: string) =>
  `${count.toLocaleString('en-GB')} ${count === 1 ? one : many}`;

function changeOf(change: number, objective: number) {
  const percent = Math.round((100 * change) / Math.max(1, Math.abs(objective)));
  if (percent === 0) return 'About the same';
  return percent < 0 ? `${-percent}% lower` : `${percent}% higher`;
}

function methodOf(solved: Solved) {
  const took =
    solved.milliseconds < 1000
      ? 'under a second'
      : `${(solved.milliseconds / 1000).toLocaleString('en-GB', { maximumFractionDigits: 1 })} seconds`;
  if (solved.method === 'heuristic')
    return `A quick search found this consortium in ${took}. Ask for the best possible consortium to have the exact solver check for a stronger one.`;
  if (solved.optimal)
    return `The exact solver proved in ${took} that no consortium scores higher under these settings.`;
  return `The exact solver stopped at its ${EXACT_TIME_LIMIT_SECONDS} second limit before proving this the best: it is the strongest it found, and at least as strong as the quick suggestion.`;
}

function presentSolved(
  solved: Solved,
  names: ReadonlyMap<string, string>,
  words: (text: string) => string,
  valued: boolean,
) {
  const nameOf = (id: string) => names.get(id) ?? 'An organisation';
  const { noCells, belowShare, dominated } = solved.pruned;
  return {
    method: solved.method,
    optimal: solved.optimal,
    methodText: methodOf(solved),
    pruned: { belowShare, dominated, noCells },
    members: solved.members.map((member) => ({
      id: member.id,
      name: member.name,
      role: member.role === 'lead' ? 'Lead' : 'Partner',
      covers: covers(member.cells),
      share: `${member.sharePercent.toLocaleString('en-GB')}%`,
      value: valued ? formatPounds(member.valuePence) : '',
      reasons: member.reasons.map(words),
    })),
    uncovered: solved.uncovered.map((cell) => ({
      requirement: cell.lotId,
      district: districtName(cell.district),
      reason: cell.reason,
    })),
    alternatives: solved.alternatives.map((alternative) => {
      const others = alternative.removed.filter((id) => id !== alternative.without);
      return {
        without: nameOf(alternative.without),
        replacedBy: alternative.added.map(nameOf),
        alsoDrops: others.map(nameOf),
        score: changeOf(alternative.objectiveChange, solved.objective),
        coverage:
          alternative.uncoveredChange > 0
            ? `${plural(alternative.uncoveredChange, 'more requirement', 'more requirements')} left uncovered`
            : alternative.uncoveredChange < 0
              ? `${plural(-alternative.uncoveredChange, 'fewer requirement', 'fewer requirements')} left uncovered`
              : 'Same requirements covered',
      };
    }),
  };
}

export function suggestionPage(result: Result) {
  const { opportunity, requirements } = result;
  const lots = requirements.opportunity.lots;
  const valued = lots.some((lot) => lot.valuePence > 0);
  const words = plainWords(new Map(result.outcomes.map((outcome) => [outcome.code, outcome.title])));
  return {
    title: `Suggested consortium: ${opportunity.title}`,
    opportunity: { id: opportunity.id, title: opportunity.title, status: opportunity.status },
    isBuyer: result.isBuyer,
    canForm: result.canForm && opportunity.status === 'published',
    services: opportunity.services.map(serviceLabel),
    outcomes: result.outcomes.map((outcome) => outcome.title),
    requirementCount: plural(
      lots.reduce((sum, lot) => sum + lot.districts.length, 0),
      'requirement',
      'requirements',
    ),
    lots: lots.map((lot) => ({
      name: lot.id,
      districts: lot.districts.map(districtName).join(', '),
      value: valued ? formatPounds(lot.valuePence) : 'Not given',
    })),
    rules: RULES,
    considered: plural(result.considered, 'organisation', 'organisations'),
    result: result.solved && presentSolved(result.solved, result.names, words, valued),
  };
}
