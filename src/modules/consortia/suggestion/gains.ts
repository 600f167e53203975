// Marginal values for the heuristic's search (heuristic.ts): what adding an organisation to a set of members would
// add, ignoring shares, for the greedy start and for the moves of the local search. Both are worked out faster
// than one pass over every member for each set, and the tests check them against that plain definition.
import type { Problem } from './problem.ts';

export type GainsContext = { problem: Problem; matrix: Int32Array; flat: Flat };
type Gain = { k: number; gain: number };

/** What each cell is worth now: the best weight among the set, or minus the cost of leaving it uncovered. */
export function cellValues({ problem, matrix }: GainsContext, set: readonly number[]): Float64Array {
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
  const { top, holder, second, inSet, gain, extra } = scratchFor(flat, cellCount, memberCount * size);
  // Each cell's best weight in the set, which member of the set holds it (the first on a tie), and the best of
  // the others.
  top.fill(uncovered);
  holder.fill(-1);
  second.fill(uncovered);
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
  inSet.fill(0);
  for (const k of set) inSet[k] = 1;
  // gain[k] over the whole set, cells only (written for each member not in it); extra[k·size + i] what it gains
  // more without the i-th member.
  extra.fill(0, 0, memberCount * size);
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
      list.offer(k, cells + leadGain(flat, k, over) - problem.memberCost);
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

type Scratch = {
  top: Float64Array;
  holder: Int32Array;
  second: Float64Array;
  inSet: Uint8Array;
  gain: Float64Array;
  extra: Float64Array;
};
const scratches = new WeakMap<Flat, Scratch>();

/**
 * neighbourGains' arrays, made once for a problem (its members flattened) and reused by every move of its
 * search: a search makes dozens of moves, and arrays made for each would be garbage within the millisecond.
 */
function scratchFor(flat: Flat, cellCount: number, extraLength: number): Scratch {
  const memberCount = flat.lead.length;
  let scratch = scratches.get(flat);
  if (!scratch) {
    scratch = {
      top: new Float64Array(cellCount),
      holder: new Int32Array(cellCount),
      second: new Float64Array(cellCount),
      inSet: new Uint8Array(memberCount),
      gain: new Float64Array(memberCount),
      extra: new Float64Array(extraLength),
    };
    scratches.set(flat, scratch);
  }
  if (scratch.extra.length < extraLength) scratch.extra = new Float64Array(extraLength);
  return scratch;
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

/** What member k would add to the lead: its bonus over the set's lead, when it can lead. */
const leadGain = (flat: Flat, k: number, lead: number) => {
  const bonus = flat.lead[k] as number;
  return Number.isNaN(bonus) ? 0 : Math.max(0, bonus - lead);
};

/** Member k's gain over a set whose cells are worth `values` and whose lead is `lead`, less its member cost. */
function gainOver(context: GainsContext, values: Float64Array, lead: number, k: number): number {
  const { problem, flat } = context;
  let gain = leadGain(flat, k, lead) - problem.memberCost;
  for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
    const weight = flat.weights[at] as number;
    const value = values[flat.cells[at] as number] as number;
    if (weight > value) gain += weight - value;
  }
  return gain;
}

/** Every member's gain over an empty set: a bound on its gain over any set (see greedy). */
export function gainsAlone(context: GainsContext): Float64Array {
  const values = cellValues(context, []);
  const lead = leadOf(context.problem, []);
  return Float64Array.from(context.problem.members, (_, k) => gainOver(context, values, lead, k));
}

/**
 * From the members given, adds the one with the most gain (first in gains' order) while one gains anything and
 * there is room. A member's gain only falls as the set grows, since each cell's best weight and the lead only
 * rise, so the gains alone bound every later one: each step works out afresh only the members at the top of
 * their bounds until one beats every other's bound (lazy greedy), rather than every member's gain.
 */
export function greedy(context: GainsContext, first: readonly number[], alone: Float64Array): number[] {
  const { problem, flat } = context;
  const set = [...first];
  const values = cellValues(context, set);
  let lead = leadOf(problem, set);
  const bound = Float64Array.from(alone);
  const ahead = (a: number, b: number) =>
    (bound[a] as number) > (bound[b] as number) || (bound[a] === bound[b] && a < b);
  const heap = new MaxHeap(ahead);
  for (let k = 0; k < problem.members.length; k++) if (!set.includes(k)) heap.push(k);
  while (set.length < problem.options.maxMembers) {
    let chosen = -1;
    for (let k = heap.pop(); k !== undefined; k = heap.pop()) {
      bound[k] = gainOver(context, values, lead, k);
      const next = heap.peek();
      if (next === undefined || ahead(k, next)) {
        chosen = k;
        break;
      }
      heap.push(k);
    }
    if (chosen < 0 || (bound[chosen] as number) <= 0) break;
    set.push(chosen);
    for (let at = flat.start[chosen] as number; at < (flat.start[chosen + 1] as number); at++) {
      const c = flat.cells[at] as number;
      values[c] = Math.max(values[c] as number, flat.weights[at] as number);
    }
    lead = Math.max(lead, problem.members[chosen]?.leadBonus ?? lead);
  }
  return set;
}

/** A binary heap of member indices, the one `ahead` of all others on top. */
class MaxHeap {
  readonly #items: number[] = [];
  readonly #ahead: (a: number, b: number) => boolean;
  constructor(ahead: (a: number, b: number) => boolean) {
    this.#ahead = ahead;
  }
  peek(): number | undefined {
    return this.#items[0];
  }
  push(item: number): void {
    const items = this.#items;
    let at = items.push(item) - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.#ahead(item, items[parent] as number)) break;
      items[at] = items[parent] as number;
      at = parent;
    }
    items[at] = item;
  }
  pop(): number | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && this.#ahead(items[right] as number, items[left] as number) ? right : left;
      if (!this.#ahead(items[child] as number, last)) break;
      items[at] = items[child] as number;
      at = child;
    }
    items[at] = last;
    return top;
  }
}
