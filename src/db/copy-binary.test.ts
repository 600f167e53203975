import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../test/support/test-app.ts';
import { BinaryCopyReader, BinaryCopyWriter, binaryFields, isoToMicros } from './copy-binary.ts';

// The binary COPY writer against the real database: every type it writes is read back as written, on PGlite (which
// reads a COPY from its /dev/blob device) and PostgreSQL. Reading COPY output needs PostgreSQL (TEST_DATABASE_URL).

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

test('ISO date-times become microseconds, to the sixth decimal, only with an explicit offset', () => {
  assert.equal(isoToMicros('2025-01-23T10:00:00Z'), 1_737_626_400_000_000n);
  assert.equal(isoToMicros('2025-01-23T10:00:00.123456Z'), 1_737_626_400_123_456n);
  assert.equal(isoToMicros('2025-01-23T11:00:00.5+01:00'), 1_737_626_400_500_000n);
  assert.equal(isoToMicros('2025-01-23T10:00:00'), undefined, 'no zone: left for the database to read');
  assert.equal(isoToMicros('2025-01-23'), undefined);
  assert.equal(isoToMicros('not a date'), undefined);
  assert.equal(isoToMicros('2025-01-23T10:00:00.1234567Z'), undefined, 'a seventh decimal: the database rounds it');
});

test('integers and uuids are written as their bytes, and a value that is not one is refused', () => {
  const bytes = (value: number) =>
    binaryFields([{ type: 'int8', value }])
      .subarray(4)
      .toString('hex');
  assert.equal(bytes(1), '0000000000000001');
  assert.equal(bytes(-1), 'ffffffffffffffff');
  assert.equal(bytes(2 ** 32 + 5), '0000000100000005');
  assert.equal(bytes(-(2 ** 53 - 1)), 'ffe0000000000001');
  assert.throws(() => bytes(2 ** 53), /Not a safe integer/);
  assert.throws(() => bytes(1.5), /Not a safe integer/);
  const uuid = (value: string) => binaryFields([{ type: 'uuid', value }]).toString('hex');
  assert.equal(uuid('0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0FF'), '000000100f1e2d3c4b5a49788695a4b3c2d1e0ff');
  assert.equal(uuid('0f1e2d3c4b5a49788695a4b3c2d1e0ff'), '000000100f1e2d3c4b5a49788695a4b3c2d1e0ff');
  for (const wrong of [
    '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f',
    '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff0',
    'g'.repeat(32),
    '',
  ])
    assert.throws(() => uuid(wrong), /Not a uuid/, wrong);
});

test('rows of every type come back from the database as they were written', async () => {
  // Characters of one to four bytes in UTF-8, in a text longer than the writer's first buffer.
  const long = `${'Kent £ – ✓ 🙂 '.repeat(500)}\ud800`; // a lone surrogate is written as U+FFFD
  const rows = await database.transaction(async (tx) => {
    await tx.exec(`CREATE TEMP TABLE copied (t text, j json, jb jsonb, i int4, b int8, at timestamptz, tags text[],
                   u uuid)
                   ON COMMIT DROP`);
    const writer = new BinaryCopyWriter(16); // small, so that it must grow
    writer.row([
      { type: 'text', value: 'Tonbridge & Malling – “quoted”' },
      { type: 'json', value: Buffer.from('{"b": 1, "a": [true, null]}') },
      { type: 'jsonb', value: '{"b": 1, "a": "é"}' },
      { type: 'int4', value: -42 },
      { type: 'int8', value: 9_007_199_254_740_991 },
      { type: 'timestamptz', micros: isoToMicros('2025-01-23T10:00:00.123456Z') ?? 0n },
      { type: 'text[]', value: ['tender', 'award', 'ünïcode'] },
      { type: 'uuid', value: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff' },
    ]);
    writer.row([null, null, null, null, null, null, { type: 'text[]', value: [] }, null]);
    // Rows written elsewhere without a header, as the import's reading thread writes them, given whole.
    const elsewhere = new BinaryCopyWriter(16, { header: false });
    elsewhere.row([
      { type: 'text', value: long },
      { type: 'json', value: '"é"' },
      null,
      { type: 'int4', value: 7 },
      null,
      null,
      { type: 'text[]', value: ['x'] },
      null,
    ]);
    writer.appendRows(elsewhere.writtenRows());
    assert.throws(() => elsewhere.finish(), /rows only/);
    await tx.copyFrom?.('COPY copied (t, j, jb, i, b, at, tags, u) FROM STDIN (FORMAT binary)', writer.finish());
    return tx.query<Record<string, unknown>>(
      `SELECT t, j::text AS j, jb, i, b::text AS b, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at,
              tags, u FROM copied ORDER BY t NULLS LAST`,
    );
  });
  assert.deepEqual(rows, [
    { t: long.replace('\ud800', '\ufffd'), j: '"é"', jb: null, i: 7, b: null, at: null, tags: ['x'], u: null },
    {
      t: 'Tonbridge & Malling – “quoted”',
      j: '{"b": 1, "a": [true, null]}',
      jb: { a: 'é', b: 1 },
      i: -42,
      b: '9007199254740991',
      at: '2025-01-23T10:00:00.123456',
      tags: ['tender', 'award', 'ünïcode'],
      u: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff',
    },
    { t: null, j: null, jb: null, i: null, b: null, at: null, tags: [], u: null },
  ]);
});

test('rows read back from binary COPY are whole however the stream is cut', async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client stream needs PostgreSQL');
  const data = await database.transaction(async (tx) => {
    const chunks: Buffer[] = [];
    await tx.copyOut?.(
      `COPY (SELECT n, CASE WHEN n % 3 = 0 THEN NULL ELSE repeat('ü', n) END FROM generate_series(1, 40) AS n)
         TO STDOUT (FORMAT binary)`,
      (chunk, from, to) => chunks.push(Buffer.from(chunk.subarray(from, to))),
    );
    return Buffer.concat(chunks);
  });
  const expected = Array.from({ length: 40 }, (_, at) => [at + 1, (at + 1) % 3 === 0 ? null : 'ü'.repeat(at + 1)]);
  for (const size of [1, 2, 7, 64, data.length]) {
    const reader = new BinaryCopyReader(2);
    const rows: unknown[] = [];
    for (let at = 0; at < data.length; at += size) {
      reader.push(data.subarray(at, at + size), (bytes, fields) => {
        const [numberAt = 0, , textAt = 0, textLength = 0] = fields;
        rows.push([
          bytes.readInt32BE(numberAt),
          textLength < 0 ? null : bytes.toString('utf8', textAt, textAt + textLength),
        ]);
      });
    }
    reader.end();
    assert.deepEqual(rows, expected, `chunks of ${size} bytes`);
  }
  const cut = new BinaryCopyReader(2);
  cut.push(data.subarray(0, data.length - 5), () => {});
  assert.throws(() => cut.end(), /ended part way through/);
});
