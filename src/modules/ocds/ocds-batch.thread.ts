import { Worker } from 'node:worker_threads';
import type { CheckedBatch } from './ocds-batch.ts';

// Imports parse, check and compile their releases on a thread of their own, started on first use and kept: the
// import's own thread is then left to feed the database, which stores one batch while the next is read. Parsing,
// schema checks and compiling are most of an import's work, and would otherwise keep the server from answering
// anyone else meanwhile.

export type BatchRequest = {
  id: number;
  /** Which import the batch belongs to: each has its own file, and so its own ids already seen. */
  importId: number;
  /** The batch's part of the file, and where each release is in it (start and end, in pairs). */
  bytes: Uint8Array;
  spans: Uint32Array;
  /** The place in the file (from 0) of the batch's first release. */
  first: number;
  /** Whether each release's text comes back too (for a database that takes parameters as text). */
  withText: boolean;
};
export type BatchReply = { id: number; batch?: CheckedBatch; unreadable?: true; error?: string };
/** A batch checked, or 'unreadable' when a release in it is not JSON. */
export type BatchResult = CheckedBatch | 'unreadable';

type Waiting = { resolve: (result: BatchResult) => void; reject: (error: Error) => void };
let current: { worker: Worker; pending: Map<number, Waiting> } | undefined;
let nextId = 0;
let nextImport = 0;

function start() {
  const thread = { worker: new Worker(new URL('./ocds-batch.worker.ts', import.meta.url)), pending: new Map() };
  // A crashed thread's late events touch only its own batches, never those of the thread started after it.
  const failAll = (error: Error) => {
    for (const { reject } of thread.pending.values()) reject(error);
    thread.pending.clear();
    if (current === thread) current = undefined;
  };
  thread.worker.on('message', ({ id, batch, unreadable, error }: BatchReply) => {
    const waiting = thread.pending.get(id);
    thread.pending.delete(id);
    if (batch) waiting?.resolve(batch);
    else if (unreadable) waiting?.resolve('unreadable');
    else waiting?.reject(new Error(error ?? 'the reading thread gave no answer'));
    // An idle thread never keeps the process alive.
    if (thread.pending.size === 0) thread.worker.unref();
  });
  thread.worker.on('error', failAll);
  thread.worker.on('exit', () => failAll(new Error('the reading thread stopped')));
  thread.worker.unref();
  return thread;
}

/** A number for one import's batches. */
export const newImportId = () => nextImport++;

/** Sends a batch to the reading thread; its bytes are moved there, not copied. */
export function checkInThread(request: Omit<BatchRequest, 'id'>): Promise<BatchResult> {
  current ??= start();
  const thread = current;
  const id = nextId++;
  return new Promise<BatchResult>((resolve, reject) => {
    thread.pending.set(id, { resolve, reject });
    thread.worker.ref();
    thread.worker.postMessage({ ...request, id }, [request.bytes.buffer as ArrayBuffer]);
  });
}

/** Lets the reading thread forget an import's ids. */
export function endImport(importId: number): void {
  current?.worker.postMessage({ end: importId });
}
