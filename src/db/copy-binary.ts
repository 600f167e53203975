// PostgreSQL's binary COPY format, for bulk loads where parsing text on the server would be the cost: a header,
// then per row a field count and each field as its length and its bytes in the type's binary form, then a
// trailer. Only the types the bulk loads here need. See "COPY … Binary Format" in the PostgreSQL manual.

export type CopyValue =
  | { type: 'text'; value: string | Buffer }
  /** json's binary form is its text. */
  | { type: 'json'; value: string | Buffer }
  | { type: 'jsonb'; value: string | Buffer }
  | { type: 'int4'; value: number }
  | { type: 'int8'; value: number }
  /** Microseconds since 1970 (a bigint, so that no precision is lost). */
  | { type: 'timestamptz'; micros: bigint }
  | { type: 'text[]'; value: readonly string[] }
  | { type: 'uuid'; value: string }
  | null;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const TEXT_OID = 25;
// 2000-01-01, PostgreSQL's epoch, in microseconds since 1970.
const POSTGRES_EPOCH_MICROS = 946_684_800_000_000n;

/**
 * Writes rows into one growing buffer: one large write to the server is far cheaper than many small ones, and
 * writing in place spares the garbage collector a small buffer per field.
 */
export class BinaryCopyWriter {
  #buffer: Buffer;
  #at = 0;
  readonly #rowsFrom: number;
  readonly #ownBuffer: boolean;

  /**
   * `header: false` writes rows alone, to be given whole to another writer's `appendRows`. Such a writer is often
   * filled on another thread: its buffer is its own, never part of a pool shared with other buffers, so that
   * `writtenRows().buffer` can be moved to the thread that sends it.
   */
  constructor(expectedBytes = 64 * 1024, { header = true }: { header?: boolean } = {}) {
    this.#ownBuffer = !header;
    this.#buffer = this.#allocate(Math.max(expectedBytes, 64));
    if (header) {
      SIGNATURE.copy(this.#buffer, 0);
      this.#buffer.fill(0, SIGNATURE.length, SIGNATURE.length + 8); // flags and header extension length
      this.#at = SIGNATURE.length + 8;
    }
    this.#rowsFrom = this.#at;
  }

  row(values: readonly CopyValue[]): void {
    this.#room(2);
    this.#at = this.#buffer.writeInt16BE(values.length, this.#at);
    for (const value of values) this.#field(value);
  }

  /** Rows already in this format: what `writtenRows` gave of a writer without a header. */
  appendRows(rows: Uint8Array): void {
    this.#room(rows.length);
    this.#buffer.set(rows, this.#at);
    this.#at += rows.length;
  }

  /** How many bytes of rows are written so far. */
  get written(): number {
    return this.#at - this.#rowsFrom;
  }

  /** The rows written so far, without header or trailer. */
  writtenRows(): Buffer {
    return this.#buffer.subarray(this.#rowsFrom, this.#at);
  }

  /** The whole load, with its trailer. */
  finish(): Buffer {
    if (this.#rowsFrom === 0) throw new Error('A writer without a header has rows only: give them to appendRows');
    this.#room(2);
    this.#at = this.#buffer.writeInt16BE(-1, this.#at);
    return this.#buffer.subarray(0, this.#at);
  }

  #room(bytes: number) {
    if (this.#at + bytes <= this.#buffer.length) return;
    const grown = this.#allocate(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
  }

  #allocate(bytes: number): Buffer {
    return this.#ownBuffer ? Buffer.allocUnsafeSlow(bytes) : Buffer.allocUnsafe(bytes);
  }

  #length(length: number) {
    this.#room(4 + Math.max(length, 0));
    this.#at = this.#buffer.writeInt32BE(length, this.#at);
  }

  #bytes(value: string | Buffer, prefix?: number) {
    const extra = prefix === undefined ? 0 : 1;
    if (Buffer.isBuffer(value)) {
      this.#length(value.length + extra);
      if (prefix !== undefined) this.#buffer[this.#at++] = prefix;
      this.#at += value.copy(this.#buffer, this.#at);
      return;
    }
    // A string is written first and its length after, into the room it could need at most (3 bytes for each
    // UTF-16 unit): measuring it beforehand would read a long text twice.
    this.#room(4 + extra + value.length * 3);
    const lengthAt = this.#at;
    this.#at += 4;
    if (prefix !== undefined) this.#buffer[this.#at++] = prefix;
    this.#at += this.#buffer.write(value, this.#at);
    this.#buffer.writeInt32BE(this.#at - lengthAt - 4, lengthAt);
  }

  #field(value: CopyValue) {
    if (value === null) return this.#length(-1);
    switch (value.type) {
      case 'text':
      case 'json':
        return this.#bytes(value.value);
      case 'jsonb':
        return this.#bytes(value.value, 1); // jsonb's binary format version
      case 'int4':
        this.#length(4);
        this.#at = this.#buffer.writeInt32BE(value.value, this.#at);
        return;
      case 'int8': {
        this.#length(8);
        // Two 32-bit halves, exact for any safe integer, without making a BigInt for each value.
        if (!Number.isSafeInteger(value.value)) throw new Error(`Not a safe integer: ${value.value}`);
        const high = Math.floor(value.value / 2 ** 32);
        this.#at = this.#buffer.writeInt32BE(high, this.#at);
        this.#at = this.#buffer.writeUInt32BE(value.value - high * 2 ** 32, this.#at);
        return;
      }
      case 'timestamptz':
        this.#length(8);
        this.#at = this.#buffer.writeBigInt64BE(value.micros - POSTGRES_EPOCH_MICROS, this.#at);
        return;
      case 'uuid':
        this.#length(16);
        this.#at = writeUuid(this.#buffer, this.#at, value.value);
        return;
      case 'text[]': {
        const items = value.value;
        const header = items.length ? 20 : 12;
        this.#length(header + items.reduce((sum, item) => sum + 4 + Buffer.byteLength(item), 0));
        // Dimensions, has-nulls flag, element type; then the one dimension's length and lower bound.
        this.#at = this.#buffer.writeInt32BE(items.length ? 1 : 0, this.#at);
        this.#at = this.#buffer.writeInt32BE(0, this.#at);
        this.#at = this.#buffer.writeInt32BE(TEXT_OID, this.#at);
        if (items.length) {
          this.#at = this.#buffer.writeInt32BE(items.length, this.#at);
          this.#at = this.#buffer.writeInt32BE(1, this.#at);
        }
        for (const item of items) {
          this.#at = this.#buffer.writeInt32BE(Buffer.byteLength(item), this.#at);
          this.#at += this.#buffer.write(item, this.#at);
        }
        return;
      }
    }
  }
}

/** Each ASCII character's value as a hex digit, -1 for the others. */
const HEX_DIGIT = new Int8Array(128).fill(-1);
for (const [from, first] of [
  ['0', 0],
  ['a', 10],
  ['A', 10],
] as const)
  for (let at = 0; at < (first === 0 ? 10 : 6); at++) HEX_DIGIT[from.charCodeAt(0) + at] = first + at;

/**
 * A uuid's 16 bytes from its text (hex digits, hyphens anywhere), read a character at a time rather than through a
 * copy without hyphens; anything but 32 hex digits is refused, since a short value would leave the length written
 * before it saying more than follows.
 */
function writeUuid(buffer: Buffer, to: number, text: string): number {
  let at = to;
  let high = -1;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x2d) continue; // -
    const digit = code < 128 ? (HEX_DIGIT[code] as number) : -1;
    if (digit < 0 || at === to + 16) throw new Error(`Not a uuid: ${text}`);
    if (high < 0) high = digit;
    else {
      buffer[at++] = (high << 4) | digit;
      high = -1;
    }
  }
  if (at !== to + 16 || high >= 0) throw new Error(`Not a uuid: ${text}`);
  return at;
}

/** One row's fields as binary COPY writes them (each its length, then its bytes), without the field count. */
export function binaryFields(values: readonly CopyValue[]): Buffer {
  const writer = new BinaryCopyWriter(256);
  writer.row(values);
  const written = writer.finish();
  // After the header and the row's field count; before the trailer. The writer's buffer is this call's own.
  return written.subarray(SIGNATURE.length + 8 + 2, written.length - 2);
}

/**
 * An ISO 8601 date-time (as OCDS and JSON Schema's date-time format have it) in microseconds since 1970;
 * undefined when it cannot be read here exactly as the database would, so that the caller lets the database.
 */
export function isoToMicros(text: string): bigint | undefined {
  // Only with an explicit offset (without one, JavaScript and the database would each assume their own zone), and
  // at most six decimals (the database rounds a seventh; it reads those itself).
  const fraction = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!fraction) return undefined;
  const [, head = '', digits = '', zone = ''] = fraction;
  const seconds = Date.parse(`${head}${zone}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * 1000n + BigInt(digits.padEnd(6, '0'));
}

/**
 * Reads the rows of `COPY … TO STDOUT (FORMAT binary)` as they stream in, in chunks that may end part way through
 * a row. Each whole row goes to `row` as the bytes it is in and where each field is (`fields[2i]` its offset,
 * `fields[2i + 1]` its length, -1 for null), with nothing copied or decoded: the caller reads only what it needs.
 */
export class BinaryCopyReader {
  readonly #fields: Int32Array;
  #rest: Buffer | null = null;
  // Where a row cut by the end of a chunk is put back together with the next chunk: reused, because the rows
  // handed out are read at once, and a new buffer per chunk costs more than the copy.
  #joined = Buffer.allocUnsafe(0);
  #headerRead = false;
  #ended = false;
  readonly columns: number;

  constructor(columns: number) {
    this.columns = columns;
    this.#fields = new Int32Array(columns * 2);
  }

  /**
   * Reads `chunk[from, to)`. `row` must read what it needs from `data` before it returns: the bytes may be
   * overwritten afterwards.
   */
  push(chunk: Buffer, row: (data: Buffer, fields: Int32Array) => void, from = 0, to = chunk.length): void {
    const joined = this.#rest !== null;
    const data = joined ? this.#join(this.#rest as Buffer, chunk.subarray(from, to)) : chunk;
    const end = joined ? data.length : to;
    let at = joined ? 0 : from;
    if (!this.#headerRead) {
      const start = this.#header(data, at, end);
      if (start < 0) {
        this.#rest = Buffer.from(data.subarray(at, end));
        return;
      }
      at = start;
    }
    const fields = this.#fields;
    while (!this.#ended && at + 2 <= end) {
      const count = data.readInt16BE(at);
      if (count === -1) {
        this.#ended = true;
        at += 2;
        break;
      }
      if (count !== this.columns) throw new Error(`Binary COPY row has ${count} fields, not ${this.columns}`);
      let next = at + 2;
      let field = 0;
      for (; field < count && next + 4 <= end; field++) {
        const length = data.readInt32BE(next);
        fields[2 * field] = next + 4;
        fields[2 * field + 1] = length;
        next += 4 + Math.max(length, 0);
      }
      if (field < count || next > end) break; // the rest of the row is in the next chunk
      row(data, fields);
      at = next;
    }
    // Kept as a copy: a view would be overwritten when the next chunk is joined.
    this.#rest = at < end ? Buffer.from(data.subarray(at, end)) : null;
  }

  #join(rest: Buffer, chunk: Buffer): Buffer {
    const length = rest.length + chunk.length;
    if (this.#joined.length < length) this.#joined = Buffer.allocUnsafe(Math.max(length, 2 * this.#joined.length));
    rest.copy(this.#joined, 0);
    chunk.copy(this.#joined, rest.length);
    return this.#joined.subarray(0, length);
  }

  /** Throws when the data stopped before its trailer, part way through. */
  end(): void {
    if (!this.#ended || this.#rest) throw new Error('Binary COPY data ended part way through');
  }

  /** Where the rows start, or -1 when the header is not all here yet. */
  #header(data: Buffer, from: number, end: number): number {
    const fixed = SIGNATURE.length + 8;
    if (end - from < fixed) return -1;
    if (!data.subarray(from, from + SIGNATURE.length).equals(SIGNATURE)) throw new Error('Not binary COPY data');
    const start = from + fixed + data.readUInt32BE(from + SIGNATURE.length + 4);
    if (end < start) return -1;
    this.#headerRead = true;
    return start;
  }
}
