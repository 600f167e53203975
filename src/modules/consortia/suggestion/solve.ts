import { Worker } from 'node:worker_threads';
import type { Candidate, Opportunity, Options } from './model.ts';
import { indexCandidates } from './pool.ts';
import { type Alternative, alternatives, type Method, type Suggestion, suggestConsortium } from './suggest.ts';

// One suggestion with its alternatives, in a form that can cross a thread. The quick (heuristic) suggestion runs
// in the request. HiGHS runs synchronously once started, so an exact solve would hold the whole server for up to
// its time limit: it runs on a worker thread instead, one solve at a time, with the solver loaded once.

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

/** Exact solves wait their turn when one is running; more than this many waiting are turned away. */
const MAX_WAITING = 2;

export class SolverBusyError extends Error {}

type Waiting = { resolve: (solved: Solved) => void; reject: (error: Error) => void };

/** A worker thread running exact solves, started on first use; `close` stops it. */
export function exactSolver() {
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
  const busy = () => (current?.pending.size ?? 0) > MAX_WAITING;
  return {
    /** Whether a solve asked for now would be turned away: checked before the costly loading of candidates. */
    busy,
    solve(input: SolveInput): Promise<Solved> {
      if (busy()) return Promise.reject(new SolverBusyError('the exact solver is busy'));
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
