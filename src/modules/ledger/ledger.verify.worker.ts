import { parentPort } from 'node:worker_threads';
import { type BlockFormat, checkBlock, parseBlock } from './ledger.blocks.ts';

// A thread that parses and checks blocks of ledger entries for verification (see ledger.verify.pool.ts).
parentPort?.on('message', ({ id, format, text }: { id: number; format: BlockFormat; text: string }) => {
  try {
    parentPort?.postMessage({ id, result: checkBlock(parseBlock(format, text)) });
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
