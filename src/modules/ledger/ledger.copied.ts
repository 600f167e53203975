import { BinaryCopyReader } from '../../db/copy-binary.ts';
import { GENESIS_HASH, type LinkedEntry, sha256Hex } from './hash-chain.ts';

// On PostgreSQL verification reads the chain with binary COPY, the cheapest way out of the server, and writes each
// entry's hashed text (hashedText in hash-chain.ts) straight from the row's bytes into a buffer that is hashed as
// it is: no string per column and none per text. The bytes are the UTF-8 of the text hashedText makes, which
// hash-chain.test.ts and ledger.verify.test.ts check against it. This relies on the server's texts being valid
// UTF-8, which a UTF8 database guarantees; verification uses the text path on any other encoding.

/** The columns, in the order the rows below are read. */
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

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Each byte's two hex digits, the first in the low byte: one look-up per byte of a uuid rather than two. */
const HEX_PAIRS = Uint16Array.from(
  { length: 256 },
  (_, byte) => (HEX[byte >> 4] as number) | ((HEX[byte & 15] as number) << 8),
);
/** JSON.stringify's two-character escapes of control characters; the others become \u00XX. */
const SHORT_ESCAPES = new Uint8Array(32);
for (const [code, letter] of [
  [8, 'b'],
  [9, 't'],
  [10, 'n'],
  [12, 'f'],
  [13, 'r'],
] as const)
  SHORT_ESCAPES[code] = letter.charCodeAt(0);
/** 1 for the bytes JSON.stringify escapes: control characters, `"` and `\`. */
const ESCAPED = new Uint8Array(256);
ESCAPED.fill(1, 0, 0x20);
ESCAPED[0x22] = 1;
ESCAPED[0x5c] = 1;
// 2000-01-01 (PostgreSQL's epoch) in milliseconds since 1970, and a day in milliseconds.
const POSTGRES_EPOCH_MS = 946_684_800_000;
const DAY_MS = 86_400_000;
const BLOCK = 1024 * 1024;

/**
 * Reads binary COPY data chunk by chunk as it streams from the server. `check` follows the chain from
 * `expectedSeq` and `previousHash`, hashing each row's text as it is written and keeping nothing of a row that
 * holds; `entries` reads every row as an entry, checked by nothing.
 */
export class CopiedLedger {
  /** The seq the next row must have, and the hash it must link to: those of the last row that held. */
  expectedSeq: number;
  // The hash as its bytes, for the stored ones to be compared with in place.
  #previousHash: Buffer;
  /** Where each digest is written: 64 hex digits. */
  #digest: Buffer = Buffer.alloc(64);
  readonly #reader = new BinaryCopyReader(11);
  #out = Buffer.allocUnsafe(BLOCK);
  #at = 0;
  // The date part of the last timestamp written: consecutive entries are nearly always on the same day.
  #day = Number.NaN;
  #date = Buffer.alloc(10);
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

  /**
   * Checks the chunk's rows in turn. Returns the first row that does not follow the chain (its seq is not the
   * next, it does not link to the hash before, or its content does not match its hash), read in full for
   * checkLink to say why; null while every row holds. Nothing after that row is checked.
   */
  get previousHash(): string {
    return this.#previousHash.toString('latin1');
  }

  check(chunk: Buffer, from = 0, to = chunk.length): CopiedEntry | null {
    if (this.#stopped === null) this.#reader.push(chunk, this.#followRow, from, to);
    return this.#stopped;
  }

  entries(chunk: Buffer, from = 0, to = chunk.length): CopiedEntry[] {
    const entries: CopiedEntry[] = [];
    this.#reader.push(chunk, (data, fields) => entries.push(this.#entry(data, fields)), from, to);
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
    return row ? this.#entry(row.data, row.fields) : null;
  }

  #follow(data: Buffer, fields: Int32Array): void {
    const seq = fields[2 * SEQ + 1] === 8 ? int64(data, fields[2 * SEQ] as number) : Number.NaN;
    if (seq > this.expectedSeq && Number.isSafeInteger(seq) && this.#ahead.size < this.#readAhead) {
      if (!this.#ahead.has(seq)) this.#ahead.set(seq, copyRow(data, fields));
      return;
    }
    if (!this.#holds(data, fields, seq)) {
      this.#stopped = this.#entry(data, fields);
      return;
    }
    for (let next = this.#ahead.get(this.expectedSeq); next; next = this.#ahead.get(this.expectedSeq)) {
      this.#ahead.delete(this.expectedSeq);
      if (!this.#holds(next.data, next.fields, this.expectedSeq)) {
        this.#stopped = this.#entry(next.data, next.fields);
        return;
      }
    }
  }

  /** Whether the row is the next entry of the chain; when it is, the chain moves on past it. */
  #holds(data: Buffer, fields: Int32Array, seq: number): boolean {
    const at = (column: number) => fields[2 * column] as number;
    const length = (column: number) => fields[2 * column + 1] as number;
    // Once the link holds the previous hash is a hash, which needs no escaping: it is copied as it is.
    if (
      seq !== this.expectedSeq ||
      !wellFormed(fields) ||
      !sameBytes(data, at(PREVIOUS_HASH), length(PREVIOUS_HASH), this.#previousHash)
    )
      return false;
    const start = this.#at;
    const end = this.#write(data, fields, seq, true);
    // The text is hashed at once and not kept: the next row is written in its place.
    this.#at = start;
    if (end < 0) return false;
    const out = this.#out;
    const digest = sha256Hex(new Uint8Array(out.buffer, out.byteOffset + start, end - start));
    const digestBytes = this.#digest;
    digestBytes.write(digest, 0, 'latin1');
    if (!sameBytes(data, at(HASH), length(HASH), digestBytes)) return false;
    // The digest is the next row's previous hash; the old one's bytes take the next digest.
    this.#digest = this.#previousHash.length === digestBytes.length ? this.#previousHash : Buffer.alloc(digest.length);
    this.#previousHash = digestBytes;
    this.expectedSeq = seq + 1;
    return true;
  }

  #entry(data: Buffer, fields: Int32Array): CopiedEntry {
    const at = (column: number) => fields[2 * column] as number;
    const length = (column: number) => fields[2 * column + 1] as number;
    const seq = length(SEQ) === 8 ? int64(data, at(SEQ)) : Number.NaN;
    if (!wellFormed(fields) || !Number.isSafeInteger(seq)) {
      const id = length(ID) === 16 ? uuidText(data, at(ID)) : '';
      return { seq: Number.isSafeInteger(seq) ? seq : 0, id, malformed: true };
    }
    const start = this.#at;
    const end = this.#write(data, fields, seq, false);
    if (end < 0) return { seq, id: uuidText(data, at(ID)), malformed: true };
    this.#at = end;
    const text = this.#out.subarray(start, end);
    const previousHash = data.toString('latin1', at(PREVIOUS_HASH), at(PREVIOUS_HASH) + length(PREVIOUS_HASH));
    const hash = data.toString('latin1', at(HASH), at(HASH) + length(HASH));
    return { seq, id: uuidText(data, at(ID)), previousHash, hash, text };
  }

  /**
   * Writes the row's hashed text from this.#at; returns where it ends, or -1 for a time the service never writes.
   * `previousIsHash`: the previous hash is known to be 64 hex digits, so it is copied rather than escaped.
   */
  #write(data: Buffer, fields: Int32Array, seq: number, previousIsHash: boolean): number {
    const at = (column: number) => fields[2 * column] as number;
    const length = (column: number) => fields[2 * column + 1] as number;
    // At most six bytes written for each byte read (a control character as \u00XX), and the punctuation.
    this.#room(6 * (length(KIND) + length(BODY) + length(PREVIOUS_HASH)) + 300);
    const out = this.#out;
    let to = this.#at;
    out[to++] = 0x5b; // [
    to = decimal(out, to, seq);
    to = this.#uuid(data, at(ID), to, true);
    to = this.#uuid(data, at(CONTRACT), to, true);
    out[to++] = 0x2c;
    to = jsonString(data, at(KIND), length(KIND), out, to);
    for (const column of NULLABLE_UUIDS) to = this.#uuid(data, at(column), to, length(column) === 16);
    out[to++] = 0x2c;
    to = this.#time(data, at(RECORDED_AT), to);
    if (to < 0) return -1;
    out[to++] = 0x2c;
    to = jsonString(data, at(BODY), length(BODY), out, to);
    out[to++] = 0x2c;
    if (previousIsHash) {
      out[to++] = 0x22;
      to += data.copy(out, to, at(PREVIOUS_HASH), at(PREVIOUS_HASH) + length(PREVIOUS_HASH));
      out[to++] = 0x22;
    } else to = jsonString(data, at(PREVIOUS_HASH), length(PREVIOUS_HASH), out, to);
    out[to++] = 0x5d; // ]
    return to;
  }

  /** A new block when this one has too little room left; the texts already written keep the old one. */
  #room(bytes: number) {
    if (this.#at + bytes <= this.#out.length) return;
    this.#out = Buffer.allocUnsafe(Math.max(BLOCK, bytes));
    this.#at = 0;
  }

  /** `,"…"` for a uuid, or `,null`. */
  #uuid(data: Buffer, from: number, to: number, present: boolean): number {
    const out = this.#out;
    out[to++] = 0x2c;
    if (!present) {
      out[to] = 0x6e; // null
      out[to + 1] = 0x75;
      out[to + 2] = 0x6c;
      out[to + 3] = 0x6c;
      return to + 4;
    }
    out[to++] = 0x22;
    for (let index = 0; index < 16; index++) {
      if (index === 4 || index === 6 || index === 8 || index === 10) out[to++] = 0x2d; // -
      const pair = HEX_PAIRS[data[from + index] as number] as number;
      out[to] = pair & 0xff;
      out[to + 1] = pair >> 8;
      to += 2;
    }
    out[to++] = 0x22;
    return to;
  }

  /**
   * `"2026-04-01T09:30:00.120Z"`, as isoFromPostgres writes a timestamptz: milliseconds always, and the finer
   * digits PostgreSQL would show (trailing zeros dropped) when there are any. -1 for a time outside the years
   * 1–9999, which the service never writes and isoFromPostgres would not turn into this form either.
   */
  #time(data: Buffer, from: number, to: number): number {
    // Microseconds since 2000 as an int64: whole milliseconds and the microseconds beyond them. Within about
    // 280 years of 2000 it fits a double exactly; further out it is divided as a bigint.
    const high = data.readInt32BE(from);
    let sinceEpoch: number;
    let finer: number;
    if (Math.abs(high) < 2 ** 20) {
      const micros = high * 2 ** 32 + data.readUInt32BE(from + 4);
      sinceEpoch = Math.floor(micros / 1000);
      finer = micros - sinceEpoch * 1000;
    } else {
      const micros = data.readBigInt64BE(from);
      const whole = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
      sinceEpoch = Number(whole);
      finer = Number(micros - whole * 1000n);
    }
    const ms = sinceEpoch + POSTGRES_EPOCH_MS;
    const day = Math.floor(ms / DAY_MS);
    if (day !== this.#day) {
      const date = new Date(day * DAY_MS);
      const year = date.getUTCFullYear();
      if (!(year >= 1 && year <= 9999)) return -1;
      this.#date.write(date.toISOString().slice(0, 10), 0, 'latin1');
      this.#day = day;
    }
    const out = this.#out;
    out[to++] = 0x22;
    to += this.#date.copy(out, to);
    let rest = ms - day * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    out[to++] = 0x54; // T
    to = twoDigits(out, to, hours);
    out[to++] = 0x3a;
    to = twoDigits(out, to, minutes);
    out[to++] = 0x3a;
    to = twoDigits(out, to, seconds);
    out[to++] = 0x2e; // .
    let fraction = (rest - seconds * 1000) * 1000 + finer;
    let digits = 6;
    if (finer === 0) {
      fraction /= 1000;
      digits = 3;
    } else {
      while (fraction % 10 === 0) {
        fraction /= 10;
        digits--;
      }
    }
    for (let place = digits - 1; place >= 0; place--) {
      out[to + place] = 0x30 + (fraction % 10);
      fraction = Math.floor(fraction / 10);
    }
    to += digits;
    out[to++] = 0x5a; // Z
    out[to++] = 0x22;
    return to;
  }
}

const NOT_NULL = [SEQ, ID, CONTRACT, KIND, RECORDED_AT, BODY, PREVIOUS_HASH, HASH];
const UUIDS = [ID, CONTRACT, SUBJECT, CORRECTS, ACTOR];
const NULLABLE_UUIDS = [SUBJECT, CORRECTS, ACTOR];

/** Every column present that must be, and of its type's size. */
function wellFormed(fields: Int32Array): boolean {
  const length = (column: number) => fields[2 * column + 1] as number;
  for (const column of NOT_NULL) if (length(column) < 0) return false;
  for (const column of UUIDS) if (length(column) !== -1 && length(column) !== 16) return false;
  return length(SEQ) === 8 && length(RECORDED_AT) === 8;
}

/** A copy of one row's bytes, with its fields' places in the copy: the reader's buffer is reused. */
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

/** A safe integer's decimal digits, as String writes them. */
function decimal(out: Buffer, to: number, value: number): number {
  if (value < 0) {
    out[to] = 0x2d; // -
    return decimal(out, to + 1, -value);
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let rest = value;
  for (let place = digits - 1; place >= 0; place--) {
    out[to + place] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return to + digits;
}

function twoDigits(out: Buffer, to: number, value: number): number {
  out[to] = 0x30 + Math.floor(value / 10);
  out[to + 1] = 0x30 + (value % 10);
  return to + 2;
}

/** An int8, as a number (exact up to 2^53; beyond, not a safe integer, which the caller refuses). */
function int64(data: Buffer, from: number): number {
  return data.readInt32BE(from) * 2 ** 32 + data.readUInt32BE(from + 4);
}

function uuidText(data: Buffer, from: number): string {
  const hex = data.toString('hex', from, from + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** UTF-8 text as JSON.stringify writes it, quoted: `"` and `\` escaped, control characters escaped. */
function jsonString(data: Buffer, from: number, length: number, out: Buffer, to: number): number {
  out[to++] = 0x22;
  const end = from + length;
  for (let index = from; index < end; index++) {
    const byte = data[index] as number;
    // Most bytes need no escape (above `"` and not `\`): tested first, without the table.
    if ((byte > 0x22 && byte !== 0x5c) || ESCAPED[byte] === 0) {
      out[to++] = byte;
      continue;
    }
    out[to++] = 0x5c;
    if (byte >= 0x20) out[to++] = byte;
    else if (SHORT_ESCAPES[byte]) out[to++] = SHORT_ESCAPES[byte] as number;
    else {
      out[to++] = 0x75; // u
      out[to++] = 0x30;
      out[to++] = 0x30;
      out[to++] = HEX[byte >> 4] as number;
      out[to++] = HEX[byte & 15] as number;
    }
  }
  out[to++] = 0x22;
  return to;
}
