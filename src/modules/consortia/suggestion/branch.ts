// Branch and bound over who is a member, for the exact solve (exact.ts) once the bound (bound.ts) has left a
// hundred or so organisations. HiGHS struggles here: the programme's relaxation mixes a score of organisations
// at fractions, a gap of a per cent or two that its cuts barely close, and the root alone takes many seconds at
// ten thousand columns or more.
//
// Each node fixes some organisations in and some out, and bounds every consortium that contains those in and
// none of those out with the Lagrangian bound of bound.ts (cells priced, each organisation alone gaining what it
// earns over the prices), its prices improved from the parent's (at the root, from bound.ts's) by subgradient
// steps. A node whose bound cannot beat the best consortium known is dropped; an organisation that the bound
// shows cannot join one better is fixed out; otherwise the node branches on the organisation whose joining
// bounds highest, in first. When no organisation is left undecided, the members are known: more steps often
// show they cannot beat the best known, and otherwise HiGHS finds their best assignment (shares and all), a
// small programme, stopping as soon as its own bound shows it cannot. Every node is bounded soundly for any
// prices, so when the tree is exhausted the best consortium found is optimal.
import { flatten } from './bound.ts';
import type { Assignment } from './model.ts';
import type { Problem } from './problem.ts';

/** Objectives are whole numbers: a bound below the best known plus this rules out anything better. */
const MARGIN = 0.5;
const ROOT_ITERATIONS = 100;
const NODE_ITERATIONS = 40;
const LEAF_ITERATIONS = 100;
/**
 * Each node's steps start at this multiple of the Polyak step (towards the best consortium known), and are
 * halved after PATIENCE steps without a better bound. On the hardest generated opportunities, starting at 1 and
 * halving after 5 took five times the nodes; from 2 the search is fastest, and from 3 the prices diverge.
 */
const FIRST_STEP = 1.75;
const PATIENCE = 10;

/**
 * The best assignment of the cells to all of `members`, with its programme objective; `optimal` is also true
 * when it proved that none reaches `atLeast`, and then the assignment may be any.
 */
export type LeafSolver = (
  members: number[],
  atLeast: number,
) => Promise<{ assignment: Assignment; objective: number; optimal: boolean }>;

export type Branched = {
  /** A consortium better than the known one, or undefined when none was found. */
  assignment: Assignment | undefined;
  objective: number;
  /** True when the tree was exhausted: the best consortium found, or the known one, is optimal. */
  optimal: boolean;
  nodes: number;
};

/** The programme's objective (exact.ts) of an assignment, counting as uncovered only cells some member could take. */
export function programmeValue(problem: Problem, assignment: Assignment): number {
  const members = new Set<number>();
  let value = 0;
  problem.coverable.forEach((coverable, c) => {
    const k = assignment.owner[c] as number;
    if (k < 0) {
      if (coverable) value -= problem.uncoveredCost;
      return;
    }
    const member = problem.members[k] as Problem['members'][number];
    value += member.weights[member.cells.indexOf(c)] as number;
    members.add(k);
  });
  if (assignment.lead >= 0) {
    members.add(assignment.lead);
    value += problem.members[assignment.lead]?.leadBonus ?? 0;
  } else value -= problem.noLeadCost;
  return value - problem.memberCost * members.size;
}

type Node = { status: Int8Array; price: Float64Array };
const FREE = 0;
const IN = 1;
const OUT = -1;

export async function branchAndBound(
  problem: Problem,
  known: Assignment,
  prices: Float64Array,
  solveLeaf: LeafSolver,
  deadline: number,
): Promise<Branched> {
  const count = problem.members.length;
  const cellCount = problem.cells.length;
  const { coverable } = problem;
  const { memberCost, noLeadCost, uncoveredCost, minShareValue } = problem;
  const { maxMembers } = problem.options;
  const value = Float64Array.from(problem.cells, (cell) => cell.valuePence);
  const { start, cell, weight, lead, canLead } = flatten(problem);

  let incumbent = programmeValue(problem, known);
  let best: Assignment | undefined;

  // Scratch shared by every node, filled by gains() and select().
  const gain = new Float64Array(count);
  const rank = new Int32Array(count);
  const order = new Int32Array(count);
  const prefix = new Float64Array(count + 1);
  let positives = 0;
  // Scratch for topping up one organisation's share: its cells priced above its weight, as a heap by the cost
  // per pound of taking them, cheapest at the top.
  const largest = problem.members.reduce((most, member) => Math.max(most, member.cells.length), 0);
  const heapCell = new Int32Array(largest);
  const heapOver = new Float64Array(largest);
  const heapValue = new Float64Array(largest);
  const heapKey = new Float64Array(largest);
  let heapSize = 0;
  // Written out column by column: a loop over the four arrays (two kinds of typed array) made the hot heap slower.
  const swap = (i: number, j: number) => {
    const c = heapCell[i] as number;
    heapCell[i] = heapCell[j] as number;
    heapCell[j] = c;
    const over = heapOver[i] as number;
    heapOver[i] = heapOver[j] as number;
    heapOver[j] = over;
    const worth = heapValue[i] as number;
    heapValue[i] = heapValue[j] as number;
    heapValue[j] = worth;
    const key = heapKey[i] as number;
    heapKey[i] = heapKey[j] as number;
    heapKey[j] = key;
  };
  const siftDown = (from: number) => {
    let i = from;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heapSize) return;
      const right = left + 1;
      const larger = right < heapSize && (heapKey[right] as number) > (heapKey[left] as number) ? right : left;
      if ((heapKey[larger] as number) <= (heapKey[i] as number)) return;
      swap(i, larger);
      i = larger;
    }
  };

  /**
   * Each organisation's gain over the prices: its cells worth more than their price, topped up (fractionally,
   * cheapest per pound first) to the minimum share; minus infinity when its cells cannot reach the share. The
   * top-up only lowers the gain, so unless `always`, it is left out when the gain cannot count anyway (not
   * positive, even with a lead bonus) and the gain is then still an upper bound. With `take`, also how much of
   * each cell it takes.
   */
  const gainOf = (k: number, price: Float64Array, always: boolean, take?: (c: number, amount: number) => void) => {
    let sum = -memberCost;
    let taken = 0;
    const first = start[k] as number;
    const end = start[k + 1] as number;
    for (let at = first; at < end; at++) {
      const c = cell[at] as number;
      const over = (weight[at] as number) - (price[c] as number);
      if (over > 0) {
        sum += over;
        taken += value[c] as number;
        take?.(c, 1);
      }
    }
    if (taken >= minShareValue || (!always && sum + (lead[k] as number) <= 0)) return sum;
    heapSize = 0;
    for (let at = first; at < end; at++) {
      const c = cell[at] as number;
      const over = (weight[at] as number) - (price[c] as number);
      if (over > 0) continue;
      heapCell[heapSize] = c;
      heapOver[heapSize] = over;
      heapValue[heapSize] = value[c] as number;
      heapKey[heapSize] = over / Math.max(1e-9, value[c] as number);
      heapSize++;
    }
    for (let i = (heapSize >> 1) - 1; i >= 0; i--) siftDown(i);
    while (heapSize > 0 && taken < minShareValue) {
      const worth = heapValue[0] as number;
      const part = worth > 0 ? Math.min(1, (minShareValue - taken) / worth) : 1;
      sum += part * (heapOver[0] as number);
      taken += worth;
      take?.(heapCell[0] as number, part);
      heapSize--;
      swap(0, heapSize);
      siftDown(0);
    }
    return taken >= minShareValue - 1e-9 ? sum : Number.NEGATIVE_INFINITY;
  };
  const cellsTerm = (price: Float64Array) => {
    let sum = 0;
    for (let c = 0; c < cellCount; c++)
      if (coverable[c]) sum += (price[c] as number) + Math.max(0, -uncoveredCost - (price[c] as number));
    return sum;
  };

  /**
   * Gains for every organisation not fixed out, and the free ones with positive gains in order, best first.
   * Unless `exact`, gains that cannot count (not positive, even with a lead bonus) are left as upper bounds.
   */
  const gains = (status: Int8Array, price: Float64Array, exact: boolean) => {
    positives = 0;
    for (let k = 0; k < count; k++) {
      rank[k] = -1;
      if (status[k] === OUT) continue;
      gain[k] = gainOf(k, price, exact || status[k] === IN);
      if (status[k] === FREE && (gain[k] as number) > 0) order[positives++] = k;
    }
    order.subarray(0, positives).sort((a, b) => (gain[b] as number) - (gain[a] as number));
    for (let at = 0; at < positives; at++) {
      rank[order[at] as number] = at;
      prefix[at + 1] = (prefix[at] as number) + (gain[order[at] as number] as number);
    }
  };
  /** The sum of the best `take` positive free gains, leaving out `a` and `b` (-1 for none). */
  const top = (take: number, a: number, b: number) => {
    if (take <= 0) return 0;
    const ra = a < 0 ? -1 : (rank[a] as number);
    const rb = b < 0 ? -1 : (rank[b] as number);
    const first = ra >= 0 && (rb < 0 || ra < rb) ? ra : rb;
    const second = first === ra ? rb : ra;
    let skipped = 0;
    let less = 0;
    for (const r of [first, second])
      if (r >= 0 && r < take + skipped) {
        skipped++;
        less += gain[order[r] as number] as number;
      }
    return (prefix[Math.min(take + skipped, positives)] as number) - less;
  };

  /**
   * The best selection with every organisation fixed in and `forced` (-1 for none): the fixed ones, the best
   * positive free gains up to the member limit, and a lead (its bonus, and its gain when not already counted)
   * or the no-lead cost. Returns the value, the lead and how many free members it adds besides the lead.
   */
  const select = (status: Int8Array, forced: number) => {
    let base = 0;
    let fixed = 0;
    let bestFixedLead = Number.NEGATIVE_INFINITY;
    let fixedLead = -1;
    for (let k = 0; k < count; k++)
      if (status[k] === IN || k === forced) {
        base += gain[k] as number;
        fixed++;
        if (canLead[k] && (lead[k] as number) > bestFixedLead) {
          bestFixedLead = lead[k] as number;
          fixedLead = k;
        }
      }
    const room = maxMembers - fixed;
    if (room < 0 || base === Number.NEGATIVE_INFINITY) return { value: Number.NEGATIVE_INFINITY, lead: -1, added: 0 };
    const rest = top(room, forced, -1);
    let value = base - noLeadCost + rest;
    let chosenLead = -1;
    if (fixedLead >= 0 && base + bestFixedLead + rest > value) {
      value = base + bestFixedLead + rest;
      chosenLead = fixedLead;
    }
    if (room >= 1)
      for (let l = 0; l < count; l++) {
        if (!canLead[l] || status[l] !== FREE || l === forced) continue;
        const with_ = base + (gain[l] as number) + (lead[l] as number) + top(room - 1, forced, l);
        if (with_ > value) {
          value = with_;
          chosenLead = l;
        }
      }
    const added = chosenLead >= 0 && status[chosenLead] === FREE && chosenLead !== forced ? room - 1 : room;
    return { value, lead: chosenLead, added };
  };

  /** Improves a node's prices by subgradient steps; returns its least bound, with `price` left at its best. */
  const bound = (status: Int8Array, price: Float64Array, iterations: number) => {
    let least = Number.POSITIVE_INFINITY;
    const bestPrice = Float64Array.from(price);
    const direction = new Float64Array(cellCount);
    let step = FIRST_STEP;
    let sinceBetter = 0;
    for (let iteration = 0; iteration < iterations; iteration++) {
      gains(status, price, false);
      const selection = select(status, -1);
      const value = cellsTerm(price) + selection.value;
      if (value < least - 1e-9) {
        least = value;
        bestPrice.set(price);
        sinceBetter = 0;
      } else if (++sinceBetter >= PATIENCE) {
        step /= 2;
        sinceBetter = 0;
      }
      if (least < incumbent + MARGIN || value === Number.NEGATIVE_INFINITY) break;
      // The bound's slope in each price: one, less how much of the cell the selected members take.
      for (let c = 0; c < cellCount; c++)
        direction[c] = coverable[c] && -uncoveredCost - (price[c] as number) <= 0 ? 1 : 0;
      const takeCell = (c: number, amount: number) => {
        direction[c] = (direction[c] as number) - amount;
      };
      const members: number[] = [];
      for (let k = 0; k < count; k++) if (status[k] === IN) members.push(k);
      if (selection.lead >= 0 && status[selection.lead] === FREE) members.push(selection.lead);
      for (let at = 0, added = 0; at < positives && added < selection.added; at++) {
        const k = order[at] as number;
        if (k === selection.lead) continue;
        members.push(k);
        added++;
      }
      for (const k of members) gainOf(k, price, true, takeCell);
      let norm = 0;
      for (let c = 0; c < cellCount; c++) norm += (direction[c] as number) ** 2;
      if (norm < 1e-12) break;
      const size = (step * (value - incumbent)) / norm;
      for (let c = 0; c < cellCount; c++)
        if (coverable[c]) price[c] = (price[c] as number) - size * (direction[c] as number);
    }
    price.set(bestPrice);
    return least;
  };

  const stack: Node[] = [{ status: new Int8Array(count), price: Float64Array.from(prices) }];
  let nodes = 0;
  let exhausted = true;
  while (stack.length > 0) {
    if (performance.now() > deadline) {
      exhausted = false;
      break;
    }
    const { status, price } = stack.pop() as Node;
    nodes++;
    const least = bound(status, price, nodes === 1 ? ROOT_ITERATIONS : NODE_ITERATIONS);
    if (least < incumbent + MARGIN) continue;
    // With the node's best prices: fix out whoever cannot join a better consortium, and branch on whoever
    // bounds highest when it joins.
    gains(status, price, true);
    const cells = cellsTerm(price);
    let branchOn = -1;
    let highest = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < count; k++) {
      if (status[k] !== FREE) continue;
      const joined = cells + select(status, k).value;
      if (joined < incumbent + MARGIN) status[k] = OUT;
      else if (joined > highest) {
        highest = joined;
        branchOn = k;
      }
    }
    if (branchOn < 0) {
      const members: number[] = [];
      for (let k = 0; k < count; k++) if (status[k] === IN) members.push(k);
      // With the members settled, the prices have only their cells to part, and often show no better
      // assignment without HiGHS. No members at all leaves every cell uncovered: never better than one known.
      if (members.length === 0 || bound(status, price, LEAF_ITERATIONS) < incumbent + MARGIN) continue;
      const leaf = await solveLeaf(members, incumbent + MARGIN);
      if (!leaf.optimal) exhausted = false;
      if (leaf.objective >= incumbent + MARGIN) {
        incumbent = leaf.objective;
        best = leaf.assignment;
      }
      continue;
    }
    const without = Int8Array.from(status);
    without[branchOn] = OUT;
    stack.push({ status: without, price: Float64Array.from(price) });
    const within = status;
    within[branchOn] = IN;
    stack.push({ status: within, price });
  }
  return { assignment: best, objective: incumbent, optimal: exhausted, nodes };
}
