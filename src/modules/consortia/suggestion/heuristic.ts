// The fast path. It searches over sets of members, since once the members are fixed a good assignment is cheap:
// each cell goes to the member with the highest weight on it, the best-rated member who can lead leads, and a
// member short of the minimum share either takes the cells it costs least to move to it, or leaves (its cells
// going to the next best member), whichever scores better. The set is built greedily by marginal value (covering
// a cell first, then weight, lead bonus less the member cost), then improved by dropping, adding and swapping
// members until no move helps. Swaps only try the few organisations that would add most in the leaving
// member's place, which keeps each pass near linear in the size of the pruned pool. The whole search runs again
// from each of a few strong organisations as the first member, and the best consortium found wins.

import { flatten, type GainsContext, gainsAlone, greedy, neighbourGains } from './gains.ts';
import type { Assignment } from './model.ts';
import { type Evaluation, evaluate, weightMatrix } from './objective.ts';
import type { Problem } from './problem.ts';

const SHORTLIST = 8;
const MAX_PASSES = 50;
/**
 * Local search from the greedy set alone stops at times at a local optimum a few per cent short of the best;
 * starting again from each of the next organisations worth most on their own finds better ones. The greedy set
 * already starts with the one worth most, so the starts are the second, third and so on. On fifty generated
 * twenty-lot opportunities, against the best of fifteen starts: 99.2% on average from the greedy set alone (98.7%
 * at 12,000 organisations), 99.7% with two more starts, 99.8% with three, each extra start costing about a
 * sixth more time. The quick suggestion tries two; the exact solve, which prunes by how good its starting
 * consortium is, tries more.
 */
export const QUICK_STARTS = 2;
export const THOROUGH_STARTS = 15;

/** A set scored: the members left after repair, and the set as first scored, from which its assignment is made. */
type Scored = { set: number[]; input: readonly number[]; total: number };
type Found = { assignment: Assignment; evaluation: Evaluation };

/** The best consortium found from the greedy set and from each of `starts` strong first members after the strongest. */
export function searchHeuristic(problem: Problem, { starts = QUICK_STARTS } = {}): Found {
  const matrix = weightMatrix(problem);
  const context: Context = {
    problem,
    matrix,
    flat: flatten(problem),
    memo: new Map(),
    cellValue: Float64Array.from(problem.cells, (cell) => cell.valuePence),
    coverable: coverableCells(problem),
    someCanLead: problem.members.some((member) => member.leadBonus !== null),
    share: new Float64Array(problem.members.length),
    owned: new Uint8Array(problem.members.length),
    ownerWeight: new Float64Array(problem.cells.length),
    loss: new Float64Array(problem.cells.length),
    owner: new Int32Array(problem.cells.length),
    trialShare: new Float64Array(problem.members.length),
  };
  const alone = gainsAlone(context);
  let best = localSearch(context, [], alone);
  const strongest = Int32Array.from(alone.keys()).sort((a, b) => (alone[b] as number) - (alone[a] as number) || a - b);
  for (const k of strongest.subarray(1, 1 + starts)) {
    const found = localSearch(context, [k], alone);
    if (found.total > best.total) best = found;
  }
  // Only the best set's assignment is kept: made again here, as it was when the set was scored.
  const owner = new Int32Array(problem.cells.length);
  const assignment = { owner, lead: assign(context, best.input, owner).lead };
  return { assignment, evaluation: evaluate(problem, matrix, assignment) };
}

/** 1 for each cell counted as uncovered when no member takes it, as evaluate counts them. */
function coverableCells(problem: Problem): Uint8Array {
  const coverable = new Uint8Array(problem.cells.length).fill(1);
  for (const c of problem.uncoverable) coverable[c] = 0;
  return coverable;
}

/** Greedy from the members given, then the best move (drop, add or swap a member) while one helps. */
function localSearch(context: Context, first: number[], alone: Float64Array): Scored {
  let current = score(context, greedy(context, first, alone));
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = bestNeighbour(context, current);
    if (next.total <= current.total) break;
    current = next;
  }
  return current;
}

type Context = GainsContext & {
  memo: Map<string, Scored>;
  cellValue: Float64Array;
  coverable: Uint8Array;
  someCanLead: boolean;
  /** Scratch, by member: its share while a set is scored, and whether it owns a cell while one is totalled. */
  share: Float64Array;
  owned: Uint8Array;
  /** Scratch, by cell: the weight of its owner while a set is scored, and what moving it costs. */
  ownerWeight: Float64Array;
  loss: Float64Array;
  /** Scratch, by cell: its owner while a set is scored; by member: its share while a repair is tried. */
  owner: Int32Array;
  trialShare: Float64Array;
};

function bestNeighbour(context: Context, current: Scored): Scored {
  const { problem } = context;
  const set = current.set;
  let best = current;
  const consider = (candidate: number[]) => {
    const scored = score(context, candidate);
    if (scored.total > best.total) best = scored;
  };
  for (const m of set) consider(set.filter((k) => k !== m));
  const { add, swap } = neighbourGains(context, set, SHORTLIST);
  if (set.length < problem.options.maxMembers) for (const { k } of add) consider([...set, k]);
  set.forEach((m, at) => {
    const rest = set.filter((k) => k !== m);
    for (const { k } of swap[at] ?? []) consider([...rest, k]);
  });
  return best;
}

/** The total of a set of members once assigned (see assign), worked out once for each set. */
function score(context: Context, set: readonly number[]): Scored {
  const key = [...set].sort((a, b) => a - b).join(',');
  const known = context.memo.get(key);
  if (known) return known;
  const { members, lead } = assign(context, set, context.owner);
  const scored = { set: members, input: set, total: totalOf(context, context.owner, lead) };
  context.memo.set(key, scored);
  return scored;
}

/**
 * Assigns the cells to a set of members in `owner`, repaired until every member has the minimum share; returns
 * the members left and the lead.
 */
function assign(context: Context, set: readonly number[], owner: Int32Array): { members: number[]; lead: number } {
  const { problem, matrix, cellValue, share, flat } = context;
  const { start, cells } = flat;
  const cellCount = problem.cells.length;
  const members = [...set];
  owner.fill(-1);
  // Each cell to the member with the highest weight on it, the first in the set on a tie; by members' own
  // cells, since each can deliver only a part of the cells.
  const ownerWeight = context.ownerWeight.fill(-1);
  for (const k of members) {
    share[k] = 0;
    for (let at = start[k] as number; at < (start[k + 1] as number); at++) {
      const c = cells[at] as number;
      const weight = flat.weights[at] as number;
      if (weight > (ownerWeight[c] as number)) {
        owner[c] = k;
        ownerWeight[c] = weight;
      }
    }
  }
  for (let c = 0; c < cellCount; c++) {
    const k = owner[c] as number;
    if (k >= 0) share[k] = (share[k] as number) + (cellValue[c] as number);
  }
  const assignBest = (c: number) => {
    let best = -1;
    let bestWeight = -1;
    for (const k of members) {
      const weight = matrix[k * cellCount + c] as number;
      if (weight > bestWeight) {
        best = k;
        bestWeight = weight;
      }
    }
    owner[c] = best;
    if (best >= 0) share[best] = (share[best] as number) + (cellValue[c] as number);
  };
  const minimum = problem.minShareValue - 1e-9;
  const weightOf = (k: number, c: number) => (k < 0 ? -problem.uncoveredCost : (matrix[k * cellCount + c] as number));
  for (;;) {
    let m = -1;
    for (const k of members)
      if ((share[k] as number) < minimum && (m < 0 || (share[k] as number) < (share[m] as number))) m = k;
    if (m < 0) break;
    const first = start[m] as number;
    const end = start[m + 1] as number;
    // Leaving: its cells go to the best of the others.
    let leaveChange = problem.memberCost;
    for (let at = first; at < end; at++) {
      const c = cells[at] as number;
      if (owner[c] !== m) continue;
      let next = -problem.uncoveredCost;
      for (const k of members) {
        const weight = matrix[k * cellCount + c] as number;
        if (k !== m && weight >= 0 && weight > next) next = weight;
      }
      leaveChange += next - (flat.weights[at] as number);
    }
    // Filling: take the cells it costs least to move (per pound), from members who keep their minimum share.
    const moves: number[] = [];
    const loss = context.loss;
    for (let at = first; at < end; at++) {
      const c = cells[at] as number;
      if (owner[c] === m) continue;
      loss[c] = (weightOf(owner[c] as number, c) - (flat.weights[at] as number)) / Math.max(1, cellValue[c] as number);
      moves.push(c);
    }
    // Each member's share as it would be after the moves taken so far.
    const shares = context.trialShare;
    for (const k of members) shares[k] = share[k] as number;
    let filled = share[m] as number;
    let fillChange = 0;
    const taken: number[] = [];
    // Cheapest first (by loss, then cell), picked one at a time rather than sorted: a few are usually enough.
    for (let left = moves.length; filled < minimum && left > 0; ) {
      let pick = 0;
      for (let at = 1; at < left; at++) {
        const a = loss[moves[at] as number] as number;
        const b = loss[moves[pick] as number] as number;
        if (a < b || (a === b && (moves[at] as number) < (moves[pick] as number))) pick = at;
      }
      const c = moves[pick] as number;
      moves[pick] = moves[--left] as number;
      const from = owner[c] as number;
      const value = cellValue[c] as number;
      if (from >= 0 && (shares[from] as number) - value < minimum) continue;
      if (from >= 0) shares[from] = (shares[from] as number) - value;
      filled += value;
      fillChange += (matrix[m * cellCount + c] as number) - weightOf(from, c);
      taken.push(c);
    }
    if (filled >= minimum && fillChange >= leaveChange)
      for (const c of taken) {
        const from = owner[c] as number;
        if (from >= 0) share[from] = (share[from] as number) - (cellValue[c] as number);
        share[m] = (share[m] as number) + (cellValue[c] as number);
        owner[c] = m;
      }
    else {
      members.splice(members.indexOf(m), 1);
      for (let at = first; at < end; at++) if (owner[cells[at] as number] === m) assignBest(cells[at] as number);
    }
  }
  let lead = -1;
  for (const k of members) {
    const bonus = problem.members[k]?.leadBonus;
    if (bonus !== null && bonus !== undefined && (lead < 0 || bonus > (problem.members[lead]?.leadBonus ?? 0)))
      lead = k;
  }
  return { members, lead };
}

/** evaluate's total, worked out without its checks and shares: the search compares thousands of these. */
function totalOf({ problem, matrix, coverable, someCanLead, owned }: Context, owner: Int32Array, lead: number) {
  const cellCount = problem.cells.length;
  let total = 0;
  let members = 0;
  for (let c = 0; c < cellCount; c++) {
    const k = owner[c] as number;
    if (k < 0) {
      if (coverable[c]) total -= problem.uncoveredCost;
      continue;
    }
    total += matrix[k * cellCount + c] as number;
    if (owned[k] === 0) members++;
    owned[k] = 1;
  }
  if (lead >= 0) {
    total += problem.members[lead]?.leadBonus ?? 0;
    if (owned[lead] === 0) members++;
  } else if (someCanLead) total -= problem.noLeadCost;
  for (let c = 0; c < cellCount; c++) if ((owner[c] as number) >= 0) owned[owner[c] as number] = 0;
  return total - problem.memberCost * members;
}
