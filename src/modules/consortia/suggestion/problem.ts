// Turns an opportunity and a pool of organisations into the weighted covering problem both solvers share, and
// prunes the organisations that no optimal consortium needs.
//
// Requirements are cells: one lot in one district. An organisation can deliver a cell when it offers every
// service of the lot (a lot's services are delivered together, so offering one of them is not enough) and
// serves the district. Its weight for the cell is its quality points on that cell (readiness, outcomes, home
// district, and whether its tier can take on a lot of that value) times the cell's share of the contract value
// in basis points, rounded: so a better organisation on a larger lot counts for more, and 10,000 is "one point
// over the whole contract", the unit of the lead bonus and the member cost. Every weight is a whole number, so
// two consortia with different objectives differ by at least 1, which lets the exact solve prove optimality
// with an absolute gap below 1.
//
// The scan works per profile of the pool's index (pool.ts): organisations with the same services and districts
// deliver the same cells, so coverage and its value are worked out once for all of them.
//
// Pruning is sound (an optimal consortium over the pruned pool is optimal over the whole pool):
// - an organisation whose deliverable cells are worth less than the minimum share can never be a member;
// - organisation i is dropped when a kept j can deliver every cell i can with at least i's weight on each, and
//   leads at least as well (or i cannot lead). Any consortium with i can then give i's cells and role to j:
//   if j is not a member, j takes i's place with the same share and no less weight; if j is, the two merge,
//   which saves a member's cost and only grows j's share. Neither breaks a constraint or lowers the objective.
import { VALUE_REACH_PENCE } from '../../matching/value-reach.ts';
import type { Candidate, Cell, Opportunity, Options } from './model.ts';
import { type CandidatePool, setBit } from './pool.ts';

/** An organisation that survived pruning, with its weight on each cell it can deliver. */
export type Member = {
  /** Index in the pool. */
  index: number;
  candidate: Candidate;
  cells: Int32Array;
  weights: Int32Array;
  /** Bonus when it leads, or null when it cannot. */
  leadBonus: number | null;
};

export type Problem = {
  options: Options;
  cells: Cell[];
  /** Value of the cells some organisation can deliver: the whole from which shares are taken. */
  totalValue: number;
  /** The least value each member must deliver. */
  minShareValue: number;
  /** Cells no organisation in the pool can deliver. */
  uncoverable: number[];
  members: Member[];
  /** For each cell, the members that can deliver it. */
  capable: number[][];
  memberCost: number;
  /** The cost of leaving a coverable cell uncovered, and of having no lead: more than any weight can repay. */
  uncoveredCost: number;
  noLeadCost: number;
  pruned: { noCells: number; belowShare: number; dominated: number };
};

export const POINT = 10_000;

function cellsOf(opportunity: Opportunity): Cell[] {
  const cells = opportunity.lots.flatMap((lot, lotIndex) => {
    const even = Math.floor(lot.valuePence / Math.max(1, lot.districts.length));
    const remainder = lot.valuePence - even * lot.districts.length;
    return lot.districts.map((district, at) => ({
      lot: lotIndex,
      lotId: lot.id,
      district,
      valuePence: lot.valueByDistrictPence?.[district] ?? even + (at < remainder ? 1 : 0),
    }));
  });
  // With no values at all, every cell counts the same.
  if (cells.every((cell) => cell.valuePence === 0)) for (const cell of cells) cell.valuePence = 1;
  return cells;
}

/** Quality points of a candidate that do not depend on the cell. */
export function candidatePoints(candidate: Candidate, outcomes: ReadonlySet<string>, options: Options) {
  const { weights } = options;
  const core = candidate.coreOutcomes.filter((code) => outcomes.has(code));
  const valueAdding = candidate.valueAddingOutcomes.filter(
    (code) => outcomes.has(code) && !candidate.coreOutcomes.includes(code),
  );
  return {
    core,
    valueAdding,
    points:
      Math.round(candidate.readiness * 10) * weights.readiness +
      core.length * weights.coreOutcome +
      valueAdding.length * weights.valueAddingOutcome,
  };
}

export const canReach = (candidate: Candidate, lotValuePence: number) =>
  candidate.tier !== null && (VALUE_REACH_PENCE[candidate.tier] ?? Number.POSITIVE_INFINITY) >= lotValuePence;

/** The organisations that can deliver part of the opportunity, before pruning by dominance. */
export type Scan = {
  options: Options;
  cells: Cell[];
  totalValue: number;
  minShareValue: number;
  uncoverable: number[];
  members: Member[];
  pruned: { noCells: number; belowShare: number };
};

export function scan(
  opportunity: Opportunity,
  pool: CandidatePool,
  options: Options,
  exclude: ReadonlySet<string> = new Set(),
): Scan {
  const cells = cellsOf(opportunity);
  const lots = opportunity.lots.map((lot) => {
    const mask = new Uint32Array(pool.serviceWords);
    let known = true;
    for (const code of lot.services) {
      const bit = pool.serviceBit.get(code);
      if (bit === undefined) known = false;
      else setBit(mask, bit);
    }
    return { mask, known };
  });
  // Each cell's district as a pool bit mask, 0 when no organisation serves it.
  const cellMask = Int32Array.from(cells, (cell) => {
    const bit = pool.districtBit.get(cell.district);
    return bit === undefined ? 0 : 1 << bit;
  });

  const lotCells = lots.map((_, l) => cells.flatMap((cell, c) => (cell.lot === l ? [c] : [])));
  // The lots each combination of services can deliver: every service of the lot.
  const lotsOf = pool.serviceSets.map((services) =>
    lots.flatMap((lot, l) =>
      lot.known && lot.mask.every((need, word) => ((services[word] ?? 0) & need) === need) ? [l] : [],
    ),
  );

  // First pass, by profile: the cells its organisations can deliver and what they are worth together.
  const deliverable = new Uint8Array(cells.length);
  const reachable: { members: Int32Array; cells: number[]; value: number }[] = [];
  let noCells = 0;
  for (const profile of pool.profiles) {
    const owned: number[] = [];
    let value = 0;
    for (const l of lotsOf[profile.serviceSet] as number[])
      for (const c of lotCells[l] as number[])
        if ((cellMask[c] as number) & profile.districts) {
          owned.push(c);
          deliverable[c] = 1;
          value += (cells[c] as Cell).valuePence;
        }
    if (owned.length === 0) noCells += profile.members.length;
    else reachable.push({ members: profile.members, cells: owned, value });
  }
  const uncoverable = cells.flatMap((_, c) => (deliverable[c] ? [] : [c]));
  const totalValue = cells.reduce((sum, cell, c) => sum + (deliverable[c] ? cell.valuePence : 0), 0);
  const minShareValue = (options.minSharePercent / 100) * totalValue;

  // Second pass, on profiles that could reach the minimum share: points, dominance within the profile, and
  // weights for the organisations that remain.
  const outcomes = new Set(opportunity.outcomes);
  const { weights } = options;
  const members: Member[] = [];
  let belowShare = 0;
  for (const profile of reachable) {
    if (profile.value < minShareValue) {
      belowShare += profile.members.length;
      continue;
    }
    const kept = Array.from(profile.members, (index) => pool.candidates[index] as Candidate).flatMap((candidate, at) =>
      exclude.has(candidate.id) ? [] : [{ index: profile.members[at] as number, candidate }],
    );
    const owned = Int32Array.from(profile.cells);
    for (const { index, candidate } of kept) {
      const { points } = candidatePoints(candidate, outcomes, options);
      const cellWeights = Int32Array.from(owned, (c) => {
        const cell = cells[c] as Cell;
        const cellPoints =
          points +
          (candidate.homeDistrict === cell.district ? weights.local : 0) +
          (canReach(candidate, opportunity.lots[cell.lot]?.valuePence ?? 0) ? weights.reach : 0);
        return Math.round((cellPoints * POINT * cell.valuePence) / totalValue);
      });
      const leadBonus = candidate.canLead ? Math.round(weights.leadStar * (candidate.leadRating ?? 0) * POINT) : null;
      members.push({ index, candidate, cells: owned, weights: cellWeights, leadBonus });
    }
  }
  return {
    options,
    cells,
    totalValue,
    minShareValue,
    uncoverable,
    members,
    pruned: { noCells, belowShare },
  };
}

const leadValue = (member: Member) => member.leadBonus ?? Number.NEGATIVE_INFINITY;

/** Drops dominated organisations (see the header). */
export function prune(found: Scan): Problem {
  const { cells, options } = found;
  const cellCount = cells.length;
  const candidates = found.members;
  const total = (member: Member) => member.weights.reduce((sum, weight) => sum + weight, 0);
  // Strongest first, so that a dominating organisation is always kept before those it dominates.
  const order = candidates
    .map((member) => ({ member, size: member.cells.length, total: total(member), lead: leadValue(member) }))
    .sort((a, b) => b.size - a.size || b.total - a.total || b.lead - a.lead || a.member.index - b.member.index);
  const kept: Member[] = [];
  // The kept members' cells as bit sets, for a quick subset test, and their weights by cell, -1 where they
  // cannot deliver, for the full one.
  const words = Math.ceil(cellCount / 32);
  const cellSets: Uint32Array[] = [];
  const rows: Int32Array[] = [];
  const keptByCell: number[][] = cells.map(() => []);
  for (const { member } of order) {
    const lead = leadValue(member);
    const cellSet = new Uint32Array(words);
    for (const c of member.cells) cellSet[c >>> 5] = (cellSet[c >>> 5] as number) | (1 << (c & 31));
    // A dominating member covers every cell of this one, so only those covering its least covered cell are tried.
    let rarest = keptByCell[member.cells[0] as number] as number[];
    for (const c of member.cells)
      if ((keptByCell[c] as number[]).length < rarest.length) rarest = keptByCell[c] as number[];
    const dominated = rarest.some((k) => {
      const other = kept[k] as Member;
      if (leadValue(other) < lead || other.cells.length < member.cells.length) return false;
      const otherSet = cellSets[k] as Uint32Array;
      for (let word = 0; word < words; word++)
        if (((cellSet[word] as number) & ~(otherSet[word] as number)) !== 0) return false;
      const row = rows[k] as Int32Array;
      for (let at = 0; at < member.cells.length; at++)
        if ((row[member.cells[at] as number] as number) < (member.weights[at] as number)) return false;
      return true;
    });
    if (dominated) continue;
    const row = new Int32Array(cellCount).fill(-1);
    member.cells.forEach((c, at) => {
      row[c] = member.weights[at] as number;
    });
    for (const c of member.cells) keptByCell[c]?.push(kept.length);
    kept.push(member);
    cellSets.push(cellSet);
    rows.push(row);
  }
  const capable: number[][] = cells.map(() => []);
  kept.forEach((member, k) => {
    for (const c of member.cells) capable[c]?.push(k);
  });
  const { weights, maxMembers } = options;
  const memberCost = Math.round(weights.member * POINT);
  const bestByCell = new Int32Array(cellCount);
  for (const member of kept)
    member.cells.forEach((c, at) => {
      bestByCell[c] = Math.max(bestByCell[c] as number, member.weights[at] as number);
    });
  const bestWeights = bestByCell.reduce((sum, weight) => sum + weight, 0);
  const bestLead = Math.max(0, ...kept.map((member) => member.leadBonus ?? 0));
  // Larger than anything weights, lead and member costs can add up to, so coverage comes first, then a lead.
  const noLeadCost = bestWeights + bestLead + maxMembers * memberCost + 1;
  return {
    options,
    cells,
    totalValue: found.totalValue,
    minShareValue: found.minShareValue,
    uncoverable: found.uncoverable,
    members: kept,
    capable,
    memberCost,
    uncoveredCost: 2 * noLeadCost,
    noLeadCost,
    pruned: { ...found.pruned, dominated: candidates.length - kept.length },
  };
}

export function buildProblem(
  opportunity: Opportunity,
  pool: CandidatePool,
  options: Options,
  exclude?: ReadonlySet<string>,
): Problem {
  return prune(scan(opportunity, pool, options, exclude));
}
