import { Worker } from 'node:worker_threads';
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

type Reply = { id: number; solved?: Solved; error?: string };

export class SolverBusyError extends Error {}

type Waiting = { resolve: (solved: Solved) => void; reject: (error: Error) => void };

/**
 * A worker thread running solves, started on first use; `close` stops it. Solves wait their turn when one is
 * running; more than `maxWaiting` waiting are turned away.
 */
export function solverThread({ maxWaiting }: { maxWaiting: number }) {
  let current: { worker: Worker; pending: Map<number, Waiting> } | undefined;
  let nextId = 0;
  // Each thread's events touch only its own solves: a crashed thread's late 'exit' must not fail, or forget, the
  // thread started after it.
  const start = () => {
    const thread = { worker: new Worker(new URL('./solve.worker.ts', import.meta.url)), pending: new Map() };
    const failAll = (error: Error) => {
      for (const { reject } of thread.pending.values()) reject(error);
      thread.pending.clear();
      if (current === thread) current = undefined;
    };
    thread.worker.on('message', ({ id, solved, error }: Reply) => {
      const waiting = thread.pending.get(id);
      thread.pending.delete(id);
      if (solved) waiting?.resolve(solved);
      else waiting?.reject(new Error(error ?? 'the solver gave no answer'));
      // An idle solver never keeps the process alive.
      if (thread.pending.size === 0) thread.worker.unref();
    });
    thread.worker.on('error', failAll);
    thread.worker.on('exit', () => failAll(new Error('the solver stopped')));
    thread.worker.unref();
    return thread;
  };
  const busy = () => (current?.pending.size ?? 0) > maxWaiting;
  return {
    /** Whether a solve asked for now would be turned away: checked before the costly loading of candidates. */
    busy,
    solve(input: SolveInput): Promise<Solved> {
      if (busy()) return Promise.reject(new SolverBusyError('the solver is busy'));
      current ??= start();
      const thread = current;
      const id = nextId++;
      return new Promise<Solved>((resolve, reject) => {
        thread.pending.set(id, { resolve, reject });
        thread.worker.ref();
        thread.worker.postMessage({ id, input });
      });
    },
    async close() {
      const thread = current;
      current = undefined;
      if (thread) await thread.worker.terminate();
    },
  };
}
