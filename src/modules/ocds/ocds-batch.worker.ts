import { parentPort } from 'node:worker_threads';
import type { ThreadReply } from '../../platform/worker-thread.ts';
import type { BatchRequest, BatchResult } from './ocds-batch.thread.ts';
import { checkBatch, type ParsedRelease } from './ocds-batch.ts';
import { ReleaseIdentities, writtenOcid } from './ocds-file.ts';
import { recordsAsCopyRows } from './ocds-import.copy.ts';

// The imports' reading thread (ocds-batch.thread.ts): it parses, checks and compiles each batch in the order sent,
// keeping for each import the ids already seen in its file.
const seen = new Map<number, ReleaseIdentities>();

class Unreadable extends Error {}

/** Each release's ocid as the file writes it, and how many of the batch's releases each one has. */
function writtenOcids(bytes: Buffer, spans: Uint32Array) {
  const ocids = Array.from({ length: spans.length / 2 }, (_, at) =>
    writtenOcid(bytes, spans[at * 2] as number, spans[at * 2 + 1] as number),
  );
  const counts = new Map<string, number>();
  for (const ocid of ocids) if (ocid !== undefined) counts.set(ocid, (counts.get(ocid) ?? 0) + 1);
  return { ocids, counts };
}

function* parsed(
  bytes: Buffer,
  spans: Uint32Array,
  first: number,
  written: (string | undefined)[],
): Generator<ParsedRelease> {
  for (let at = 0; at < spans.length / 2; at++) {
    const text = bytes.toString('utf8', spans[at * 2], spans[at * 2 + 1]);
    let release: unknown;
    try {
      release = JSON.parse(text);
    } catch {
      throw new Unreadable();
    }
    yield { release, index: first + at, writtenOcid: written[at] };
  }
}

parentPort?.on('message', (message: (BatchRequest & { id: number }) | { end: number }) => {
  if ('end' in message) {
    seen.delete(message.end);
    return;
  }
  const { id, importId, bytes, spans, first, recordsForCopy } = message;
  let identities = seen.get(importId);
  if (!identities) {
    identities = new ReleaseIdentities();
    seen.set(importId, identities);
  }
  let reply: ThreadReply<BatchResult>;
  const transfer: ArrayBuffer[] = [];
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const written = writtenOcids(buffer, spans);
    const batch = checkBatch(parsed(buffer, spans, first, written.ocids), identities, written.counts);
    if (recordsForCopy) {
      const copied = recordsAsCopyRows(batch.records);
      batch.records = copied.records;
      transfer.push(copied.buffer);
    }
    reply = { id, result: batch };
  } catch (error) {
    reply = error instanceof Unreadable ? { id, result: 'unreadable' } : { id, error: String(error) };
  }
  parentPort?.postMessage(reply, transfer);
});
