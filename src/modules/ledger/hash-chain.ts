import { hash } from 'node:crypto';

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
  /** ISO 8601 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
  recordedAt: string;
  /** The canonical JSON text exactly as stored. */
  body: string;
  previousHash: string;
};

/**
 * The exact text that is hashed: a JSON array of every column in a fixed order, so no two different rows can
 * produce the same text (each value is quoted and escaped, and its position says which column it is).
 */
export function hashedText(entry: EntryContent): string {
  return JSON.stringify([
    entry.seq,
    entry.id,
    entry.contractId,
    entry.kind,
    entry.subjectId,
    entry.correctsId,
    entry.actorUserId,
    entry.recordedAt,
    entry.body,
    entry.previousHash,
  ]);
}

/**
 * hashedText, built from columns as verification reads them back: the body already written as a JSON string (by
 * the database's to_json, which escapes exactly as JSON.stringify does). Ids are uuids,
 * whose characters need no escaping. Building the text this way saves decoding and re-encoding every body.
 */
export function hashedTextFromStored(entry: {
  seq: number;
  id: string;
  contractId: string;
  kind: string;
  subjectId: string | null;
  correctsId: string | null;
  actorUserId: string | null;
  /** As isoFromPostgres gives it. */
  recordedAt: string;
  bodyJson: string;
  previousHash: string;
}): string {
  const uuid = (value: string | null) => (value === null ? 'null' : `"${value}"`);
  return (
    `[${entry.seq},"${entry.id}","${entry.contractId}",${JSON.stringify(entry.kind)},${uuid(entry.subjectId)},` +
    `${uuid(entry.correctsId)},${uuid(entry.actorUserId)},"${entry.recordedAt}",` +
    `${entry.bodyJson},${JSON.stringify(entry.previousHash)}]`
  );
}

/**
 * A timestamptz as PostgreSQL writes it with TimeZone UTC and DateStyle ISO ("2026-04-01 09:30:00.12+00"), written
 * as Date.toISOString writes it ("2026-04-01T09:30:00.120Z"). The service only ever stores whole milliseconds: a
 * time with finer digits keeps them, so its text differs from the one hashed and the entry shows as changed.
 */
export function isoFromPostgres(text: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?\+00$/.exec(text);
  return match ? `${match[1]}T${match[2]}.${(match[3] ?? '').padEnd(3, '0')}Z` : text;
}

/** One call, with no Hash object to make: most of the cost of hashing a short text is the call itself. */
export const sha256Hex = (data: string | Uint8Array): string => hash('sha256', data, 'hex');

export const entryHash = (entry: EntryContent): string => sha256Hex(hashedText(entry));

/** A stored row as read back for checking. */
export type StoredEntry = EntryContent & { hash: string };

export type ChainBreak = {
  seq: number;
  id: string;
  problem: 'missing' | 'order' | 'changed';
  message: string;
};

/** A stored entry as verification reads it: where it is, what it links to, its stored hash and its hashed text. */
/** `text` is the hashed text, or its UTF-8 bytes. */
export type LinkedEntry = { seq: number; id: string; previousHash: string; hash: string; text: string | Buffer };

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
  if (sha256Hex(entry.text) !== entry.hash) {
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
  checkLink({ ...entry, text: hashedText(entry) }, expectedSeq, previousHash);
