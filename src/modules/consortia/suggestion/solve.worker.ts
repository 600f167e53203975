import { parentPort } from 'node:worker_threads';
import { type SolveInput, solve } from './solve.ts';

// A solver thread (see solve.ts): the worker answers each request in the order it came.
let queue = Promise.resolve();
parentPort?.on('message', ({ id, input }: { id: number; input: SolveInput }) => {
  queue = queue.then(async () => {
    try {
      parentPort?.postMessage({ id, result: await solve(input) });
    } catch (error) {
      parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
