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

/** A worker thread running exact solves, started on first use; `close` stops it. */
export function exactSolver() {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (solved: Solved) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    worker = undefined;
  };
  const start = () => {
    const started = new Worker(new URL('./solve.worker.ts', import.meta.url));
    started.on('message', ({ id, solved, error }: Reply) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (solved) waiting?.resolve(solved);
      else waiting?.reject(new Error(error ?? 'the solver gave no answer'));
    });
    started.on('error', failAll);
    started.on('exit', () => failAll(new Error('the solver stopped')));
    // An idle solver never keeps the process alive.
    started.unref();
    return started;
  };
  return {
    solve(input: SolveInput): Promise<Solved> {
      if (pending.size > MAX_WAITING) return Promise.reject(new SolverBusyError('the exact solver is busy'));
      worker ??= start();
      const id = nextId++;
      const running = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        running.ref();
        running.postMessage({ id, input });
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      }) as Promise<Solved>;
    },
    async close() {
      const running = worker;
      worker = undefined;
      if (running) await running.terminate();
    },
  };
}
