import { hash } from 'node:crypto';
import { binaryFields, type CopyValue, isoToMicros } from '../../db/copy-binary.ts';

// The social value ledger's hash chain, with no database: what an entry's hash covers and how it is computed.
// Verification and appending both call these, so the two can never disagree about the bytes.

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON with object keys sorted at every depth and no white space: one text for one value, whatever order its
 * keys were built in. Numbers must be finite (quantities are kept as decimal strings so they never round).
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no place for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
}

/** Every column of a ledger row that its hash covers. */
export type EntryContent = {
  seq: number;
  id: string;
  contractId: string;
  kind: string;
  subjectId: string | null;
  correctsId: string | null;
  actorUserId: string | null;
  /** ISO 8601 with its offset, as `Date.prototype.toISOString` or isoFromPostgres writes it. */
  recordedAt: string;
  /** The canonical JSON text exactly as stored. */
  body: string;
  previousHash: string;
};

/**
 * The exact bytes that are hashed: every column in a fixed order, each as PostgreSQL's binary COPY writes it, a
 * 4-byte big-endian length (-1 for null) then the value: seq as an 8-byte integer, ids as their 16 bytes, texts in
 * UTF-8, the time as microseconds since 2000-01-01 UTC in 8 bytes. Each value's length goes before it, so no two
 * different rows give the same bytes, nothing needs escaping, and verification hashes each row as the database
 * sends it, without rebuilding it. Anyone can recompute a hash in SQL: see migration 0029.
 */
export function hashedBytes(entry: EntryContent): Buffer {
  const micros = isoToMicros(entry.recordedAt);
  if (micros === undefined) throw new TypeError(`Not an ISO 8601 time with its offset: ${entry.recordedAt}`);
  const uuid = (value: string | null): CopyValue => (value === null ? null : { type: 'uuid', value });
  return binaryFields([
    { type: 'int8', value: entry.seq },
    uuid(entry.id),
    uuid(entry.contractId),
    { type: 'text', value: entry.kind },
    uuid(entry.subjectId),
    uuid(entry.correctsId),
    uuid(entry.actorUserId),
    { type: 'timestamptz', micros },
    { type: 'text', value: entry.body },
    { type: 'text', value: entry.previousHash },
  ]);
}

/**
 * A timestamptz as PostgreSQL writes it with TimeZone UTC and DateStyle ISO ("2026-04-01 09:30:00.12+00"), written
 * as Date.toISOString writes it ("2026-04-01T09:30:00.120Z"), with any finer digits kept.
 */
export function isoFromPostgres(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?\+00$/.exec(text);
  return match ? `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0')}Z` : text;
}

/** One call, with no Hash object to make: most of the cost of hashing a short text is the call itself. */
export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

export const entryHash = (entry: EntryContent): string => sha256Hex(hashedBytes(entry));

/** A stored row as read back for checking. */
export type StoredEntry = EntryContent & { hash: string };

export type ChainBreak = {
  seq: number;
  id: string;
  problem: 'missing' | 'order' | 'changed';
  message: string;
};

/** A stored entry as verification reads it: where it is, what it links to, its stored hash and its hashed bytes. */
export type LinkedEntry = { seq: number; id: string; previousHash: string; hash: string; hashed: Uint8Array };

/**
 * Checks one stored entry against the one before it in the chain (`expectedSeq` and `previousHash`). The first
 * test that fails names what is wrong: a gap in the numbering, a link to the wrong predecessor (moved, reordered,
 * or the entry before was changed and re-hashed), or content that no longer matches its own hash.
 */
export function checkLink(entry: LinkedEntry, expectedSeq: number, previousHash: string): ChainBreak | null {
  if (entry.seq !== expectedSeq) {
    const missing =
      entry.seq > expectedSeq
        ? `entry ${expectedSeq}${entry.seq - expectedSeq > 1 ? `–${entry.seq - 1}` : ''} is missing`
        : `entry ${entry.seq} appears again`;
    return {
      seq: entry.seq,
      id: entry.id,
      problem: 'missing',
      message: `Entry ${entry.seq} (${entry.id}) follows entry ${expectedSeq - 1}: ${missing}.`,
    };
  }
  if (entry.previousHash !== previousHash) {
    return {
      seq: entry.seq,
      id: entry.id,
      problem: 'order',
      message:
        `Entry ${entry.seq} (${entry.id}) does not follow entry ${entry.seq - 1}: its previous hash is not that ` +
        `entry's hash, so entries were reordered or removed, or entry ${entry.seq - 1} was changed and re-hashed.`,
    };
  }
  if (sha256Hex(entry.hashed) !== entry.hash) {
    return {
      seq: entry.seq,
      id: entry.id,
      problem: 'changed',
      message: `Entry ${entry.seq} (${entry.id}) was changed: its content no longer matches its hash.`,
    };
  }
  return null;
}

/** checkLink for an entry given column by column. */
export const checkEntry = (entry: StoredEntry, expectedSeq: number, previousHash: string): ChainBreak | null =>
  checkLink({ ...entry, hashed: hashedBytes(entry) }, expectedSeq, previousHash);
