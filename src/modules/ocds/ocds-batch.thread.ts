import { workerThread } from '../../platform/worker-thread.ts';
import type { CheckedBatch } from './ocds-batch.ts';

// Imports parse, check and compile their releases on a thread of their own, started on first use and kept: the
// import's own thread is then left to feed the database, which stores one batch while the next is read. Parsing,
// schema checks and compiling are most of an import's work, and would otherwise keep the server from answering
// anyone else meanwhile.

export type BatchRequest = {
  /** Which import the batch belongs to: each has its own file, and so its own ids already seen. */
  importId: number;
  /** The batch's part of the file, and where each release is in it (start and end, in pairs). */
  bytes: Uint8Array;
  spans: Uint32Array;
  /** The place in the file (from 0) of the batch's first release. */
  first: number;
  /** Whether each compiled release comes back as its record's row for COPY rather than as text. */
  recordsForCopy: boolean;
};
/** A batch checked, or 'unreadable' when a release in it is not JSON. */
export type BatchResult = CheckedBatch | 'unreadable';

const thread = workerThread<BatchRequest, BatchResult>(
  new URL('./ocds-batch.worker.ts', import.meta.url),
  'reading thread',
);
let nextImport = 0;

/** A number for one import's batches. */
export const newImportId = () => nextImport++;

/** Sends a batch to the reading thread; its bytes are moved there, not copied. */
export const checkInThread = (request: BatchRequest): Promise<BatchResult> =>
  thread.request(request, [request.bytes.buffer as ArrayBuffer]);

/** Lets the reading thread forget an import's ids. */
export const endImport = (importId: number): void => thread.tell({ end: importId });
