// Suggests a consortium for an opportunity from a pool of organisations, and says why: which cells each member
// takes and why it was chosen, and what the consortium would look like without it.

import { solveExact } from './exact.ts';
import { searchHeuristic } from './heuristic.ts';
import { type Assignment, DEFAULT_OPTIONS, type Opportunity, type Options } from './model.ts';
import { type Evaluation, evaluate, weightMatrix } from './objective.ts';
import type { CandidatePool } from './pool.ts';
import { buildProblem, canReach, outcomesDelivered, type Problem } from './problem.ts';

export type SuggestedMember = {
  id: string;
  name: string;
  role: 'lead' | 'partner';
  cells: { lotId: string; district: string }[];
  valuePence: number;
  sharePercent: number;
  reasons: string[];
};

export type Suggestion = {
  method: 'heuristic' | 'exact';
  /** Proved optimal (exact solve within its time limit). */
  optimal: boolean;
  objective: number;
  members: SuggestedMember[];
  uncovered: { lotId: string; district: string; reason: string }[];
  pruned: Problem['pruned'];
  /** Kept for alternatives. */
  problem: Problem;
  opportunity: Opportunity;
  pool: CandidatePool;
  assignment: Assignment;
  evaluation: Evaluation;
};

export type Method = { method: 'heuristic' } | { method: 'exact'; timeLimitSeconds?: number };

export async function suggestConsortium(
  opportunity: Opportunity,
  pool: CandidatePool,
  options: Options = DEFAULT_OPTIONS,
  how: Method = { method: 'heuristic' },
): Promise<Suggestion> {
  const problem = buildProblem(opportunity, pool, options);
  if (how.method === 'heuristic')
    return describe(opportunity, pool, problem, searchHeuristic(problem).assignment, false);
  // The exact solve starts from a longer search's consortium: the better it is, the more the bound prunes.
  const exact = await solveExact(problem, { timeLimitSeconds: how.timeLimitSeconds });
  return { ...describe(opportunity, pool, problem, exact.assignment, exact.optimal), method: 'exact' };
}

const percent = (part: number, whole: number) => Math.round((1000 * part) / Math.max(1, whole)) / 10;

function describe(
  opportunity: Opportunity,
  pool: CandidatePool,
  problem: Problem,
  assignment: Assignment,
  optimal: boolean,
): Suggestion {
  const evaluation = evaluate(problem, weightMatrix(problem), assignment);
  const outcomes = new Set(opportunity.outcomes);
  const members = evaluation.members.map((k): SuggestedMember => {
    const { candidate } = problem.members[k] as Problem['members'][number];
    const cells = problem.cells.filter((_, c) => assignment.owner[c] === k);
    const valuePence = evaluation.shares.get(k) ?? 0;
    const lots = [...new Set(cells.map((cell) => cell.lotId))];
    const districts = [...new Set(cells.map((cell) => cell.district))];
    const { core, valueAdding } = outcomesDelivered(candidate, outcomes);
    const local = cells.filter((cell) => cell.district === candidate.homeDistrict).length;
    const reasons = [
      `Offers every service needed for ${lots.length === 1 ? 'lot' : 'lots'} ${lots.join(', ')}`,
      `Serves ${districts.join(', ')}`,
      ...(local > 0 ? [`Based locally: ${local} of its ${cells.length} requirements are in its home district`] : []),
      `Readiness ${Math.round(candidate.readiness * 100)}%`,
      ...(core.length > 0 ? [`Delivers required outcomes as core outcomes: ${core.join(', ')}`] : []),
      ...(valueAdding.length > 0 ? [`Adds value on required outcomes: ${valueAdding.join(', ')}`] : []),
      ...(cells.some((cell) => canReach(candidate.tier, opportunity.lots[cell.lot]?.valuePence ?? 0))
        ? [`Its size (tier ${candidate.tier}) suits the value of its lots`]
        : []),
      ...(assignment.lead === k
        ? [
            candidate.leadRating === null
              ? 'Can lead, though it has no lead rating yet'
              : `Rated ${candidate.leadRating} out of 5 as a lead`,
          ]
        : []),
    ];
    return {
      id: candidate.id,
      name: candidate.name,
      role: assignment.lead === k ? 'lead' : 'partner',
      cells: cells.map((cell) => ({ lotId: cell.lotId, district: cell.district })),
      valuePence,
      sharePercent: percent(valuePence, problem.totalValue),
      reasons,
    };
  });
  const unreachable = new Set(problem.uncoverable);
  const uncovered = problem.cells.flatMap((cell, c) =>
    (assignment.owner[c] ?? -1) >= 0
      ? []
      : [
          {
            lotId: cell.lotId,
            district: cell.district,
            reason: unreachable.has(c)
              ? 'No organisation offers every service of this lot in this district'
              : 'No organisation that can deliver it could also take the minimum share within the member limit',
          },
        ],
  );
  return {
    method: 'heuristic',
    optimal,
    objective: evaluation.objective,
    members: members.sort((a, b) => (a.role === b.role ? b.valuePence - a.valuePence : a.role === 'lead' ? -1 : 1)),
    uncovered,
    pruned: problem.pruned,
    problem,
    opportunity,
    pool,
    assignment,
    evaluation,
  };
}

export type Alternative = {
  without: string;
  /** The change in objective if this member were left out; negative when the consortium gets worse. */
  objectiveChange: number;
  added: string[];
  removed: string[];
  /** Requirements no one else could cover. */
  uncoveredChange: number;
};

/** For each member, the best consortium the heuristic finds without it, and how it differs. */
export function alternatives(suggestion: Suggestion): Alternative[] {
  const current = new Set(suggestion.members.map((member) => member.id));
  return suggestion.members.map((member) => {
    const problem = buildProblem(
      suggestion.opportunity,
      suggestion.pool,
      suggestion.problem.options,
      new Set([member.id]),
    );
    const { evaluation } = searchHeuristic(problem);
    const ids = new Set(evaluation.members.map((k) => problem.members[k]?.candidate.id ?? ''));
    return {
      without: member.id,
      objectiveChange: evaluation.objective - suggestion.objective,
      added: [...ids].filter((id) => !current.has(id)),
      removed: [...current].filter((id) => !ids.has(id)),
      uncoveredChange: evaluation.uncovered - suggestion.evaluation.uncovered,
    };
  });
}
