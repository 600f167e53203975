import { BinaryCopyReader } from '../../db/copy-binary.ts';
import { GENESIS_HASH, type LinkedEntry, sha256Hex } from './hash-chain.ts';

// On PostgreSQL verification reads the chain with binary COPY, the cheapest way out of the server. Each row
// arrives as its fields in binary COPY form, which is what an entry's hash covers (hashedBytes in hash-chain.ts):
// the bytes from seq to previous_hash are hashed where they lie, with nothing decoded, copied or rebuilt.
// hash-chain.test.ts and ledger.copied.test.ts check that they are the bytes hashedBytes makes.

/** The columns, in the order the rows below are read: those hashed, then the hash. */
export const COPIED_COLUMNS =
  'seq, id, contract_id, kind, subject_id, corrects_id, actor_user_id, recorded_at, body, previous_hash, hash';
const SEQ = 0;
const ID = 1;
const CONTRACT = 2;
const KIND = 3;
const SUBJECT = 4;
const CORRECTS = 5;
const ACTOR = 6;
const RECORDED_AT = 7;
const BODY = 8;
const PREVIOUS_HASH = 9;
const HASH = 10;

/** A row read back, or one whose columns cannot be what the service wrote (reported as changed). */
export type CopiedEntry = LinkedEntry | { seq: number; id: string; malformed: true };

/**
 * Reads binary COPY data chunk by chunk as it streams from the server. `check` follows the chain from
 * `expectedSeq` and `previousHash`, keeping nothing of a row that holds; `entries` reads every row as an entry,
 * checked by nothing.
 */
export class CopiedLedger {
  /** The seq the next row must have, and the hash it must link to: those of the last row that held. */
  expectedSeq: number;
  // The hash as its bytes, for the stored ones to be compared with in place.
  #previousHash: Buffer;
  /** Where each digest is written: 64 hex digits. */
  #digest: Buffer = Buffer.alloc(64);
  readonly #reader = new BinaryCopyReader(11);
  #stopped: CopiedEntry | null = null;
  /** Rows read before their turn, by seq, with where their fields are; see `readAhead`. */
  readonly #ahead = new Map<number, { data: Buffer; fields: Int32Array }>();
  readonly #readAhead: number;

  /**
   * `readAhead`: how many rows read before their turn are kept until the rows before them hold. Read in storage
   * order, a table written in seq order has a few rows out of place (one written where a rolled-back one was
   * freed); a row out of place beyond that counts as not following.
   */
  constructor(expectedSeq = 1, previousHash = GENESIS_HASH, { readAhead = 0 } = {}) {
    this.expectedSeq = expectedSeq;
    this.#previousHash = Buffer.from(previousHash, 'latin1');
    this.#readAhead = readAhead;
  }

  get previousHash(): string {
    return this.#previousHash.toString('latin1');
  }

  /**
   * Checks the chunk's rows in turn. Returns the first row that does not follow the chain (its seq is not the
   * next, it does not link to the hash before, or its content does not match its hash), read in full for
   * checkLink to say why; null while every row holds. Nothing after that row is checked.
   */
  check(chunk: Buffer, from = 0, to = chunk.length): CopiedEntry | null {
    if (this.#stopped === null) this.#reader.push(chunk, this.#followRow, from, to);
    return this.#stopped;
  }

  entries(chunk: Buffer, from = 0, to = chunk.length): CopiedEntry[] {
    const entries: CopiedEntry[] = [];
    this.#reader.push(chunk, (data, fields) => entries.push(entryOf(data, fields)), from, to);
    return entries;
  }

  // Made once: the reader is handed it for every message, which is every row.
  readonly #followRow = (data: Buffer, fields: Int32Array): void => {
    if (this.#stopped === null) this.#follow(data, fields);
  };

  /** At the end of the data: the first row still kept for a turn that never came (an entry is missing), or null. */
  end(): CopiedEntry | null {
    this.#reader.end();
    if (this.#stopped !== null || this.#ahead.size === 0) return this.#stopped;
    const first = Math.min(...this.#ahead.keys());
    const row = this.#ahead.get(first);
    return row ? entryOf(row.data, row.fields) : null;
  }

  #follow(data: Buffer, fields: Int32Array): void {
    const seq = seqOf(data, fields);
    if (seq > this.expectedSeq && Number.isSafeInteger(seq) && this.#ahead.size < this.#readAhead) {
      if (!this.#ahead.has(seq)) this.#ahead.set(seq, copyRow(data, fields));
      return;
    }
    if (!this.#holds(data, fields, seq)) {
      this.#stopped = entryOf(data, fields);
      return;
    }
    for (let next = this.#ahead.get(this.expectedSeq); next; next = this.#ahead.get(this.expectedSeq)) {
      this.#ahead.delete(this.expectedSeq);
      if (!this.#holds(next.data, next.fields, this.expectedSeq)) {
        this.#stopped = entryOf(next.data, next.fields);
        return;
      }
    }
  }

  /** Whether the row is the next entry of the chain; when it is, the chain moves on past it. */
  #holds(data: Buffer, fields: Int32Array, seq: number): boolean {
    if (
      seq !== this.expectedSeq ||
      !wellFormed(data, fields) ||
      !sameBytes(data, fields[2 * PREVIOUS_HASH] as number, fields[2 * PREVIOUS_HASH + 1] as number, this.#previousHash)
    )
      return false;
    const [start, end] = hashedRange(fields);
    const digest = sha256Hex(new Uint8Array(data.buffer, data.byteOffset + start, end - start));
    const digestBytes = this.#digest;
    digestBytes.write(digest, 0, 'latin1');
    if (!sameBytes(data, fields[2 * HASH] as number, fields[2 * HASH + 1] as number, digestBytes)) return false;
    // The digest is the next row's previous hash; the old one's bytes take the next digest.
    this.#digest = this.#previousHash.length === digestBytes.length ? this.#previousHash : Buffer.alloc(digest.length);
    this.#previousHash = digestBytes;
    this.expectedSeq = seq + 1;
    return true;
  }
}

/** Where the hashed bytes of a row lie: from seq's length to the end of previous_hash, just before the hash's length. */
function hashedRange(fields: Int32Array): [number, number] {
  return [(fields[2 * SEQ] as number) - 4, (fields[2 * HASH] as number) - 4];
}

/** The row's seq; NaN when it is missing. */
function seqOf(data: Buffer, fields: Int32Array): number {
  return fields[2 * SEQ + 1] === 8 ? int64(data, fields[2 * SEQ] as number) : Number.NaN;
}

/** The row read in full, with copies of its bytes: the reader's buffer is reused. */
function entryOf(data: Buffer, fields: Int32Array): CopiedEntry {
  const text = (column: number) => {
    const at = fields[2 * column] as number;
    return data.toString('utf8', at, at + Math.max(0, fields[2 * column + 1] as number));
  };
  const seq = seqOf(data, fields);
  const id = fields[2 * ID + 1] === 16 ? uuidText(data, fields[2 * ID] as number) : '';
  if (!wellFormed(data, fields) || !Number.isSafeInteger(seq))
    return { seq: Number.isSafeInteger(seq) ? seq : 0, id, malformed: true };
  const [start, end] = hashedRange(fields);
  return {
    seq,
    id,
    previousHash: text(PREVIOUS_HASH),
    hash: text(HASH),
    hashed: Buffer.from(data.subarray(start, end)),
  };
}

const NOT_NULL = [SEQ, ID, CONTRACT, KIND, RECORDED_AT, BODY, PREVIOUS_HASH, HASH];
const UUIDS = [ID, CONTRACT, SUBJECT, CORRECTS, ACTOR];

// The years 1-9999, in microseconds since 2000: times outside them are refused as on PGlite (isoFromPostgres).
const EARLIEST_MICROS = -63_082_281_600_000_000;
const LATEST_MICROS = 252_455_616_000_000_000;

/** Every column present that must be, of its type's size, and the time within the years the service writes. */
function wellFormed(data: Buffer, fields: Int32Array): boolean {
  const length = (column: number) => fields[2 * column + 1] as number;
  for (const column of NOT_NULL) if (length(column) < 0) return false;
  for (const column of UUIDS) if (length(column) !== -1 && length(column) !== 16) return false;
  if (length(SEQ) !== 8 || length(RECORDED_AT) !== 8) return false;
  const micros = int64(data, fields[2 * RECORDED_AT] as number);
  return micros >= EARLIEST_MICROS && micros < LATEST_MICROS;
}

/** A copy of one row's bytes, with its fields' places in the copy. */
function copyRow(data: Buffer, fields: Int32Array) {
  // The row starts with its field count (2 bytes), then each field's length (4 bytes) and bytes.
  const start = (fields[0] as number) - 6;
  let end = start + 2;
  for (let column = 0; column < fields.length / 2; column++)
    end = Math.max(end, (fields[2 * column] as number) + Math.max(0, fields[2 * column + 1] as number));
  const copied = Int32Array.from(fields, (value, at) => (at % 2 === 0 ? value - start : value));
  return { data: Buffer.from(data.subarray(start, end)), fields: copied };
}

/** Whether `data[from, from + length)` are the bytes of `expected`, compared natively. */
function sameBytes(data: Buffer, from: number, length: number, expected: Buffer): boolean {
  return length === expected.length && data.compare(expected, 0, length, from, from + length) === 0;
}

/** An int8, as a number (exact up to 2^53; beyond, not a safe integer, which the caller refuses). */
function int64(data: Buffer, from: number): number {
  return data.readInt32BE(from) * 2 ** 32 + data.readUInt32BE(from + 4);
}

function uuidText(data: Buffer, from: number): string {
  const hex = data.toString('hex', from, from + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
