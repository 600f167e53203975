// Marginal values for the heuristic's search (heuristic.ts): what adding an organisation to a set of members would
// add, ignoring shares, for the greedy start and for the moves of the local search.
import type { Problem } from './problem.ts';

export type GainsContext = { problem: Problem; matrix: Int32Array; flat: Flat };
type Gain = { k: number; gain: number };

/** What each cell is worth now: the best weight among the set, or minus the cost of leaving it uncovered. */
function cellValues({ problem, matrix }: GainsContext, set: readonly number[]): Float64Array {
  const cellCount = problem.cells.length;
  const values = new Float64Array(cellCount).fill(-problem.uncoveredCost);
  for (const k of set)
    for (let c = 0; c < cellCount; c++) {
      const weight = matrix[k * cellCount + c] as number;
      if (weight >= 0 && weight > (values[c] as number)) values[c] = weight;
    }
  return values;
}

export const leadOf = (problem: Problem, set: readonly number[]) =>
  Math.max(-problem.noLeadCost, ...set.map((k) => problem.members[k]?.leadBonus ?? -problem.noLeadCost));

/**
 * The members' cells and weights end to end, member k's from start[k] to start[k + 1], and their lead bonuses
 * (NaN for none): the search reads every member's many times over, and plain arrays read fastest.
 */
export type Flat = { start: Int32Array; cells: Int32Array; weights: Int32Array; lead: Float64Array };

export function flatten(problem: Problem): Flat {
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
export function gains(context: GainsContext, set: readonly number[], count: number): { k: number; gain: number }[] {
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

/** Keeps the best `count` gains offered, in order: larger first, the lower index first on a tie. */
function shortlist(count: number) {
  const best: Gain[] = [];
  return {
    best,
    offer(k: number, gain: number) {
      const last = best[best.length - 1];
      if (best.length === count && last && (gain < last.gain || (gain === last.gain && k > last.k))) return;
      let at = best.length < count ? best.length : count - 1;
      for (; at > 0; at--) {
        const ahead = best[at - 1] as Gain;
        if (ahead.gain > gain || (ahead.gain === gain && ahead.k < k)) break;
        best[at] = ahead;
      }
      best[at] = { k, gain };
    },
  };
}

/**
 * For the local search's moves at once: `add` is gains(set, count), and swap[i] is gains(set without its i-th
 * member, count), the same lists in the same order. Without member m, a cell changes value only where m holds
 * the best weight of the set (the next best then takes over), so one pass over the members' cells gives each
 * one's gain over the set and, for each member of the set, what its leaving would add to that: one pass rather
 * than one for each member of the set.
 */
export function neighbourGains(context: GainsContext, set: readonly number[], count: number) {
  const { problem, flat } = context;
  const cellCount = problem.cells.length;
  const memberCount = problem.members.length;
  const size = set.length;
  const uncovered = -problem.uncoveredCost;
  // Each cell's best weight in the set, which member of the set holds it (the first on a tie), and the best of
  // the others.
  const top = new Float64Array(cellCount).fill(uncovered);
  const holder = new Int32Array(cellCount).fill(-1);
  const second = new Float64Array(cellCount).fill(uncovered);
  set.forEach((k, i) => {
    for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
      const c = flat.cells[at] as number;
      const weight = flat.weights[at] as number;
      if (weight > (top[c] as number)) {
        second[c] = top[c] as number;
        top[c] = weight;
        holder[c] = i;
      } else if (weight > (second[c] as number)) second[c] = weight;
    }
  });
  const inSet = new Uint8Array(memberCount);
  for (const k of set) inSet[k] = 1;
  const leadGain = (k: number, over: number) => {
    const bonus = flat.lead[k] as number;
    return Number.isNaN(bonus) ? 0 : Math.max(0, bonus - over);
  };
  // gain[k] over the whole set, cells only; extra[k·size + i] what it gains more without the i-th member.
  const gain = new Float64Array(memberCount);
  const extra = new Float64Array(memberCount * size);
  for (let k = 0; k < memberCount; k++) {
    if (inSet[k]) continue;
    let sum = 0;
    for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
      const c = flat.cells[at] as number;
      const weight = flat.weights[at] as number;
      const value = top[c] as number;
      if (weight > value) sum += weight - value;
      const i = holder[c] as number;
      if (i >= 0 && weight > (second[c] as number))
        extra[k * size + i] = (extra[k * size + i] as number) + Math.min(weight, value) - (second[c] as number);
    }
    gain[k] = sum;
  }
  const listFor = (over: number, without: number) => {
    const list = shortlist(count);
    for (let k = 0; k < memberCount; k++) {
      if (inSet[k] && k !== set[without]) continue;
      const cells = inSet[k]
        ? ownGain(flat, set, without, top, second, holder)
        : (gain[k] as number) + (without < 0 ? 0 : (extra[k * size + without] as number));
      list.offer(k, cells + leadGain(k, over) - problem.memberCost);
    }
    return list.best;
  };
  return {
    add: listFor(leadOf(problem, set), -1),
    swap: set.map((_, i) =>
      listFor(
        leadOf(
          problem,
          set.filter((_, at) => at !== i),
        ),
        i,
      ),
    ),
  };
}

/** The i-th member's own gain over the rest of the set, cells only: where it holds the best, the next best. */
function ownGain(
  flat: Flat,
  set: readonly number[],
  i: number,
  top: Float64Array,
  second: Float64Array,
  holder: Int32Array,
): number {
  const m = set[i] as number;
  let sum = 0;
  for (let at = flat.start[m] as number; at < (flat.start[m + 1] as number); at++) {
    const c = flat.cells[at] as number;
    const weight = flat.weights[at] as number;
    const value = holder[c] === i ? (second[c] as number) : (top[c] as number);
    if (weight > value) sum += weight - value;
  }
  return sum;
}
