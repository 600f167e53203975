import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { programmeObjective, reduceByBound } from './bound.ts';
import { solveExact } from './exact.ts';
import { cellValues, flatten, type GainsContext, gainsAlone, greedy, leadOf, neighbourGains } from './gains.ts';
import { searchHeuristic } from './heuristic.ts';
import { type Candidate, DEFAULT_OPTIONS, type Opportunity, type Options } from './model.ts';
import { evaluate, weightMatrix } from './objective.ts';
import { indexCandidates } from './pool.ts';
import { buildProblem, canReach, type Member, POINT, problemOf, scan } from './problem.ts';
import { alternatives, suggestConsortium } from './suggest.ts';

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const some = <T>(items: readonly T[]) => {
    const chosen = items.filter(() => next() < 0.5);
    return chosen.length > 0 ? chosen : [pick(items)];
  };
  return { next, pick, some };
}

const SERVICES = ['102', '103', '105'];
const DISTRICTS = ['E07000105', 'E07000106', 'E07000107'];

function smallCase(
  seed: number,
  candidates: number,
): { opportunity: Opportunity; pool: Candidate[]; options: Options } {
  const { next, pick, some } = random(seed);
  const pool = Array.from({ length: candidates }, (_, n): Candidate => {
    const districts = some(DISTRICTS);
    const canLead = next() < 0.5;
    return {
      id: `org-${n}`,
      name: `Organisation ${n}`,
      tier: pick([1, 2, 3, 4, 5, null] as const),
      services: some(SERVICES),
      districts,
      homeDistrict: next() < 0.7 ? pick(districts) : undefined,
      readiness: Math.round(next() * 10) / 10,
      coreOutcomes: some(['A', 'B', 'C']),
      valueAddingOutcomes: some(['A', 'B', 'C', 'D']),
      leadRating: canLead && next() < 0.8 ? Math.round(next() * 50) / 10 : null,
      canLead,
    };
  });
  const opportunity = {
    lots: ['one', 'two'].map((id) => ({
      id,
      services: some(SERVICES).slice(0, 2),
      districts: DISTRICTS,
      valuePence: Math.round(next() * 100) * 1_000_00,
    })),
    outcomes: some(['A', 'B', 'C', 'D']),
  };
  const options = {
    maxMembers: 2 + Math.floor(next() * 3),
    minSharePercent: pick([0, 10, 20, 30]),
    weights: DEFAULT_OPTIONS.weights,
  };
  return { opportunity, pool, options };
}

type Outcome = { uncovered: number; hasLead: boolean; objective: number };
/** Coverage first, then having a lead, then the objective: the order the costs in the solvers encode. */
const better = (a: Outcome, b: Outcome) =>
  a.uncovered !== b.uncovered
    ? a.uncovered < b.uncovered
    : a.hasLead !== b.hasLead
      ? a.hasLead
      : a.objective > b.objective;

/**
 * Every assignment of every cell to any organisation able to deliver it (or to no one), over the whole pool with
 * nothing pruned, each with its best lead: the optimum by brute force.
 */
function bruteForce(opportunity: Opportunity, pool: Candidate[], options: Options): Outcome {
  // Every organisation that can deliver a cell, with its weights worked out here from their definition, so
  // that nothing the solvers prune is missing.
  const found = scan(opportunity, indexCandidates(pool), options);
  const outcomes = new Set(opportunity.outcomes);
  const members = pool.flatMap((candidate, index): Member[] => {
    const cells = found.cells.flatMap((cell, c) =>
      opportunity.lots[cell.lot]?.services.every((code) => candidate.services.includes(code)) &&
      candidate.districts.includes(cell.district)
        ? [c]
        : [],
    );
    if (cells.length === 0) return [];
    const { weights } = options;
    const core = candidate.coreOutcomes.filter((code) => outcomes.has(code)).length;
    const valueAdding = candidate.valueAddingOutcomes.filter(
      (code) => outcomes.has(code) && !candidate.coreOutcomes.includes(code),
    ).length;
    const points =
      Math.round(candidate.readiness * 10) * weights.readiness +
      core * weights.coreOutcome +
      valueAdding * weights.valueAddingOutcome;
    const cellWeights = cells.map((c) => {
      const cell = found.cells[c] as (typeof found.cells)[number];
      const cellPoints =
        points +
        (candidate.homeDistrict === cell.district ? weights.local : 0) +
        (canReach(candidate.tier, opportunity.lots[cell.lot]?.valuePence ?? 0) ? weights.reach : 0);
      return Math.round((cellPoints * POINT * cell.valuePence) / found.totalValue);
    });
    const leadBonus = candidate.canLead ? Math.round(weights.leadStar * (candidate.leadRating ?? 0) * POINT) : null;
    return [{ index, candidate, cells: Int32Array.from(cells), weights: Int32Array.from(cellWeights), leadBonus }];
  });
  const capable = found.cells.map((_, c) => members.flatMap((member, k) => (member.cells.includes(c) ? [k] : [])));
  const problem = {
    ...problemOf(found),
    members,
    coverable: Uint8Array.from(capable, (list) => (list.length > 0 ? 1 : 0)),
  };
  const matrix = weightMatrix(problem);
  const owner = new Int32Array(problem.cells.length).fill(-1);
  let best: Outcome = { uncovered: Number.POSITIVE_INFINITY, hasLead: false, objective: Number.NEGATIVE_INFINITY };
  const consider = () => {
    const owners = new Set(Array.from(owner).filter((k) => k >= 0));
    // The lead is one of the members, or (when no share is required) someone who only leads.
    const leads = [-1, ...problem.members.keys()].filter(
      (k) => k < 0 || (problem.members[k]?.leadBonus !== null && (owners.has(k) || problem.minShareValue === 0)),
    );
    for (const lead of leads) {
      const evaluation = evaluate(problem, matrix, { owner, lead });
      if (evaluation.feasible && better(evaluation, best)) best = evaluation;
    }
  };
  const assign = (c: number) => {
    if (c === problem.cells.length) return consider();
    for (const k of [-1, ...(capable[c] ?? [])]) {
      owner[c] = k;
      assign(c + 1);
    }
    owner[c] = -1;
  };
  assign(0);
  return best;
}

/** The gains by their definition, one set at a time: the `count` members adding most to the set, best first. */
function gains(context: GainsContext, set: readonly number[], count: number): { k: number; gain: number }[] {
  const { problem, flat } = context;
  const values = cellValues(context, set);
  const lead = leadOf(problem, set);
  const inSet = new Uint8Array(problem.members.length);
  for (const k of set) inSet[k] = 1;
  // Only the best few are wanted, so they are kept in order as found rather than sorting them all.
  const best: { k: number; gain: number }[] = [];
  const { start, cells, weights } = flat;
  for (let k = 0; k < problem.members.length; k++) {
    if (inSet[k]) continue;
    const bonus = flat.lead[k] as number;
    let gain = Math.max(0, (Number.isNaN(bonus) ? lead : bonus) - lead) - problem.memberCost;
    for (let at = start[k] as number; at < (start[k + 1] as number); at++) {
      const weight = weights[at] as number;
      const value = values[cells[at] as number] as number;
      if (weight > value) gain += weight - value;
    }
    // Ties go to the lower k, which comes first here, so a later one must be strictly better to pass it.
    if (best.length === count && gain <= (best[count - 1] as { gain: number }).gain) continue;
    let at = best.length < count ? best.length : count - 1;
    while (at > 0 && (best[at - 1] as { gain: number }).gain < gain) {
      best[at] = best[at - 1] as { k: number; gain: number };
      at--;
    }
    best[at] = { k, gain };
  }
  return best;
}

describe('consortium suggestion', () => {
  test('the exact solve matches brute force over the unpruned pool on small cases, and the heuristic comes close', async (t) => {
    const ratios: number[] = [];
    let pruned = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { opportunity, pool, options } = smallCase(seed, 6 + (seed % 5));
      const optimum = bruteForce(opportunity, pool, options);
      const problem = buildProblem(opportunity, indexCandidates(pool), options);
      pruned += problem.pruned.belowShare + problem.pruned.dominated;
      const matrix = weightMatrix(problem);
      const exact = evaluate(problem, matrix, (await solveExact(problem)).assignment);
      assert.ok(exact.feasible, `seed ${seed}: exact solution breaks a constraint`);
      assert.deepEqual(
        { uncovered: exact.uncovered, hasLead: exact.hasLead, objective: exact.objective },
        { uncovered: optimum.uncovered, hasLead: optimum.hasLead, objective: optimum.objective },
        `seed ${seed}`,
      );
      const heuristic = searchHeuristic(problem).evaluation;
      assert.ok(heuristic.feasible, `seed ${seed}: heuristic solution breaks a constraint`);
      assert.ok(!better(heuristic, optimum), `seed ${seed}: heuristic beats the optimum`);
      if (heuristic.uncovered === optimum.uncovered && heuristic.hasLead === optimum.hasLead && optimum.objective > 0)
        ratios.push(heuristic.objective / optimum.objective);
    }
    const mean = ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length;
    t.diagnostic(
      `heuristic / optimum on ${ratios.length} small cases: mean ${mean.toFixed(4)}, min ${Math.min(...ratios).toFixed(4)}`,
    );
    assert.ok(mean >= 0.97);
    assert.ok(pruned > 0, 'the cases exercise pruning');
  });

  test('the local search’s moves worked out together are the gains worked out one set at a time', () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { opportunity, pool, options } = smallCase(seed, 8 + (seed % 5));
      const problem = buildProblem(opportunity, indexCandidates(pool), options);
      const context = { problem, matrix: weightMatrix(problem), flat: flatten(problem) };
      const count = problem.members.length;
      // Sets of one to four members, spread over the pool, including leads and members with few cells.
      for (let size = 1; size <= Math.min(4, count); size++) {
        const set = Array.from({ length: size }, (_, at) => (seed * 7 + at * 5) % count).filter(
          (k, at, all) => all.indexOf(k) === at,
        );
        const moves = neighbourGains(context, set, 4);
        assert.deepEqual(moves.add, gains(context, set, 4), `seed ${seed}: adding to ${set}`);
        set.forEach((m, at) => {
          const rest = set.filter((k) => k !== m);
          assert.deepEqual(moves.swap[at], gains(context, rest, 4), `seed ${seed}: swapping ${m} out of ${set}`);
          compared++;
        });
      }
    }
    assert.ok(compared > 100);
  });

  test('the lazy greedy adds the members the plain greedy would', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { opportunity, pool, options } = smallCase(seed, 8 + (seed % 5));
      const problem = buildProblem(opportunity, indexCandidates(pool), options);
      const context = { problem, matrix: weightMatrix(problem), flat: flatten(problem) };
      const alone = gainsAlone(context);
      for (const first of [[], [seed % problem.members.length]]) {
        const plain = [...first];
        while (plain.length < options.maxMembers) {
          const [best] = gains(context, plain, 1);
          if (!best || best.gain <= 0) break;
          plain.push(best.k);
        }
        assert.deepEqual(greedy(context, first, alone), plain, `seed ${seed}, from ${first}`);
      }
    }
  });

  test('the bound is never below the optimum, and keeps whoever a better consortium needs', async () => {
    let dropped = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { opportunity, pool, options } = smallCase(seed, 6 + (seed % 5));
      const optimum = bruteForce(opportunity, pool, options);
      const problem = buildProblem(opportunity, indexCandidates(pool), options);
      const optimal =
        optimum.objective - problem.uncoveredCost * optimum.uncovered - (optimum.hasLead ? 0 : problem.noLeadCost);
      // From the heuristic's consortium, and from a poorer one (its first member alone), which leaves the bound
      // room to keep members that a better consortium needs.
      const { assignment, evaluation } = searchHeuristic(problem);
      const first = evaluation.members[0] ?? -1;
      const poorer = {
        owner: Int32Array.from(assignment.owner, (k) => (k === first ? k : -1)),
        lead: assignment.lead === first ? first : -1,
      };
      for (const known of [assignment, poorer]) {
        const matrix = weightMatrix(problem);
        const knownEvaluation = evaluate(problem, matrix, known);
        if (!knownEvaluation.feasible) continue;
        const reduction = reduceByBound(problem, known, programmeObjective(problem, knownEvaluation));
        assert.ok(reduction.bound >= optimal - 1e-6, `seed ${seed}: bound ${reduction.bound} below ${optimal}`);
        if (reduction.proved) {
          assert.ok(programmeObjective(problem, knownEvaluation) >= optimal, `seed ${seed}: proved a poorer one`);
          continue;
        }
        dropped += problem.members.length - reduction.keep.size;
        const solved = evaluate(problem, matrix, (await solveExact(problem, { start: known })).assignment);
        assert.equal(solved.objective, optimum.objective, `seed ${seed}: the optimum was dropped`);
      }
    }
    assert.ok(dropped > 0, 'the cases exercise dropping by the bound');
  });

  test('from no consortium at all, the branch and bound finds the optimum and proves it', async () => {
    let branched = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const { opportunity, pool, options } = smallCase(seed, 6 + (seed % 5));
      const optimum = bruteForce(opportunity, pool, options);
      const problem = buildProblem(opportunity, indexCandidates(pool), options);
      const nobody = { owner: new Int32Array(problem.cells.length).fill(-1), lead: -1 };
      const solved = await solveExact(problem, { start: nobody });
      assert.ok(solved.optimal, `seed ${seed}: not proved optimal`);
      if (solved.nodes > 1) branched++;
      const found = evaluate(problem, weightMatrix(problem), solved.assignment);
      assert.ok(found.feasible, `seed ${seed}: breaks a constraint`);
      assert.deepEqual(
        { uncovered: found.uncovered, hasLead: found.hasLead, objective: found.objective },
        { uncovered: optimum.uncovered, hasLead: optimum.hasLead, objective: optimum.objective },
        `seed ${seed}`,
      );
    }
    assert.ok(branched > 0, 'the cases exercise branching');
  });

  const opportunity: Opportunity = {
    lots: [
      { id: 'advice', services: ['105'], districts: ['A', 'B', 'C'], valuePence: 90_000_00 },
      { id: 'training', services: ['102', '113'], districts: ['A', 'B', 'C'], valuePence: 60_000_00 },
      { id: 'animals', services: ['111'], districts: ['A'], valuePence: 10_000_00 },
    ],
    outcomes: ['O1', 'O2'],
  };
  const organisation = (id: string, fields: Partial<Candidate>): Candidate => ({
    id,
    name: id,
    tier: 3,
    services: [],
    districts: [],
    readiness: 0.5,
    coreOutcomes: [],
    valueAddingOutcomes: [],
    leadRating: null,
    canLead: false,
    ...fields,
  });
  const pool = indexCandidates([
    organisation('county-advice', {
      services: ['105'],
      districts: ['A', 'B', 'C'],
      canLead: true,
      leadRating: 4,
      tier: 5,
      readiness: 0.9,
    }),
    organisation('local-advice', { services: ['105'], districts: ['B'], homeDistrict: 'B', coreOutcomes: ['O1'] }),
    organisation('skills', { services: ['102', '113'], districts: ['A', 'B', 'C'], valueAddingOutcomes: ['O2'] }),
    organisation('half-skills', { services: ['102'], districts: ['A', 'B', 'C'], canLead: true, leadRating: 5 }),
  ]);

  for (const method of ['heuristic', 'exact'] as const)
    test(`the ${method} suggestion covers every requirement it can, with one lead and meaningful shares`, async () => {
      const suggestion = await suggestConsortium(opportunity, pool, DEFAULT_OPTIONS, { method });
      const covered = suggestion.members.flatMap((member) =>
        member.cells.map((cell) => `${cell.lotId} ${cell.district}`),
      );
      assert.deepEqual(covered.toSorted(), [
        'advice A',
        'advice B',
        'advice C',
        'training A',
        'training B',
        'training C',
      ]);
      assert.deepEqual(suggestion.uncovered, [
        {
          lotId: 'animals',
          district: 'A',
          reason: 'No organisation offers every service of this lot in this district',
        },
      ]);
      assert.deepEqual(
        suggestion.members.filter((member) => member.role === 'lead').map((member) => member.id),
        ['county-advice'],
      );
      for (const member of suggestion.members) {
        assert.ok(member.sharePercent >= DEFAULT_OPTIONS.minSharePercent, `${member.id} has ${member.sharePercent}%`);
        assert.ok(member.reasons.length > 0);
      }
      assert.ok(
        suggestion.members
          .find((member) => member.id === 'county-advice')
          ?.reasons.includes('Rated 4 out of 5 as a lead'),
      );
      if (method === 'exact') assert.equal(suggestion.optimal, true);
    });

  test('each alternative says what leaving a member out would change', async () => {
    const suggestion = await suggestConsortium(opportunity, pool);
    const byMember = new Map(alternatives(suggestion).map((alternative) => [alternative.without, alternative]));
    assert.equal(byMember.size, suggestion.members.length);
    // Only one organisation offers both training services: without it the training lot goes uncovered.
    assert.deepEqual(byMember.get('skills')?.uncoveredChange, 3);
    assert.deepEqual(byMember.get('county-advice')?.removed, ['county-advice']);
    assert.ok((byMember.get('county-advice')?.objectiveChange ?? 0) < 0);
  });

  test('a minimum share no member can reach leaves the cells uncovered rather than failing', async () => {
    const suggestion = await suggestConsortium(
      opportunity,
      pool,
      { ...DEFAULT_OPTIONS, minSharePercent: 70 },
      {
        method: 'exact',
      },
    );
    assert.equal(suggestion.members.length, 0);
    assert.equal(suggestion.uncovered.length, 7);
  });
});
