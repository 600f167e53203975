// The first, cheap round of dominance pruning (see problem.ts for why dominance is sound), on points rather
// than weights so that most organisations are dropped before their weights are worked out.
//
// An organisation's points on a cell are its own points, plus the local bonus on its home district, plus the
// reach bonus on lots its tier can take on. j outpoints i on every cell of i when j's points less i's, plus the
// least difference of the local bonuses over i's districts, plus the least difference of the reach bonuses over
// i's lots, is not negative: the sum of the two least parts is never more than the least of the sums. A weight
// is points times the cell's value, rounded, so j then weighs at least as much as i on every cell.
import type { Candidate, Weights } from './model.ts';

export type Contender = {
  index: number;
  candidate: Candidate;
  /** Shared by the organisations of one profile: they deliver the same cells. */
  profile: { cells: Int32Array; cellSet: Uint32Array; districts: number; lots: number };
  points: number;
  lead: number | null;
  /** Home district bit, or -1. */
  home: number;
  /** Tier, 0 when unknown: an index into the reach masks. */
  reach: number;
};

/** The least, over i's districts, of j's local bonus less i's. */
function localFloor(j: Contender, i: Contender, local: number): number {
  if (j.home === i.home) return 0;
  if (i.home >= 0 && i.profile.districts & (1 << i.home)) return -local;
  return j.home >= 0 && i.profile.districts === 1 << j.home ? local : 0;
}

/** The least, over i's lots, of j's reach bonus less i's; with no lot mask (over 32 lots), the worst case. */
function reachFloor(j: Contender, i: Contender, reach: number, reachLots: readonly number[]): number {
  const lots = i.profile.lots;
  if (lots < 0) return j.reach === i.reach ? 0 : -reach;
  const byJ = (reachLots[j.reach] as number) & lots;
  const byI = (reachLots[i.reach] as number) & lots;
  if ((byI & ~byJ) !== 0) return -reach;
  return byJ === lots && byI === 0 ? reach : 0;
}

const leadOf = (contender: Contender) => contender.lead ?? Number.NEGATIVE_INFINITY;

/**
 * The most any organisation of a profile could ask of a dominating one: its best points and lead, a local bonus
 * lost when any of them is based in a district of the profile, and a reach bonus lost when any of them reaches
 * a lot the dominating one does not. An organisation that outpoints this outpoints every one of them, so most
 * profiles are settled with one test rather than one for each organisation.
 */
type Envelope = { points: number; lead: number; localInside: boolean; reachLots: number };

function envelopeOf(group: readonly Contender[], reachLots: readonly number[]): Envelope {
  let points = Number.NEGATIVE_INFINITY;
  let lead = Number.NEGATIVE_INFINITY;
  let localInside = false;
  let reached = 0;
  for (const contender of group) {
    points = Math.max(points, contender.points);
    lead = Math.max(lead, leadOf(contender));
    const { home, profile } = contender;
    if (home >= 0 && profile.districts & (1 << home)) localInside = true;
    reached |= (reachLots[contender.reach] as number) & profile.lots;
  }
  return { points, lead, localInside, reachLots: reached };
}

function outpointsAll(j: Contender, envelope: Envelope, lots: number, weights: Weights, reachLots: readonly number[]) {
  if (leadOf(j) < envelope.lead) return false;
  const local = envelope.localInside ? -weights.local : 0;
  const reach = lots < 0 || (envelope.reachLots & ~(reachLots[j.reach] as number)) !== 0 ? -weights.reach : 0;
  return j.points - envelope.points + local + reach >= 0;
}

const covers = (j: Contender, cellSet: Uint32Array) => {
  const otherSet = j.profile.cellSet;
  for (let word = 0; word < cellSet.length; word++)
    if (((cellSet[word] as number) & ~(otherSet[word] as number)) !== 0) return false;
  return true;
};

/**
 * Drops each organisation outpointed on every cell by a kept one that leads at least as well. Takes the
 * organisations by profile (those of one profile share its cells); profiles with more cells first, and within
 * a profile more points first, so that those likely to dominate are kept before those they dominate.
 */
export function dropOutpointed(
  groups: readonly Contender[][],
  cellCount: number,
  weights: Weights,
  reachLots: readonly number[],
): { kept: Contender[]; dropped: number } {
  const order = groups
    .filter((group) => group.length > 0)
    .map((group) => ({
      group: group.toSorted((a, b) => b.points - a.points || leadOf(b) - leadOf(a) || a.index - b.index),
      envelope: envelopeOf(group, reachLots),
      profile: (group[0] as Contender).profile,
    }))
    .sort((a, b) => b.profile.cells.length - a.profile.cells.length || b.envelope.points - a.envelope.points);
  const kept: Contender[] = [];
  const keptByCell: Contender[][] = Array.from({ length: cellCount }, () => []);
  let dropped = 0;
  for (const { group, envelope, profile } of order) {
    const { cells, cellSet, lots } = profile;
    // A dominating organisation covers every cell of these, so only those covering their least covered cell
    // are tried.
    let rarest = keptByCell[cells[0] as number] as Contender[];
    for (const c of cells)
      if ((keptByCell[c] as Contender[]).length < rarest.length) rarest = keptByCell[c] as Contender[];
    if (rarest.some((other) => outpointsAll(other, envelope, lots, weights, reachLots) && covers(other, cellSet))) {
      dropped += group.length;
      continue;
    }
    for (const contender of group) {
      const lead = leadOf(contender);
      const dominated = rarest.some((other) => {
        if (leadOf(other) < lead) return false;
        if (
          other.points -
            contender.points +
            localFloor(other, contender, weights.local) +
            reachFloor(other, contender, weights.reach, reachLots) <
          0
        )
          return false;
        return other.profile === profile || covers(other, cellSet);
      });
      if (dominated) {
        dropped++;
        continue;
      }
      kept.push(contender);
      for (const c of cells) keptByCell[c]?.push(contender);
    }
  }
  return { kept, dropped };
}
