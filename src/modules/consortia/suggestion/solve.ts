import { workerThread } from '../../../platform/worker-thread.ts';
import type { Candidate, Opportunity, Options } from './model.ts';
import { indexCandidates } from './pool.ts';
import { type Alternative, alternatives, type Method, type Suggestion, suggestConsortium } from './suggest.ts';

// One suggestion with its alternatives, in a form that can cross a thread. Both kinds run on worker threads, as
// both would otherwise hold the whole server while they work: a quick suggestion with its alternatives for a few
// tenths of a second over a large directory, and the exact solve, synchronous once started, for up to its time limit.
// Each kind has a thread of its own, one solve at a time, so a quick suggestion never waits behind an exact one.

export type SolveInput = { opportunity: Opportunity; candidates: Candidate[]; options: Options; method: Method };

export type Solved = Pick<Suggestion, 'method' | 'optimal' | 'objective' | 'members' | 'uncovered' | 'pruned'> & {
  alternatives: Alternative[];
  milliseconds: number;
};

export async function solve({ opportunity, candidates, options, method }: SolveInput): Promise<Solved> {
  const started = performance.now();
  const suggestion = await suggestConsortium(opportunity, indexCandidates(candidates), options, method);
  const { members, uncovered, pruned, objective, optimal } = suggestion;
  return {
    method: suggestion.method,
    optimal,
    objective,
    members,
    uncovered,
    pruned,
    alternatives: alternatives(suggestion),
    milliseconds: performance.now() - started,
  };
}

export class SolverBusyError extends Error {}

/**
 * A worker thread running solves, started on first use; `close` stops it. Solves wait their turn when one is
 * running; more than `maxWaiting` waiting are turned away.
 */
export function solverThread({ maxWaiting }: { maxWaiting: number }) {
  const thread = workerThread<{ input: SolveInput }, Solved>(new URL('./solve.worker.ts', import.meta.url), 'solver');
  const busy = () => thread.waiting() > maxWaiting;
  return {
    /** Whether a solve asked for now would be turned away: checked before the costly loading of candidates. */
    busy,
    solve(input: SolveInput): Promise<Solved> {
      if (busy()) return Promise.reject(new SolverBusyError('the solver is busy'));
      return thread.request({ input });
    },
    close: thread.close,
  };
}
