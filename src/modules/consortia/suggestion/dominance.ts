// The first, cheap round of dominance pruning (see problem.ts for why dominance is sound), on points rather
// than weights so that most organisations are dropped before their weights are worked out.
//
// An organisation's points on a cell are its own points, plus the local bonus on its home district, plus the
// reach bonus on lots its tier can take on. j outpoints i on every cell of i when j's points less i's, plus the
// least difference of the local bonuses over i's districts, plus the least difference of the reach bonuses over
// i's lots, is not negative: the sum of the two least parts is never more than the least of the sums. A weight
// is points times the cell's value, rounded, so j then weighs at least as much as i on every cell.
//
// Tens of thousands of organisations reach this round at 200,000 in the pool, so it works on plain numbers and
// only the survivors become objects.
import type { Weights } from './model.ts';

/** The least, over i's districts, of j's local bonus less i's; homes are district bits or -1. */
function localFloor(jHome: number, iHome: number, iDistricts: number, local: number): number {
  if (jHome === iHome) return 0;
  if (iHome >= 0 && iDistricts & (1 << iHome)) return -local;
  return jHome >= 0 && iDistricts === 1 << jHome ? local : 0;
}

/** The least, over i's lots, of j's reach bonus less i's; with no lot mask (over 32 lots), the worst case. */
function reachFloor(jReach: number, iReach: number, lots: number, reach: number, reachLots: readonly number[]) {
  if (lots < 0) return jReach === iReach ? 0 : -reach;
  const byJ = (reachLots[jReach] as number) & lots;
  const byI = (reachLots[iReach] as number) & lots;
  if ((byI & ~byJ) !== 0) return -reach;
  return byJ === lots && byI === 0 ? reach : 0;
}

/**
 * One profile's organisations as plain numbers, in scratch arrays the scan reuses from profile to profile.
 * Lead is minus infinity for one that cannot lead; home is a district bit or -1; reach is the tier, 0 when
 * unknown, an index into the reach masks.
 */
export type Roster = {
  size: number;
  index: Int32Array;
  points: Float64Array;
  lead: Float64Array;
  home: Int8Array;
  reach: Uint8Array;
  /** Filled by settleProfile: positions in the roster, survivors first, strongest first. */
  order: Int32Array;
};

export function makeRoster(capacity: number): Roster {
  return {
    size: 0,
    index: new Int32Array(capacity),
    points: new Float64Array(capacity),
    lead: new Float64Array(capacity),
    home: new Int8Array(capacity),
    reach: new Uint8Array(capacity),
    order: new Int32Array(capacity),
  };
}

/**
 * Settles dominance inside one profile (organisations with the same cells, districts and lots) before any of
 * them is compared with other profiles: orders the roster strongest first, as dropOutpointed takes them, and
 * moves those no stronger one of the profile outpoints to the front. Returns how many those are. Dropping the
 * rest here leaves dropOutpointed's result unchanged: one outpointed by an organisation of its own profile is
 * also outpointed by whatever outpoints that one, since over the same districts and lots the least
 * differences add up to no more than the least of their sums.
 */
export function settleProfile(
  roster: Roster,
  districts: number,
  lots: number,
  weights: Weights,
  reachLots: readonly number[],
): number {
  const { size, index, points, lead, home, reach } = roster;
  // Most profiles have one organisation: nothing to settle, and no view of the scratch array to make.
  if (size < 2) {
    roster.order[0] = 0;
    return size;
  }
  const order = roster.order.subarray(0, size);
  for (let at = 0; at < size; at++) order[at] = at;
  order.sort(
    (a, b) =>
      (points[b] as number) - (points[a] as number) ||
      (lead[b] as number) - (lead[a] as number) ||
      (index[a] as number) - (index[b] as number),
  );
  let survivors = 0;
  for (let at = 0; at < size; at++) {
    const i = order[at] as number;
    let dominated = false;
    for (let s = 0; s < survivors && !dominated; s++) {
      const j = order[s] as number;
      dominated =
        (lead[j] as number) >= (lead[i] as number) &&
        (points[j] as number) -
          (points[i] as number) +
          localFloor(home[j] as number, home[i] as number, districts, weights.local) +
          reachFloor(reach[j] as number, reach[i] as number, lots, weights.reach, reachLots) >=
          0;
    }
    if (!dominated) order[survivors++] = i;
  }
  return survivors;
}

/**
 * The organisations to settle, entry k in each array describing one (see Roster for the first fields), the first
 * `count` of them in use. Its cells are those of the lots in `met` in the districts in `districts`: each such
 * district has a cell of one of those lots, so one organisation covers another's cells exactly when both masks
 * cover the other's. Typed arrays of a size set at the start: tens of thousands of entries, read in a tight loop.
 */
export type Contenders = {
  count: number;
  points: Float64Array;
  lead: Float64Array;
  home: Int32Array;
  reach: Int32Array;
  /** The lots its services let it deliver, as a mask; -1 over 32 lots. */
  lots: Int32Array;
  /** The lots it has a cell of, as a mask over lotWords words, from k·lotWords. */
  met: Int32Array;
  lotWords: number;
  districts: Int32Array;
};

export function makeContenders(capacity: number, lotWords: number): Contenders {
  return {
    count: 0,
    points: new Float64Array(capacity),
    lead: new Float64Array(capacity),
    home: new Int32Array(capacity),
    reach: new Int32Array(capacity),
    lots: new Int32Array(capacity),
    met: new Int32Array(capacity * lotWords),
    lotWords,
    districts: new Int32Array(capacity),
  };
}

const none: readonly number[] = [];

/**
 * The most i's local and reach bonuses can fall short of any other's over i's cells, so that one with at least
 * i's points less this can outpoint it: the greatest localFloor and reachFloor can be, given i.
 */
function mostMade(
  iHome: number,
  iDistricts: number,
  iReach: number,
  iLots: number,
  weights: Weights,
  reachLots: readonly number[],
) {
  // Bonuses that are costs turn every sign round: the loosest bound then.
  if (weights.local < 0 || weights.reach < 0) return Math.abs(weights.local) + Math.abs(weights.reach);
  const singleDistrict = (iDistricts & (iDistricts - 1)) === 0;
  const local = singleDistrict && !(iHome >= 0 && iDistricts & (1 << iHome)) ? weights.local : 0;
  const reach = iLots >= 0 && ((reachLots[iReach] as number) & iLots) === 0 ? weights.reach : 0;
  return local + reach;
}

/** Whether kept entry j outpoints entry i on every cell of i and leads at least as well. */
export function outpoints(
  c: Contenders,
  j: number,
  i: number,
  weights: Weights,
  reachLots: readonly number[],
): boolean {
  const iDistricts = c.districts[i] as number;
  // Written as "not at least" so that a NaN anywhere never counts as outpointing.
  if (!((c.lead[j] as number) >= (c.lead[i] as number)) || (iDistricts & ~(c.districts[j] as number)) !== 0)
    return false;
  const margin =
    (c.points[j] as number) -
    (c.points[i] as number) +
    localFloor(c.home[j] as number, c.home[i] as number, iDistricts, weights.local) +
    reachFloor(c.reach[j] as number, c.reach[i] as number, c.lots[i] as number, weights.reach, reachLots);
  if (!(margin >= 0)) return false;
  for (let word = 0; word < c.lotWords; word++)
    if (((c.met[i * c.lotWords + word] as number) & ~(c.met[j * c.lotWords + word] as number)) !== 0) return false;
  return true;
}

/**
 * Drops each organisation outpointed on every cell by a kept one that leads at least as well, taking them in
 * `order` (those likely to dominate first). A dominating one serves every district of the other and has a cell of
 * every lot of it, so it is in the kept list of each of those districts and lots. Those lists are kept in order
 * of points, most first, so only the head of the shortest is tried: the entries with enough points to outpoint
 * the other. Returns the kept entries in the order taken.
 */
export function dropOutpointed(
  contenders: Contenders,
  order: ArrayLike<number>,
  weights: Weights,
  reachLots: readonly number[],
): { kept: number[]; dropped: number } {
  const { points, met, lotWords, districts } = contenders;
  const kept: number[] = [];
  // The kept entries that serve district d, at d, and those with a cell of lot l, at 32 + l; most points first.
  const keptBy: number[][] = [];
  let dropped = 0;
  /** How many entries at the head of the list have at least `floor` points. */
  const headWith = (listed: readonly number[], floor: number) => {
    let low = 0;
    let high = listed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((points[listed[middle] as number] as number) >= floor) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  /** The lists of every district of i and every lot it has a cell of, as positions in keptBy: how many. */
  const lists = new Int32Array(32 + lotWords * 32);
  const listsOf = (i: number) => {
    let count = 0;
    for (let rest = districts[i] as number; rest !== 0; rest &= rest - 1)
      lists[count++] = 31 - Math.clz32(rest & -rest);
    for (let word = 0; word < lotWords; word++)
      for (let lotRest = met[i * lotWords + word] as number; lotRest !== 0; lotRest &= lotRest - 1)
        lists[count++] = 32 + word * 32 + 31 - Math.clz32(lotRest & -lotRest);
    return count;
  };
  let lastDominator = -1;
  for (let at = 0; at < order.length; at++) {
    const i = order[at] as number;
    // Entries come in runs of one profile, weakest last: what dropped the one before most often drops this one.
    let dominated = lastDominator >= 0 && outpoints(contenders, lastDominator, i, weights, reachLots);
    if (!dominated) {
      // Below this, no bonus can make up the points (with room for rounding: the full test decides).
      const iPoints = points[i] as number;
      const floor =
        iPoints -
        mostMade(
          contenders.home[i] as number,
          districts[i] as number,
          contenders.reach[i] as number,
          contenders.lots[i] as number,
          weights,
          reachLots,
        ) -
        1e-9;
      // The shortest list, then only its head: finding every list's head would cost more than it saves.
      let candidates: readonly number[] | undefined;
      for (let slot = 0, count = listsOf(i); slot < count; slot++) {
        const listed = keptBy[lists[slot] as number];
        if (listed === undefined) {
          candidates = none;
          break;
        }
        if (candidates === undefined || listed.length < candidates.length) candidates = listed;
      }
      // With no district and no lot (never so from a scan), any kept entry could outpoint it: all are tried.
      const count = candidates === undefined ? kept.length : headWith(candidates, floor);
      candidates ??= kept;
      for (let r = 0; r < count && !dominated; r++) {
        const j = candidates[r] as number;
        if (outpoints(contenders, j, i, weights, reachLots)) {
          dominated = true;
          lastDominator = j;
        }
      }
    }
    if (dominated) {
      dropped++;
      continue;
    }
    kept.push(i);
    const iPoints = points[i] as number;
    for (let slot = 0, count = listsOf(i); slot < count; slot++) {
      const list = lists[slot] as number;
      const listed = keptBy[list];
      // After those with as many points: the order taken breaks ties.
      if (listed) {
        // In place: splice would make an array of what it removes, every time.
        const place = headWith(listed, iPoints);
        for (let to = listed.push(i) - 1; to > place; to--) listed[to] = listed[to - 1] as number;
        listed[place] = i;
      } else keptBy[list] = [i];
    }
  }
  return { kept, dropped };
}
