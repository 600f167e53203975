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
 * The organisations to settle, entry k in each array describing one (see Roster for the first fields). Its
 * cells are those of the lots in `met` in the districts in `districts`: each such district has a cell of one of
 * those lots, so one organisation covers another's cells exactly when both masks cover the other's.
 */
export type Contenders = {
  points: number[];
  lead: number[];
  home: number[];
  reach: number[];
  /** The lots its services let it deliver, as a mask; -1 over 32 lots. */
  lots: number[];
  /** The lots it has a cell of, as a mask over lotWords words, from k·lotWords. */
  met: number[];
  lotWords: number;
  districts: number[];
};

/** Adds entry k to the lists of each bit set in `mask`, numbered from `base`. */
function list(lists: number[][], mask: number, base: number, k: number) {
  for (let rest = mask; rest !== 0; rest &= rest - 1) {
    const at = base + 31 - Math.clz32(rest & -rest);
    const listed = lists[at];
    if (listed) listed.push(k);
    else lists[at] = [k];
  }
}

/** The shortest list among those of the bits set in `mask`, stopping at an empty one. */
function shortest(lists: readonly number[][], mask: number, base: number, best: readonly number[]) {
  for (let rest = mask; rest !== 0 && best.length > 0; rest &= rest - 1)
    best = shortestOf(best, lists[base + 31 - Math.clz32(rest & -rest)]);
  return best;
}

const none: readonly number[] = [];
const shortestOf = (a: readonly number[], b: readonly number[] | undefined) =>
  b === undefined ? none : b.length < a.length ? b : a;

/**
 * Drops each organisation outpointed on every cell by a kept one that leads at least as well, taking them in
 * `order` (those likely to dominate first). A dominating one serves every district and has a cell of every
 * lot of the other, so only the kept ones listed under its least shared lot or district are tried, and the
 * cheap test on points comes before the one on cells. Returns the kept entries in order.
 */
export function dropOutpointed(
  contenders: Contenders,
  order: ArrayLike<number>,
  weights: Weights,
  reachLots: readonly number[],
): { kept: number[]; dropped: number } {
  const { points, lead, home, reach, lots, met, lotWords, districts } = contenders;
  const kept: number[] = [];
  const keptByLot: number[][] = [];
  const keptByDistrict: number[][] = [];
  let dropped = 0;
  const coversLots = (j: number, i: number) => {
    for (let word = 0; word < lotWords; word++)
      if (((met[i * lotWords + word] as number) & ~(met[j * lotWords + word] as number)) !== 0) return false;
    return true;
  };
  for (let at = 0; at < order.length; at++) {
    const i = order[at] as number;
    const iDistricts = districts[i] as number;
    let rarest = shortest(
      keptByDistrict,
      iDistricts,
      0,
      keptByDistrict[31 - Math.clz32(iDistricts & -iDistricts)] ?? none,
    );
    for (let word = 0; word < lotWords; word++)
      rarest = shortest(keptByLot, met[i * lotWords + word] as number, word * 32, rarest);
    const iLead = lead[i] as number;
    const iPoints = points[i] as number;
    const iHome = home[i] as number;
    const iReach = reach[i] as number;
    const iLots = lots[i] as number;
    let dominated = false;
    for (let r = 0; r < rarest.length && !dominated; r++) {
      const j = rarest[r] as number;
      dominated =
        (lead[j] as number) >= iLead &&
        (points[j] as number) -
          iPoints +
          localFloor(home[j] as number, iHome, iDistricts, weights.local) +
          reachFloor(reach[j] as number, iReach, iLots, weights.reach, reachLots) >=
          0 &&
        (iDistricts & ~(districts[j] as number)) === 0 &&
        coversLots(j, i);
    }
    if (dominated) {
      dropped++;
      continue;
    }
    kept.push(i);
    list(keptByDistrict, iDistricts, 0, i);
    for (let word = 0; word < lotWords; word++) list(keptByLot, met[i * lotWords + word] as number, word * 32, i);
  }
  return { kept, dropped };
}
