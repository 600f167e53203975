// A Lagrangian bound on the exact programme (exact.ts), used to drop organisations that no consortium better than
// a known one can contain, so that the exact search (branch.ts) has far fewer to consider.
//
// Relaxing "each cell has one owner" with a price u_c per cell, the programme falls apart by organisation: each
// member gains what it earns over the prices on the cells it takes, less its member cost, and a selection of at
// most maxMembers of them (one leading, or a no-lead cost) is picked. For any prices,
//
//   bound(u) = Σ_c (u_c + max(0, −uncoveredCost − u_c)) + best selection of members' gains
//
// is at least the objective of every consortium, because a consortium's cells are each taken once and so pay
// their prices back exactly. A member's gain is taken as its best cells over the prices, topped up (fractionally,
// cheapest per pound first) with more until it has the minimum share: more than any real choice of its cells.
// Forcing organisation k into the selection gives a bound on every consortium with k; when that bound is below
// the known consortium's objective plus one (objectives are whole numbers), no consortium with k is better, and
// k is dropped. Prices near the best are found by subgradient steps, but any prices give a sound bound.
import type { Assignment } from './model.ts';
import type { Evaluation } from './objective.ts';
import type { Problem } from './problem.ts';

const ITERATIONS = 400;
/** Objectives are whole numbers: a bound below the known objective plus this rules out anything better. */
const MARGIN = 0.5;

/** The programme's objective for an evaluated assignment: evaluate's objective less the coverage costs. */
export const programmeObjective = (problem: Problem, evaluation: Evaluation) =>
  evaluation.objective - problem.uncoveredCost * evaluation.uncovered - (evaluation.hasLead ? 0 : problem.noLeadCost);

export type Flat = {
  start: Int32Array;
  cell: Int32Array;
  weight: Float64Array;
  lead: Float64Array;
  canLead: Uint8Array;
};

/** Members' cells and weights in one run of typed arrays, member k's from start[k] to start[k + 1]. */
export function flatten(problem: Problem): Flat {
  const count = problem.members.length;
  const start = new Int32Array(count + 1);
  problem.members.forEach((member, k) => {
    start[k + 1] = (start[k] as number) + member.cells.length;
  });
  const cell = new Int32Array(start[count] as number);
  const weight = new Float64Array(start[count] as number);
  const lead = new Float64Array(count);
  const canLead = new Uint8Array(count);
  problem.members.forEach((member, k) => {
    cell.set(member.cells, start[k]);
    weight.set(member.weights, start[k]);
    lead[k] = member.leadBonus ?? 0;
    canLead[k] = member.leadBonus === null ? 0 : 1;
  });
  return { start, cell, weight, lead, canLead };
}

/**
 * The best selection of at most `limit` members from gains, with one leading (its bonus added) or none (the
 * no-lead cost), with `forced` (when not -1) among them. Positive gains only are worth adding beyond those forced.
 */
function bestSelection(
  gain: Float64Array,
  order: Int32Array,
  leaders: Int32Array,
  flat: Flat,
  limit: number,
  noLeadCost: number,
  forced: number,
): { value: number; lead: number } {
  // The sum of the best `count` positive gains, leaving out up to two members.
  const top = (count: number, skipA: number, skipB: number) => {
    let sum = 0;
    let taken = 0;
    for (let at = 0; at < order.length && taken < count; at++) {
      const k = order[at] as number;
      if (k === skipA || k === skipB) continue;
      const g = gain[k] as number;
      if (g <= 0) break;
      sum += g;
      taken++;
    }
    return sum;
  };
  const base = forced >= 0 ? (gain[forced] as number) : 0;
  const room = forced >= 0 ? limit - 1 : limit;
  if (room < 0) return { value: Number.NEGATIVE_INFINITY, lead: -1 };
  let best = base - noLeadCost + top(room, forced, -1);
  let lead = -1;
  if (forced >= 0 && flat.canLead[forced]) {
    const value = base + (flat.lead[forced] as number) + top(room, forced, -1);
    if (value > best) {
      best = value;
      lead = forced;
    }
  }
  if (room >= 1) {
    // Leaders are in order of gain plus bonus; leaving one out of the rest can only lower their sum, so once
    // the next leader's gain and bonus with the full sum of the rest cannot win, none later can.
    const rest = top(room - 1, forced, -1);
    for (let at = 0; at < leaders.length; at++) {
      const l = leaders[at] as number;
      if (l === forced) continue;
      const key = (gain[l] as number) + (flat.lead[l] as number);
      if (base + key + rest <= best) break;
      const value = base + key + top(room - 1, forced, l);
      if (value > best) {
        best = value;
        lead = l;
      }
    }
  }
  return { value: best, lead };
}

/**
 * The best selection with no member forced, as bestSelection finds it, without sorting every member: only the
 * best `limit` positive gains matter, and a lead among them costs the selection nothing but the place it takes.
 * Returns the value, the lead and the members chosen (the lead first).
 */
function bestUnforced(gain: Float64Array, leaders: Int32Array, flat: Flat, limit: number, noLeadCost: number) {
  const best: number[] = [];
  for (let k = 0; k < gain.length; k++) {
    const g = gain[k] as number;
    if (g <= 0 || (best.length === limit && g <= (gain[best[limit - 1] as number] as number))) continue;
    if (best.length === limit) best.pop();
    let at = best.length;
    while (at > 0 && (gain[best[at - 1] as number] as number) < g) at--;
    best.splice(at, 0, k);
  }
  const sum = (count: number) => best.slice(0, count).reduce((total, k) => total + (gain[k] as number), 0);
  const all = sum(limit);
  const allButOne = sum(limit - 1);
  let value = all - noLeadCost;
  let lead = -1;
  for (let at = 0; at < leaders.length; at++) {
    const l = leaders[at] as number;
    const rank = best.indexOf(l);
    const with_ = (flat.lead[l] as number) + (rank >= 0 && rank < limit - 1 ? all : (gain[l] as number) + allButOne);
    if (with_ > value) {
      value = with_;
      lead = l;
    }
  }
  const chosen = lead >= 0 ? [lead, ...best.filter((k) => k !== lead)].slice(0, limit) : best;
  return { value, lead, chosen };
}

/** Sorts member indices by a key, largest first. */
function sortBy(indices: Int32Array, key: (k: number) => number): Int32Array {
  const keys = new Float64Array(indices.length);
  for (let at = 0; at < indices.length; at++) keys[at] = key(indices[at] as number);
  const positions = Int32Array.from(indices.keys()).sort((a, b) => (keys[b] as number) - (keys[a] as number));
  return Int32Array.from(positions, (at) => indices[at] as number);
}

export type Reduction = {
  /**
   * Members that some consortium better than the known one could contain, each with the positions in its cells
   * of those it could take there; always includes the known consortium's members and their cells.
   */
  keep: Map<number, number[]>;
  /** The least bound found on the programme's objective. */
  bound: number;
  /** True when the bound shows the known consortium is optimal. */
  proved: boolean;
  /** The prices of each cell that gave the bound: a start for the search that follows (branch.ts). */
  prices: Float64Array;
};

/** Which members could be in a consortium better than `known` (whose programme objective is `knownObjective`). */
export function reduceByBound(problem: Problem, known: Assignment, knownObjective: number): Reduction {
  const flat = flatten(problem);
  const count = problem.members.length;
  const cellCount = problem.cells.length;
  const { coverable } = problem;
  const value = Float64Array.from(problem.cells, (cell) => cell.valuePence);
  const { maxMembers } = problem.options;
  const { memberCost, noLeadCost, uncoveredCost, minShareValue } = problem;
  const all = Int32Array.from({ length: count }, (_, k) => k);
  const leaderList = all.filter((k) => flat.canLead[k] === 1);

  // Start from the known consortium's weights: its members then gain about nothing but their member cost back.
  const price = new Float64Array(cellCount);
  for (let c = 0; c < cellCount; c++) {
    const owner = known.owner[c] as number;
    const member = owner >= 0 ? problem.members[owner] : undefined;
    const at = member ? member.cells.indexOf(c) : -1;
    price[c] = member && at >= 0 ? (member.weights[at] as number) : 0;
  }
  const gain = new Float64Array(count);
  const cellsTerm = () => {
    let sum = 0;
    for (let c = 0; c < cellCount; c++)
      if (coverable[c]) sum += (price[c] as number) + Math.max(0, -uncoveredCost - (price[c] as number));
    return sum;
  };
  const gainsWithoutShare = () => {
    for (let k = 0; k < count; k++) {
      let sum = -memberCost;
      for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
        const over = (flat.weight[at] as number) - (price[flat.cell[at] as number] as number);
        if (over > 0) sum += over;
      }
      gain[k] = sum;
    }
  };
  const select = (forced: number) => {
    const order = sortBy(all, (k) => gain[k] as number);
    const leaders = sortBy(leaderList, (k) => (gain[k] as number) + (flat.lead[k] as number));
    return { order, leaders, best: bestSelection(gain, order, leaders, flat, maxMembers, noLeadCost, forced) };
  };

  let bestBound = Number.POSITIVE_INFINITY;
  let bestPrice = Float64Array.from(price);
  let step = 1;
  let sinceBetter = 0;
  const direction = new Float64Array(cellCount);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    gainsWithoutShare();
    const best = bestUnforced(gain, leaderList, flat, maxMembers, noLeadCost);
    const bound = cellsTerm() + best.value;
    if (bound < bestBound - 1e-9) {
      bestBound = bound;
      bestPrice = Float64Array.from(price);
      sinceBetter = 0;
    } else if (++sinceBetter >= 20) {
      step /= 2;
      sinceBetter = 0;
    }
    if (bestBound < knownObjective + MARGIN) break;
    const { chosen } = best;
    // The bound's slope in each price: one, less how many chosen members take the cell.
    let norm = 0;
    for (let c = 0; c < cellCount; c++)
      direction[c] = coverable[c] && -uncoveredCost - (price[c] as number) <= 0 ? 1 : 0;
    for (const k of chosen)
      for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
        const c = flat.cell[at] as number;
        if ((flat.weight[at] as number) > (price[c] as number)) direction[c] = (direction[c] as number) - 1;
      }
    for (let c = 0; c < cellCount; c++) norm += (direction[c] as number) ** 2;
    if (norm === 0) break;
    const size = (step * (bound - knownObjective)) / norm;
    for (let c = 0; c < cellCount; c++)
      if (coverable[c]) price[c] = (price[c] as number) - size * (direction[c] as number);
  }

  // With the best prices, gains that respect the minimum share, then a bound for each member forced in.
  price.set(bestPrice);
  const topUp = new Float64Array(count);
  const items: { over: number; value: number }[] = [];
  for (let k = 0; k < count; k++) {
    let sum = -memberCost;
    let taken = 0;
    items.length = 0;
    for (let at = flat.start[k] as number; at < (flat.start[k + 1] as number); at++) {
      const c = flat.cell[at] as number;
      const over = (flat.weight[at] as number) - (price[c] as number);
      if (over > 0) {
        sum += over;
        taken += value[c] as number;
      } else items.push({ over, value: value[c] as number });
    }
    if (taken < minShareValue) {
      items.sort((a, b) => b.over / Math.max(1e-9, b.value) - a.over / Math.max(1e-9, a.value));
      for (const item of items) {
        if (taken >= minShareValue) break;
        const part = item.value > 0 ? Math.min(1, (minShareValue - taken) / item.value) : 1;
        sum += part * item.over;
        topUp[k] = (topUp[k] as number) - part * item.over;
        taken += item.value;
      }
    }
    gain[k] = sum;
  }
  const cells = cellsTerm();
  const { order, leaders, best } = select(-1);
  const bound = Math.min(bestBound, cells + best.value);
  const proved = bound < knownObjective + MARGIN;
  const keep = new Map<number, number[]>();
  if (proved) return { keep, bound, proved, prices: bestPrice };
  const isKnown = (k: number) => known.lead === k || known.owner.includes(k);
  for (let k = 0; k < count; k++) {
    const forced = cells + bestSelection(gain, order, leaders, flat, maxMembers, noLeadCost, k).value;
    if (forced < knownObjective + MARGIN && !isKnown(k)) continue;
    // A cell priced above k's weight on it costs k the difference if k must take it, less at most what k saved
    // on topping up its share: dropped when even that leaves no room to beat the known consortium.
    const taken: number[] = [];
    const first = flat.start[k] as number;
    for (let at = first; at < (flat.start[k + 1] as number); at++) {
      const c = flat.cell[at] as number;
      const over = (flat.weight[at] as number) - (price[c] as number);
      if (over > 0 || known.owner[c] === k || forced + over + (topUp[k] as number) >= knownObjective + MARGIN)
        taken.push(at - first);
    }
    keep.set(k, taken);
  }
  return { keep, bound, proved, prices: bestPrice };
}
