import type { Candidate } from './model.ts';

/**
 * Organisations with the same services and districts: they can deliver exactly the same cells of any
 * opportunity, so a suggestion works out coverage once per profile rather than once per organisation.
 */
export type Profile = { serviceSet: number; districts: number; members: Int32Array };

/** The pool with its codes turned into bit masks and grouped by profile once, as an index would. */
export type CandidatePool = {
  candidates: readonly Candidate[];
  serviceBit: ReadonlyMap<string, number>;
  serviceWords: number;
  /** The distinct combinations of services organisations offer: a few hundred, however large the pool. */
  serviceSets: readonly Uint32Array[];
  districtBit: ReadonlyMap<string, number>;
  profiles: readonly Profile[];
  /** Each organisation's home district as a bit number, -1 when it has none among the districts served. */
  homeBit: Int8Array;
  readinessTenths: Uint8Array;
  /** Each organisation's tier, 0 when unknown. */
  tiers: Uint8Array;
  /** Each organisation's lead rating (0 when it has none yet), -1 when it cannot lead. */
  leadRatings: Float64Array;
  /** The most organisations any profile has: the size of the scratch arrays a scan reuses across profiles. */
  largestProfile: number;
  /** Core and value-adding outcomes of organisation n in words n·outcomeWords to (n+1)·outcomeWords. */
  outcomeBit: ReadonlyMap<string, number>;
  outcomeWords: number;
  coreOutcomes: Uint32Array;
  valueAddingOutcomes: Uint32Array;
};

/** Whether bit `bit` is set in the mask of organisation n, stored from word n·words. */
export const hasBit = (masks: Uint32Array, n: number, words: number, bit: number) =>
  ((masks[n * words + (bit >>> 5)] as number) & (1 << (bit & 31))) !== 0;

// Kent and Medway have 13 districts; one word per profile keeps the scan cheap.
const MAX_DISTRICTS = 32;

function bitsOf(codes: Iterable<string>): Map<string, number> {
  const bits = new Map<string, number>();
  for (const code of codes) if (!bits.has(code)) bits.set(code, bits.size);
  return bits;
}

/** Sets a bit in a mask spread over 32-bit words. */
export function setBit(words: Uint32Array, bit: number, offset = 0) {
  const at = offset + (bit >>> 5);
  words[at] = (words[at] ?? 0) | (1 << (bit & 31));
}

export function indexCandidates(candidates: readonly Candidate[]): CandidatePool {
  const serviceBit = bitsOf(candidates.flatMap((candidate) => candidate.services));
  const districtBit = bitsOf(candidates.flatMap((candidate) => candidate.districts));
  if (districtBit.size > MAX_DISTRICTS) throw new Error(`At most ${MAX_DISTRICTS} districts are supported`);
  const serviceWords = Math.max(1, Math.ceil(serviceBit.size / 32));
  const serviceSets: Uint32Array[] = [];
  const serviceSetOf = new Map<string, number>();
  const byKey = new Map<string, { serviceSet: number; districts: number; members: number[] }>();
  candidates.forEach((candidate, n) => {
    const services = new Uint32Array(serviceWords);
    for (const code of candidate.services) setBit(services, serviceBit.get(code) ?? 0);
    const serviceKey = services.join(',');
    let serviceSet = serviceSetOf.get(serviceKey);
    if (serviceSet === undefined) {
      serviceSet = serviceSets.push(services) - 1;
      serviceSetOf.set(serviceKey, serviceSet);
    }
    let districts = 0;
    for (const code of candidate.districts) districts |= 1 << (districtBit.get(code) ?? 0);
    const key = `${serviceSet}|${districts}`;
    const profile = byKey.get(key);
    if (profile) profile.members.push(n);
    else byKey.set(key, { serviceSet, districts, members: [n] });
  });
  const profiles = [...byKey.values()].map((profile) => ({ ...profile, members: Int32Array.from(profile.members) }));
  const homeBit = Int8Array.from(candidates, (candidate) =>
    candidate.homeDistrict === undefined ? -1 : (districtBit.get(candidate.homeDistrict) ?? -1),
  );
  const outcomeBit = bitsOf(
    candidates.flatMap((candidate) => [...candidate.coreOutcomes, ...candidate.valueAddingOutcomes]),
  );
  const outcomeWords = Math.max(1, Math.ceil(outcomeBit.size / 32));
  const coreOutcomes = new Uint32Array(candidates.length * outcomeWords);
  const valueAddingOutcomes = new Uint32Array(candidates.length * outcomeWords);
  candidates.forEach((candidate, n) => {
    for (const code of candidate.coreOutcomes) setBit(coreOutcomes, outcomeBit.get(code) ?? 0, n * outcomeWords);
    for (const code of candidate.valueAddingOutcomes)
      setBit(valueAddingOutcomes, outcomeBit.get(code) ?? 0, n * outcomeWords);
  });
  return {
    candidates,
    serviceBit,
    serviceWords,
    serviceSets,
    districtBit,
    profiles,
    homeBit,
    readinessTenths: Uint8Array.from(candidates, (candidate) => Math.round(candidate.readiness * 10)),
    tiers: Uint8Array.from(candidates, (candidate) => candidate.tier ?? 0),
    leadRatings: Float64Array.from(candidates, (candidate) => (candidate.canLead ? (candidate.leadRating ?? 0) : -1)),
    largestProfile: profiles.reduce((most, profile) => Math.max(most, profile.members.length), 0),
    outcomeBit,
    outcomeWords,
    coreOutcomes,
    valueAddingOutcomes,
  };
}
