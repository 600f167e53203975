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
//   dominance.ts finds such pairs from points, before any weight is worked out.
import { VALUE_REACH_PENCE } from '../../matching/value-reach.ts';
import type { Tier } from '../../organisations/tiers.ts';
import { dropOutpointed, makeContenders, makeRoster, settleProfile } from './dominance.ts';
import type { Candidate, Cell, Opportunity, Options } from './model.ts';
import { type CandidatePool, hasBit, type Profile, setBit } from './pool.ts';

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
  /** 1 for each cell some member can deliver. */
  coverable: Uint8Array;
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

/** The required outcomes a candidate delivers, as core outcomes or (when not core) as value-adding ones. */
export function outcomesDelivered(candidate: Candidate, outcomes: ReadonlySet<string>) {
  return {
    core: candidate.coreOutcomes.filter((code) => outcomes.has(code)),
    valueAdding: candidate.valueAddingOutcomes.filter(
      (code) => outcomes.has(code) && !candidate.coreOutcomes.includes(code),
    ),
  };
}

/** Quality points of organisation n that do not depend on the cell: readiness and required outcomes delivered. */
function candidatePoints(pool: CandidatePool, n: number, outcomeBits: readonly number[], { weights }: Options) {
  let points = (pool.readinessTenths[n] as number) * weights.readiness;
  for (const bit of outcomeBits)
    if (hasBit(pool.coreOutcomes, n, pool.outcomeWords, bit)) points += weights.coreOutcome;
    else if (hasBit(pool.valueAddingOutcomes, n, pool.outcomeWords, bit)) points += weights.valueAddingOutcome;
  return points;
}

/** Whether an organisation of this tier can take on a lot of this value (see matching/value-reach.ts). */
export const canReach = (tier: Tier | null, lotValuePence: number) =>
  tier !== null && (VALUE_REACH_PENCE[tier] ?? Number.POSITIVE_INFINITY) >= lotValuePence;

/** The organisations that can deliver part of the opportunity, before pruning by dominance. */
export type Scan = {
  options: Options;
  cells: Cell[];
  totalValue: number;
  minShareValue: number;
  uncoverable: number[];
  members: Member[];
  pruned: { noCells: number; belowShare: number; dominated: number };
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
  // Each cell's district as a pool bit, -1 when no organisation serves it.
  const cellBit = Int32Array.from(cells, (cell) => pool.districtBit.get(cell.district) ?? -1);
  const lotCells = lots.map((_, l) =>
    cells.flatMap((cell, c) => (cell.lot === l && (cellBit[c] as number) >= 0 ? [c] : [])),
  );
  const lotDistricts = lotCells.map((owned) => owned.reduce((mask, c) => mask | (1 << (cellBit[c] as number)), 0));
  // What a lot's cells are worth to an organisation serving some districts: four tables, one for each byte of
  // the district mask, so that a profile's value is a few look-ups rather than a walk over the cells.
  // The same for how many cells they are.
  const lotValue = new Float64Array(lots.length * 4 * 256);
  const lotCellCount = new Float64Array(lots.length * 4 * 256);
  lotCells.forEach((owned, l) => {
    for (const c of owned) {
      const bit = cellBit[c] as number;
      const table = (l * 4 + (bit >>> 3)) * 256;
      for (let byte = 0; byte < 256; byte++)
        if (byte & (1 << (bit & 7))) {
          lotValue[table + byte] = (lotValue[table + byte] as number) + (cells[c] as Cell).valuePence;
          lotCellCount[table + byte] = (lotCellCount[table + byte] as number) + 1;
        }
    }
  });
  const lookUp = (tables: Float64Array, l: number, districts: number) => {
    const table = l * 4 * 256;
    return (
      (tables[table + (districts & 255)] as number) +
      (tables[table + 256 + ((districts >>> 8) & 255)] as number) +
      (tables[table + 512 + ((districts >>> 16) & 255)] as number) +
      (tables[table + 768 + (districts >>> 24)] as number)
    );
  };
  const lotValueFor = (l: number, districts: number) => lookUp(lotValue, l, districts);
  const lotCellsFor = (l: number, districts: number) => lookUp(lotCellCount, l, districts);
  // The lots each combination of services can deliver: every service of the lot.
  // Plain loops: thousands of combinations at 200,000 organisations, and most deliver no lot at all.
  const noLots: readonly number[] = [];
  const lotsOf = pool.serviceSets.map((services) => {
    let covered: number[] | undefined;
    for (let l = 0; l < lots.length; l++) {
      const { mask, known } = lots[l] as (typeof lots)[number];
      let fits = known;
      for (let word = 0; fits && word < mask.length; word++)
        fits = ((services[word] ?? 0) & (mask[word] as number)) === mask[word];
      if (!fits) continue;
      covered ??= [];
      covered.push(l);
    }
    return covered ?? noLots;
  });
  const lotsDistricts = lotsOf.map((covered) => covered.reduce((mask, l) => mask | (lotDistricts[l] as number), 0));

  // First pass, by profile: what the cells its organisations can deliver are worth together, and how many.
  const servedBySet = new Int32Array(pool.serviceSets.length);
  // Each profile's value, -1 when it has no cells.
  const profileValue = new Float64Array(pool.profiles.length);
  const profileCells = new Int32Array(pool.profiles.length);
  let noCells = 0;
  pool.profiles.forEach((profile, p) => {
    const set = profile.serviceSet;
    if (((lotsDistricts[set] as number) & profile.districts) === 0) {
      noCells += profile.members.length;
      profileValue[p] = -1;
      return;
    }
    servedBySet[set] = (servedBySet[set] as number) | profile.districts;
    let value = 0;
    let cellCount = 0;
    for (const l of lotsOf[set] as number[]) {
      value += lotValueFor(l, profile.districts);
      cellCount += lotCellsFor(l, profile.districts);
    }
    profileValue[p] = value;
    profileCells[p] = cellCount;
  });
  const deliverable = new Uint8Array(cells.length);
  lotsOf.forEach((covered, set) => {
    for (const l of covered)
      for (const c of lotCells[l] as number[])
        if ((servedBySet[set] as number) & (1 << (cellBit[c] as number))) deliverable[c] = 1;
  });
  const uncoverable = cells.flatMap((_, c) => (deliverable[c] ? [] : [c]));
  const totalValue = cells.reduce((sum, cell, c) => sum + (deliverable[c] ? cell.valuePence : 0), 0);
  const minShareValue = (options.minSharePercent / 100) * totalValue;

  // Second pass, on profiles that could reach the minimum share: each organisation's points and lead bonus,
  // settled for dominance first within its profile and then across profiles, so that only the survivors (a
  // few thousand of tens of thousands) get weights. Required outcomes no organisation declares score nothing.
  const outcomeBits = [...new Set(opportunity.outcomes)].flatMap((code) => {
    const bit = pool.outcomeBit.get(code);
    return bit === undefined ? [] : [bit];
  });
  const { weights } = options;
  const cellScale = Float64Array.from(cells, (cell) => (POINT * cell.valuePence) / totalValue);
  const tiers = [null, 1, 2, 3, 4, 5] as const;
  const reachPoints = tiers.map((tier) =>
    Float64Array.from(opportunity.lots, (lot) => (canReach(tier, lot.valuePence) ? weights.reach : 0)),
  );
  const lotCount = opportunity.lots.length;
  const reachLots = reachPoints.map((points) =>
    lotCount > 32 ? 0 : points.reduce((mask, reach, l) => (reach > 0 ? mask | (1 << l) : mask), 0),
  );
  // A profile's cells are those of the lots its services cover that meet its districts, in those districts.
  const lotWords = Math.max(1, Math.ceil(lotCount / 32));
  // Room for every organisation of the profiles that could reach the minimum share, so nothing grows.
  let capacity = 0;
  for (let p = 0; p < pool.profiles.length; p++)
    if ((profileValue[p] as number) >= minShareValue) capacity += (pool.profiles[p] as Profile).members.length;
  const contenders = makeContenders(capacity, lotWords);
  const { met } = contenders;
  const lotsMet = (set: number, districts: number, k: number) => {
    for (const l of lotsOf[set] as number[])
      if (((lotDistricts[l] as number) & districts) !== 0)
        met[k * lotWords + (l >>> 5)] = (met[k * lotWords + (l >>> 5)] as number) | (1 << (l & 31));
  };
  const index = new Int32Array(capacity);
  const sets = new Int32Array(capacity);
  // Each profile's run of contenders, and what the order of dropOutpointed needs: its cells and best points.
  const runStart: number[] = [];
  const runCells: number[] = [];
  const runBest: number[] = [];
  const roster = makeRoster(pool.largestProfile);
  let belowShare = 0;
  let settledAway = 0;
  const lotsMaskOf = lotsOf.map((covered) => (lotCount > 32 ? -1 : covered.reduce((mask, l) => mask | (1 << l), 0)));
  for (let p = 0; p < pool.profiles.length; p++) {
    const value = profileValue[p] as number;
    const profile = pool.profiles[p] as Profile;
    if (value < 0) continue;
    if (value < minShareValue) {
      belowShare += profile.members.length;
      continue;
    }
    const set = profile.serviceSet;
    const districts = profile.districts & (lotsDistricts[set] as number);
    const lots = lotsMaskOf[set] as number;
    roster.size = 0;
    for (const n of profile.members) {
      if (exclude.size > 0 && exclude.has((pool.candidates[n] as Candidate).id)) continue;
      const at = roster.size++;
      const rating = pool.leadRatings[n] as number;
      roster.index[at] = n;
      roster.points[at] = candidatePoints(pool, n, outcomeBits, options);
      roster.lead[at] = rating < 0 ? Number.NEGATIVE_INFINITY : Math.round(weights.leadStar * rating * POINT);
      roster.home[at] = pool.homeBit[n] as number;
      roster.reach[at] = pool.tiers[n] as number;
    }
    if (roster.size === 0) continue;
    const survivors = settleProfile(roster, districts, lots, weights, reachLots);
    settledAway += roster.size - survivors;
    runStart.push(contenders.count);
    runCells.push(profileCells[p] as number);
    runBest.push(roster.points[roster.order[0] as number] as number);
    for (let s = 0; s < survivors; s++) {
      const at = roster.order[s] as number;
      const k = contenders.count++;
      index[k] = roster.index[at] as number;
      sets[k] = set;
      contenders.points[k] = roster.points[at] as number;
      contenders.lead[k] = roster.lead[at] as number;
      contenders.home[k] = roster.home[at] as number;
      contenders.reach[k] = roster.reach[at] as number;
      contenders.lots[k] = lots;
      contenders.districts[k] = districts;
      lotsMet(set, districts, k);
    }
  }
  runStart.push(contenders.count);
  // Profiles with more cells first, and among those the strongest first, so that those likely to dominate are
  // kept before those they dominate; within a profile, strongest first (settleProfile's order).
  const runs = runsInOrder(runCells, runBest);
  const order = new Int32Array(contenders.count);
  let placed = 0;
  for (const run of runs)
    for (let k = runStart[run] as number; k < (runStart[run + 1] as number); k++) order[placed++] = k;
  const { kept, dropped } = dropOutpointed(contenders, order, weights, reachLots);
  // Each member's cells are gathered here, then copied out at their size.
  const found = new Int32Array(cells.length);
  const members = kept.map((k): Member => {
    const candidateIndex = index[k] as number;
    const districts = contenders.districts[k] as number;
    let count = 0;
    for (const l of lotsOf[sets[k] as number] as number[])
      for (const c of lotCells[l] as number[]) if (districts & (1 << (cellBit[c] as number))) found[count++] = c;
    const owned = found.slice(0, count);
    const points = contenders.points[k] as number;
    const home = contenders.home[k] as number;
    const reachByLot = reachPoints[contenders.reach[k] as number] as Float64Array;
    const cellWeights = new Int32Array(count);
    for (let at = 0; at < count; at++) {
      const c = owned[at] as number;
      const cellPoints =
        points + (cellBit[c] === home ? weights.local : 0) + (reachByLot[(cells[c] as Cell).lot] as number);
      cellWeights[at] = Math.round(cellPoints * (cellScale[c] as number));
    }
    const lead = contenders.lead[k] as number;
    return {
      index: candidateIndex,
      candidate: pool.candidates[candidateIndex] as Candidate,
      cells: owned,
      weights: cellWeights,
      leadBonus: lead === Number.NEGATIVE_INFINITY ? null : lead,
    };
  });
  return {
    options,
    cells,
    totalValue,
    minShareValue,
    uncoverable,
    members,
    pruned: { noCells, belowShare, dominated: settledAway + dropped },
  };
}

/**
 * Runs by cells, most first, then by best points, then in the order found: by cell count into buckets first,
 * since tens of thousands of runs at 200,000 organisations sort several times faster that way than with one
 * comparison over all of them.
 */
function runsInOrder(runCells: readonly number[], runBest: readonly number[]): Int32Array {
  const most = runCells.reduce((max, cells) => Math.max(max, cells), 0);
  // next[cells]: where the next run with that many cells goes; buckets laid out from the most cells down.
  const next = new Int32Array(most + 1);
  for (const cells of runCells) next[cells] = (next[cells] as number) + 1;
  let placed = 0;
  for (let cells = most; cells >= 0; cells--) {
    const count = next[cells] as number;
    next[cells] = placed;
    placed += count;
  }
  const bucketStart = Int32Array.from(next);
  const runs = new Int32Array(runCells.length);
  runCells.forEach((cells, run) => {
    runs[next[cells] as number] = run;
    next[cells] = (next[cells] as number) + 1;
  });
  for (let cells = most; cells >= 0; cells--)
    if ((next[cells] as number) - (bucketStart[cells] as number) > 1)
      runs
        .subarray(bucketStart[cells], next[cells])
        .sort((a, b) => (runBest[b] as number) - (runBest[a] as number) || a - b);
  return runs;
}

/**
 * The scan's organisations as a problem: who can deliver each cell, and the costs that keep coverage first.
 * Dominance was settled on points in the scan; a second round on the rounded weights found a handful more in
 * thousands at twice the cost of the search it saved, so there is none.
 */
export function problemOf(found: Scan): Problem {
  const { cells, options, members } = found;
  const { weights, maxMembers } = options;
  const memberCost = Math.round(weights.member * POINT);
  const coverable = new Uint8Array(cells.length);
  const bestByCell = new Int32Array(cells.length);
  for (const member of members)
    for (let at = 0; at < member.cells.length; at++) {
      const c = member.cells[at] as number;
      coverable[c] = 1;
      bestByCell[c] = Math.max(bestByCell[c] as number, member.weights[at] as number);
    }
  const bestWeights = bestByCell.reduce((sum, weight) => sum + weight, 0);
  const bestLead = Math.max(0, ...members.map((member) => member.leadBonus ?? 0));
  // Larger than anything weights, lead and member costs can add up to, so coverage comes first, then a lead.
  const noLeadCost = bestWeights + bestLead + maxMembers * memberCost + 1;
  return {
    options,
    cells,
    totalValue: found.totalValue,
    minShareValue: found.minShareValue,
    uncoverable: found.uncoverable,
    members,
    coverable,
    memberCost,
    uncoveredCost: 2 * noLeadCost,
    noLeadCost,
    pruned: found.pruned,
  };
}

export function buildProblem(
  opportunity: Opportunity,
  pool: CandidatePool,
  options: Options,
  exclude?: ReadonlySet<string>,
): Problem {
  return problemOf(scan(opportunity, pool, options, exclude));
}
