import { loadHighs, solveExact } from '../src/modules/consortia/suggestion/exact.ts';
import { searchHeuristic } from '../src/modules/consortia/suggestion/heuristic.ts';
import { type Candidate, DEFAULT_OPTIONS, type Opportunity } from '../src/modules/consortia/suggestion/model.ts';
import { evaluate, weightMatrix } from '../src/modules/consortia/suggestion/objective.ts';
import { type CandidatePool, indexCandidates } from '../src/modules/consortia/suggestion/pool.ts';
import { buildProblem } from '../src/modules/consortia/suggestion/problem.ts';
import { districts } from '../src/modules/geography/geography.ts';
import { SERVICES } from '../src/modules/organisations/catalogue.ts';
import type { Tier } from '../src/modules/organisations/tiers.ts';
import { numberList, percentile } from './stats.ts';

const SIZES = numberList(process.env.BENCH_SIZES, [12_000, 200_000]);
const OPPORTUNITIES = Number(process.env.BENCH_OPPORTUNITIES ?? 50);
const EXACT_LIMIT_SECONDS = Number(process.env.BENCH_EXACT_LIMIT_SECONDS ?? 30);
/** BENCH_EXACT=0 times the heuristic alone, for quick runs at large sizes. */
const EXACT = process.env.BENCH_EXACT !== '0';
const LOTS = 20;
const TARGET_HEURISTIC_P95_MS = 200;
const TARGET_RATIO = 0.97;
const TARGET_EXACT_MS = 5_000;
const TARGET_EXACT_SIZE = 12_000;

/** A small seeded generator (mulberry32), so every run sees the same organisations and opportunities. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  /** Picks by weight: a few services are far more common than the rest, as in the directory. */
  const weighted = <T>(items: readonly T[], weights: readonly number[]) => {
    let roll = next() * weights.reduce((sum, weight) => sum + weight, 0);
    for (const [at, item] of items.entries()) {
      roll -= weights[at] ?? 0;
      if (roll <= 0) return item;
    }
    return items[items.length - 1] as T;
  };
  const some = <T>(items: readonly T[], howMany: number, weights?: readonly number[]) => {
    const chosen = new Set<T>();
    while (chosen.size < Math.min(howMany, items.length))
      chosen.add(weights ? weighted(items, weights) : (items[between(0, items.length - 1)] as T));
    return [...chosen];
  };
  return { next, between, weighted, some };
}

const serviceCodes = SERVICES.map((service) => service.code);
const serviceWeights = serviceCodes.map((_, at) => 1 / (1 + at) ** 0.8);
const districtCodes = districts.map((district) => district.code);
const outcomeCodes = Array.from({ length: 16 }, (_, at) => `KM-O${at + 1}`);
const TIERS: Tier[] = [1, 2, 3, 4, 5];

/** Mostly small groups serving one to three districts with few services; a few large county-wide providers. */
export function generateCandidates(count: number, seed = 1): Candidate[] {
  const { next, between, weighted, some } = random(seed);
  return Array.from({ length: count }, (_, n) => {
    const tier = weighted(TIERS, [40, 30, 15, 10, 5]);
    const reach = [0, [1, 3], [1, 3], [2, 5], [3, 10], [8, 13]][tier] as [number, number];
    const serviceCount = [0, [1, 2], [1, 2], [1, 3], [2, 5], [3, 8]][tier] as [number, number];
    // Districts near one another: a run of neighbours in the list from a home district.
    const home = between(0, districtCodes.length - 1);
    const served = Array.from(
      { length: between(...reach) },
      (_, at) => districtCodes[(home + at) % districtCodes.length] as string,
    );
    const leads = tier >= 3 ? next() < 0.5 : next() < 0.05;
    return {
      id: `org-${n}`,
      name: `Organisation ${n}`,
      tier: next() < 0.03 ? null : tier,
      services: some(serviceCodes, between(...serviceCount), serviceWeights),
      districts: served,
      homeDistrict: next() < 0.9 ? served[0] : undefined,
      readiness: Math.min(1, 0.1 * tier + next() * 0.6),
      coreOutcomes: some(outcomeCodes, between(1, 3)),
      valueAddingOutcomes: some(outcomeCodes, between(0, 3)),
      leadRating: leads && next() < 0.7 ? Math.round(between(2, 10) * 5) / 10 : null,
      canLead: leads,
    };
  });
}

/** Twenty lots, each needing one or two of the commoner services across all thirteen districts. */
export function generateOpportunity(seed: number): Opportunity {
  const { between, some } = random(seed);
  return {
    lots: Array.from({ length: LOTS }, (_, at) => ({
      id: `lot-${at + 1}`,
      services: some(serviceCodes, between(1, 2), serviceWeights),
      districts: districtCodes,
      valuePence: between(20, 500) * 1_000_00,
    })),
    outcomes: some(outcomeCodes, between(2, 4)),
  };
}

/**
 * The floor: one pass over the indexed pool finding the organisations that offer every service of some lot in
 * some district of it, with no weights, pruning or search. Any suggestion has to do at least this much.
 */
function baselineScan(opportunity: Opportunity, pool: CandidatePool): number {
  const lots = opportunity.lots.map((lot) => {
    const mask = new Uint32Array(pool.serviceWords);
    let districts = 0;
    for (const code of lot.services) {
      const bit = pool.serviceBit.get(code);
      if (bit === undefined) return { mask, districts: 0 };
      mask[bit >>> 5] = (mask[bit >>> 5] as number) | (1 << (bit & 31));
    }
    for (const code of lot.districts) districts |= 1 << (pool.districtBit.get(code) ?? 31);
    return { mask, districts };
  });
  const servesSet = pool.serviceSets.map((services) =>
    lots.reduce(
      (served, lot) =>
        lot.mask.every((need, word) => ((services[word] ?? 0) & need) === need) ? served | lot.districts : served,
      0,
    ),
  );
  let found = 0;
  for (const profile of pool.profiles)
    if (((servesSet[profile.serviceSet] as number) & profile.districts) !== 0) found += profile.members.length;
  return found;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const verdict = (holds: boolean) => (holds ? 'HOLDS' : 'MISSED');

async function benchOne(size: number) {
  const started = performance.now();
  const pool = indexCandidates(generateCandidates(size, size));
  const indexing = performance.now() - started;
  const baseline: number[] = [];
  const heuristic: number[] = [];
  // CPU time as well as wall time: on a shared machine the wall time also counts other processes.
  const heuristicCpu: number[] = [];
  const exact: number[] = [];
  const ratios: number[] = [];
  const kept: number[] = [];
  const exactKept: number[] = [];
  const nodes: number[] = [];
  let proved = 0;
  let provedByBound = 0;
  let coveredAlike = 0;
  for (let n = 0; n < OPPORTUNITIES; n++) {
    const opportunity = generateOpportunity(1_000 + n);
    const baselineStarted = performance.now();
    baselineScan(opportunity, pool);
    baseline.push(performance.now() - baselineStarted);
    const heuristicStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    const problem = buildProblem(opportunity, pool, DEFAULT_OPTIONS);
    const found = searchHeuristic(problem);
    const cpu = process.cpuUsage(cpuStarted);
    heuristic.push(performance.now() - heuristicStarted);
    heuristicCpu.push((cpu.user + cpu.system) / 1000);
    kept.push(problem.members.length);
    if (!EXACT) continue;
    const exactStarted = performance.now();
    // As the product does: the exact solve starts from its own, longer heuristic search.
    const solved = await solveExact(buildProblem(opportunity, pool, DEFAULT_OPTIONS), {
      timeLimitSeconds: EXACT_LIMIT_SECONDS,
    });
    exact.push(performance.now() - exactStarted);
    exactKept.push(solved.kept);
    nodes.push(solved.nodes);
    if (solved.optimal) proved++;
    if (solved.optimal && solved.kept === 0) provedByBound++;
    const best = evaluate(problem, weightMatrix(problem), solved.assignment);
    if (best.uncovered === found.evaluation.uncovered && best.hasLead === found.evaluation.hasLead) {
      coveredAlike++;
      ratios.push(found.evaluation.objective / best.objective);
    }
  }
  const mean = ratios.reduce((sum, ratio) => sum + ratio, 0) / Math.max(1, ratios.length);
  const min = Math.min(...ratios);
  console.log(
    `\nConsortium suggestion, ${size.toLocaleString('en-GB')} organisations, ${OPPORTUNITIES} opportunities of ${LOTS} lots × ${districtCodes.length} districts: indexed in ${round(indexing)} ms; ${round(percentile(kept, 0.5))} organisations kept after pruning${EXACT ? `, ${round(percentile(exactKept, 0.5))} left for the branch and bound after the bound, ${round(percentile(nodes, 0.5))} nodes` : ''} (medians)`,
  );
  const timing = (figures: number[]) => ({
    'p50 ms': round(percentile(figures, 0.5)),
    'p95 ms': round(percentile(figures, 0.95)),
    'max ms': round(Math.max(...figures)),
  });
  console.table({
    'baseline (one pass finding who can deliver)': timing(baseline),
    'heuristic (scan, prune, search)': timing(heuristic),
    'heuristic, CPU time': timing(heuristicCpu),
    ...(EXACT ? { 'exact (scan, prune, long search, bound, branch and bound)': timing(exact) } : {}),
  });
  if (EXACT)
    console.log(
      `  exact proved optimal on ${proved} of ${OPPORTUNITIES} (${provedByBound} by the bound alone, time limit ${EXACT_LIMIT_SECONDS} s); same coverage and lead on ${coveredAlike}; heuristic / exact objective: mean ${mean.toFixed(4)}, min ${min.toFixed(4)}`,
    );
  return {
    size,
    heuristicP95: percentile(heuristic, 0.95),
    exactP95: percentile(exact, 0.95),
    exactMax: Math.max(...exact),
    mean,
    proved,
  };
}

/**
 * Suggesting a consortium for generated twenty-lot opportunities over generated pools of organisations: the
 * heuristic (the interactive path) against the exact solve, and how close the heuristic comes.
 */
export async function benchConsortiumSuggestion() {
  await loadHighs();
  const figures = [];
  for (const size of SIZES) figures.push(await benchOne(size));
  for (const figure of figures) {
    const where = figure.size.toLocaleString('en-GB');
    console.log(
      `  heuristic p95 under ${TARGET_HEURISTIC_P95_MS} ms at ${where}: ${verdict(figure.heuristicP95 < TARGET_HEURISTIC_P95_MS)} (${round(figure.heuristicP95)} ms)`,
    );
    if (!EXACT) continue;
    console.log(
      `  heuristic at least ${TARGET_RATIO * 100}% of the optimum on average at ${where}: ${verdict(figure.mean >= TARGET_RATIO && figure.proved === OPPORTUNITIES)} (${(figure.mean * 100).toFixed(2)}%${figure.proved < OPPORTUNITIES ? ', not every optimum proved' : ''})`,
    );
    if (figure.size === TARGET_EXACT_SIZE)
      console.log(
        `  exact solve under ${TARGET_EXACT_MS / 1000} s at ${where}: ${verdict(figure.exactMax < TARGET_EXACT_MS && figure.proved === OPPORTUNITIES)} (p95 ${round(figure.exactP95)} ms, max ${round(figure.exactMax)} ms, ${figure.proved} of ${OPPORTUNITIES} proved)`,
      );
  }
}

if (import.meta.main) await benchConsortiumSuggestion();
