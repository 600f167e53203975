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
};

// Kent and Medway have 13 districts; one word per profile keeps the scan cheap.
const MAX_DISTRICTS = 32;

function bitsOf(codes: Iterable<string>): Map<string, number> {
  const bits = new Map<string, number>();
  for (const code of codes) if (!bits.has(code)) bits.set(code, bits.size);
  return bits;
}

/** Sets a bit in a mask spread over 32-bit words. */
export function setBit(words: Uint32Array, bit: number) {
  const at = bit >>> 5;
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
  return { candidates, serviceBit, serviceWords, serviceSets, districtBit, profiles };
}
