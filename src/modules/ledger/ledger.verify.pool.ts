import { Worker } from 'node:worker_threads';
import { type BlockFormat, type BlockResult, checkBlock, parseBlock } from './ledger.blocks.ts';

// Checks blocks of ledger entries on worker threads, so that a long chain is hashed on every core while the
// database streams the rest; with no workers, on this thread. Results are asked for in order by the caller.

export type BlockChecker = {
  check: (format: BlockFormat, text: string) => Promise<BlockResult>;
  close: () => Promise<void>;
};

export function blockChecker(workerCount: number): BlockChecker {
  if (workerCount < 1)
    return { check: async (format, text) => checkBlock(parseBlock(format, text)), close: async () => {} };
  const waiting = new Map<number, { resolve: (result: BlockResult) => void; reject: (error: Error) => void }>();
  const workers = Array.from({ length: workerCount }, () => {
    const worker = new Worker(new URL('./ledger.verify.worker.ts', import.meta.url));
    worker.on('message', ({ id, result, error }: { id: number; result?: BlockResult; error?: string }) => {
      const pending = waiting.get(id);
      waiting.delete(id);
      if (result) pending?.resolve(result);
      else pending?.reject(new Error(error ?? 'the ledger check thread gave no result'));
    });
    worker.on('error', (error) => {
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    });
    return worker;
  });
  let next = 0;
  return {
    check: (format, text) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        (workers[id % workers.length] as Worker).postMessage({ id, format, text });
      }),
    close: async () => {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
