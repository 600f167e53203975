// The fast path. It searches over sets of members, since once the members are fixed a good assignment is cheap:
// each cell goes to the member with the highest weight on it, the best-rated member who can lead leads, and a
// member short of the minimum share either takes the cells it costs least to move to it, or leaves (its cells
// going to the next best member), whichever scores better. The set is built greedily by marginal value (covering
// a cell first, then weight, lead bonus less the member cost), then improved by dropping, adding and swapping
// members until no move helps. Swaps only try the few organisations that would add most in the leaving
// member's place, which keeps each pass near linear in the size of the pruned pool.
import type { Assignment } from './model.ts';
import { type Evaluation, evaluate, weightMatrix } from './objective.ts';
import type { Problem } from './problem.ts';

const SHORTLIST = 8;
const MAX_PASSES = 50;

type Scored = { set: number[]; assignment: Assignment; evaluation: Evaluation };

export function solveHeuristic(problem: Problem): Assignment {
  return searchHeuristic(problem).assignment;
}

export function searchHeuristic(problem: Problem): Scored {
  const matrix = weightMatrix(problem);
  const context = { problem, matrix, flat: flatten(problem), memo: new Map<string, Scored>() };
  let current = score(context, greedy(context, []));
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = bestNeighbour(context, current);
    if (next.evaluation.total <= current.evaluation.total) break;
    current = next;
  }
  return current;
}

type Context = { problem: Problem; matrix: Int32Array; flat: Flat; memo: Map<string, Scored> };

/** What each cell is worth now: the best weight among the set, or minus the cost of leaving it uncovered. */
function cellValues({ problem, matrix }: Context, set: readonly number[]): Float64Array {
  const cellCount = problem.cells.length;
  const values = new Float64Array(cellCount).fill(-problem.uncoveredCost);
  for (const k of set)
    for (let c = 0; c < cellCount; c++) {
      const weight = matrix[k * cellCount + c] as number;
      if (weight >= 0 && weight > (values[c] as number)) values[c] = weight;
    }
  return values;
}

const leadOf = (problem: Problem, set: readonly number[]) =>
  Math.max(-problem.noLeadCost, ...set.map((k) => problem.members[k]?.leadBonus ?? -problem.noLeadCost));

/**
 * The members' cells and weights end to end, member k's from start[k] to start[k + 1], and their lead bonuses
 * (NaN for none): the search reads every member's many times over, and plain arrays read fastest.
 */
type Flat = { start: Int32Array; cells: Int32Array; weights: Int32Array; lead: Float64Array };

function flatten(problem: Problem): Flat {
  const start = new Int32Array(problem.members.length + 1);
  problem.members.forEach((member, k) => {
    start[k + 1] = (start[k] as number) + member.cells.length;
  });
  const cells = new Int32Array(start[problem.members.length] as number);
  const weights = new Int32Array(cells.length);
  problem.members.forEach((member, k) => {
    cells.set(member.cells, start[k]);
    weights.set(member.weights, start[k]);
  });
  const lead = Float64Array.from(problem.members, (member) => member.leadBonus ?? Number.NaN);
  return { start, cells, weights, lead };
}

/** The `count` members with the most marginal value over the set, ignoring shares; best first. */
function gains(context: Context, set: readonly number[], count: number): { k: number; gain: number }[] {
  const { problem, flat } = context;
  const values = cellValues(context, set);
  const lead = leadOf(problem, set);
  const inSet = new Uint8Array(problem.members.length);
  for (const k of set) inSet[k] = 1;
  // Only the best few are wanted, so they are kept in order as found rather than sorting them all.
  const best: { k: number; gain: number }[] = [];
  const { start, cells, weights } = flat;
  for (let k = 0; k < problem.members.length; k++) {
    if (inSet[k]) continue;
    const bonus = flat.lead[k] as number;
    let gain = Math.max(0, (Number.isNaN(bonus) ? lead : bonus) - lead) - problem.memberCost;
    for (let at = start[k] as number; at < (start[k + 1] as number); at++) {
      const weight = weights[at] as number;
      const value = values[cells[at] as number] as number;
      if (weight > value) gain += weight - value;
    }
    // Ties go to the lower k, which comes first here, so a later one must be strictly better to pass it.
    if (best.length === count && gain <= (best[count - 1] as { gain: number }).gain) continue;
    let at = best.length < count ? best.length : count - 1;
    while (at > 0 && (best[at - 1] as { gain: number }).gain < gain) {
      best[at] = best[at - 1] as { k: number; gain: number };
      at--;
    }
    best[at] = { k, gain };
  }
  return best;
}

function greedy(context: Context, start: number[]): number[] {
  const set = [...start];
  while (set.length < context.problem.options.maxMembers) {
    const [best] = gains(context, set, 1);
    if (!best || best.gain <= 0) break;
    set.push(best.k);
  }
  return set;
}

function bestNeighbour(context: Context, current: Scored): Scored {
  const { problem } = context;
  const set = current.set;
  let best = current;
  const consider = (candidate: number[]) => {
    const scored = score(context, candidate);
    if (scored.evaluation.total > best.evaluation.total) best = scored;
  };
  for (const m of set) consider(set.filter((k) => k !== m));
  if (set.length < problem.options.maxMembers)
    for (const { k } of gains(context, set, SHORTLIST)) consider([...set, k]);
  for (const m of set) {
    const rest = set.filter((k) => k !== m);
    for (const { k } of gains(context, rest, SHORTLIST)) consider([...rest, k]);
  }
  return best;
}

/** The assignment for a set of members, repaired until every member has the minimum share. */
function score(context: Context, set: number[]): Scored {
  const key = [...set].sort((a, b) => a - b).join(',');
  const known = context.memo.get(key);
  if (known) return known;
  const { problem, matrix } = context;
  const cellCount = problem.cells.length;
  const value = (c: number) => problem.cells[c]?.valuePence ?? 0;
  const members = [...set];
  const owner = new Int32Array(cellCount).fill(-1);
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
  };
  for (let c = 0; c < cellCount; c++) assignBest(c);
  const shareOf = (k: number) => {
    let share = 0;
    for (let c = 0; c < cellCount; c++) if (owner[c] === k) share += value(c);
    return share;
  };
  const minimum = problem.minShareValue - 1e-9;
  for (;;) {
    const short = members
      .map((k) => ({ k, share: shareOf(k) }))
      .filter(({ share }) => share < minimum)
      .sort((a, b) => a.share - b.share)[0];
    if (!short) break;
    const m = short.k;
    // Leaving: its cells go to the best of the others.
    let leaveChange = problem.memberCost;
    for (let c = 0; c < cellCount; c++) {
      if (owner[c] !== m) continue;
      let next = -problem.uncoveredCost;
      for (const k of members) {
        const weight = matrix[k * cellCount + c] as number;
        if (k !== m && weight >= 0 && weight > next) next = weight;
      }
      leaveChange += next - (matrix[m * cellCount + c] as number);
    }
    // Filling: take the cells it costs least to move, from members who keep their minimum share.
    const shares = new Map(members.map((k) => [k, shareOf(k)]));
    const moves: { c: number; loss: number }[] = [];
    for (let c = 0; c < cellCount; c++) {
      const weight = matrix[m * cellCount + c] as number;
      const from = owner[c] as number;
      if (weight < 0 || from === m) continue;
      const lost = from < 0 ? -problem.uncoveredCost : (matrix[from * cellCount + c] as number);
      moves.push({ c, loss: (lost - weight) / Math.max(1, value(c)) });
    }
    moves.sort((a, b) => a.loss - b.loss);
    let share = short.share;
    let fillChange = 0;
    const taken: number[] = [];
    for (const { c } of moves) {
      if (share >= minimum) break;
      const from = owner[c] as number;
      if (from >= 0 && (shares.get(from) ?? 0) - value(c) < minimum) continue;
      if (from >= 0) shares.set(from, (shares.get(from) ?? 0) - value(c));
      share += value(c);
      fillChange +=
        (matrix[m * cellCount + c] as number) -
        (from < 0 ? -problem.uncoveredCost : (matrix[from * cellCount + c] as number));
      taken.push(c);
    }
    if (share >= minimum && fillChange >= leaveChange) for (const c of taken) owner[c] = m;
    else {
      members.splice(members.indexOf(m), 1);
      for (let c = 0; c < cellCount; c++) if (owner[c] === m) assignBest(c);
    }
  }
  let lead = -1;
  for (const k of members) {
    const bonus = problem.members[k]?.leadBonus;
    if (bonus !== null && bonus !== undefined && (lead < 0 || bonus > (problem.members[lead]?.leadBonus ?? 0)))
      lead = k;
  }
  const assignment = { owner, lead };
  const scored = { set: members, assignment, evaluation: evaluate(problem, matrix, assignment) };
  context.memo.set(key, scored);
  return scored;
}
