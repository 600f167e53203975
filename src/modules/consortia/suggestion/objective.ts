import type { Assignment } from './model.ts';
import type { Problem } from './problem.ts';

/** A member's weight on each cell, -1 where it cannot deliver: rows of problem.members by cells. */
export function weightMatrix(problem: Problem): Int32Array {
  const cellCount = problem.cells.length;
  const matrix = new Int32Array(problem.members.length * cellCount).fill(-1);
  problem.members.forEach((member, k) => {
    member.cells.forEach((c, at) => {
      matrix[k * cellCount + c] = member.weights[at] as number;
    });
  });
  return matrix;
}

export type Evaluation = {
  /** Weights plus lead bonus less member costs: the figure both solvers maximise once coverage is settled. */
  objective: number;
  /** Objective less the costs of uncovered cells and a missing lead: what the solvers compare. */
  total: number;
  members: number[];
  /** Cells left uncovered that some organisation in the pool could deliver. */
  uncovered: number;
  hasLead: boolean;
  feasible: boolean;
  shares: Map<number, number>;
};

/** Scores an assignment and checks it: shares, lead among members, and the member limit. */
export function evaluate(problem: Problem, matrix: Int32Array, assignment: Assignment): Evaluation {
  const cellCount = problem.cells.length;
  const shares = new Map<number, number>();
  let weights = 0;
  let uncovered = 0;
  let valid = true;
  const undeliverable = new Set(problem.uncoverable);
  for (let c = 0; c < cellCount; c++) {
    const owner = assignment.owner[c] as number;
    if (owner < 0) {
      if (!undeliverable.has(c)) uncovered++;
      continue;
    }
    const weight = matrix[owner * cellCount + c] as number;
    if (weight < 0) valid = false;
    weights += weight;
    shares.set(owner, (shares.get(owner) ?? 0) + (problem.cells[c]?.valuePence ?? 0));
  }
  const lead = assignment.lead;
  const leadBonus = lead >= 0 ? problem.members[lead]?.leadBonus : undefined;
  if (lead >= 0 && (leadBonus === null || leadBonus === undefined)) valid = false;
  if (lead >= 0 && !shares.has(lead)) shares.set(lead, 0);
  const members = [...shares.keys()];
  const sharesHold = [...shares.values()].every((share) => share >= problem.minShareValue - 1e-9);
  const someCanLead = problem.members.some((member) => member.leadBonus !== null);
  const objective = weights + (leadBonus ?? 0) - problem.memberCost * members.length;
  return {
    objective,
    total: objective - problem.uncoveredCost * uncovered - (lead < 0 && someCanLead ? problem.noLeadCost : 0),
    members,
    uncovered,
    hasLead: lead >= 0,
    feasible: valid && sharesHold && members.length <= problem.options.maxMembers,
    shares,
  };
}
