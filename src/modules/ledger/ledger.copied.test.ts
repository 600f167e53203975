import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { hashedBytes, isoFromPostgres } from './hash-chain.ts';
import { COPIED_COLUMNS, type CopiedEntry, CopiedLedger } from './ledger.copied.ts';

// The bytes hashed where binary COPY rows lie must be, byte for byte, those hashedBytes makes from the same
// columns as the text path reads them, for any values a row can hold: the verification of a sound row rests on
// it, and so does catching a changed one. PostgreSQL only (COPY to a client stream).

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const UUID = '0b6c2b8e-5a1e-4c53-9b7e-1d2f3a4b5c6d';
const OTHER = 'ffffffff-0000-4000-8000-00000000000a';
type Row = {
  seq: number;
  kind: string;
  subject: string | null;
  corrects: string | null;
  actor: string | null;
  at: string;
  body: string;
  previous: string;
};
const rows: Row[] = [
  {
    seq: 1,
    kind: 'result',
    subject: null,
    corrects: null,
    actor: UUID,
    at: '2026-04-01T09:30:00.120Z',
    body: '{"a":1}',
    previous: '0'.repeat(64),
  },
  {
    seq: 2,
    kind: 'q"u\\o\u0001te',
    subject: UUID,
    corrects: OTHER,
    actor: null,
    at: '2026-04-01 09:30:00.123456+00',
    body: 'quotes " \\ lines\n\t\r\b\f \u0000'.replace('\u0000', '\u001f'),
    previous: 'not a "hash"',
  },
  {
    seq: 3,
    kind: 'response',
    subject: OTHER,
    corrects: null,
    actor: null,
    at: '2026-04-01 09:30:00.1234+00',
    body: 'accents é ü ß ŵ, 😀, \u2028 \u2029 \u007f',
    previous: 'a'.repeat(64),
  },
  {
    seq: 4,
    kind: '',
    subject: null,
    corrects: null,
    actor: null,
    at: '1999-12-31T23:59:59.999Z',
    body: '',
    previous: '',
  },
  {
    seq: 5,
    kind: 'commitment',
    subject: null,
    corrects: null,
    actor: null,
    at: '1970-01-01T00:00:00Z',
    body: '[]',
    previous: 'b'.repeat(64),
  },
  {
    seq: 6,
    kind: 'result',
    subject: null,
    corrects: null,
    actor: null,
    at: '2400-02-29T12:00:00.000001Z',
    body: '{}',
    previous: 'c'.repeat(64),
  },
  {
    seq: 90071992547409,
    kind: 'result',
    subject: null,
    corrects: null,
    actor: null,
    at: '2026-12-02T00:00:00Z',
    body: '{}',
    previous: 'd'.repeat(64),
  },
];

test('each row read by binary COPY holds, as it lies, the bytes hashed for it', async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client stream needs PostgreSQL');
  const { copied, stored } = await database.transaction(async (tx) => {
    await tx.exec(`SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD';
      CREATE TEMP TABLE ledger_rows (seq bigint, id uuid, contract_id uuid, kind text, subject_id uuid,
        corrects_id uuid, actor_user_id uuid, recorded_at timestamptz, body text, previous_hash text, hash text)
      ON COMMIT DROP`);
    for (const row of rows) {
      await tx.query(`INSERT INTO ledger_rows VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'h')`, [
        row.seq,
        UUID,
        OTHER,
        row.kind,
        row.subject,
        row.corrects,
        row.actor,
        row.at,
        row.body,
        row.previous,
      ]);
    }
    const ledger = new CopiedLedger();
    const copied: CopiedEntry[] = [];
    await tx.copyOut?.(
      `COPY (SELECT ${COPIED_COLUMNS} FROM ledger_rows ORDER BY seq) TO STDOUT (FORMAT binary)`,
      (chunk, from, to) => copied.push(...ledger.entries(chunk, from, to)),
    );
    ledger.end();
    const stored = await tx.query<{ at: string }>('SELECT recorded_at::text AS at FROM ledger_rows ORDER BY seq');
    return { copied, stored };
  });
  assert.equal(copied.length, rows.length);
  for (const [index, row] of rows.entries()) {
    const entry = copied[index];
    assert.ok(entry && 'hashed' in entry, `row ${row.seq} is read`);
    const expected = hashedBytes({
      seq: row.seq,
      id: UUID,
      contractId: OTHER,
      kind: row.kind,
      subjectId: row.subject,
      correctsId: row.corrects,
      actorUserId: row.actor,
      recordedAt: isoFromPostgres(stored[index]?.at ?? ''),
      body: row.body,
      previousHash: row.previous,
    });
    assert.deepEqual(Buffer.from(entry.hashed), expected, `row ${row.seq}`);
    assert.equal(entry.id, UUID);
    assert.equal(entry.previousHash, row.previous);
    assert.equal(entry.hash, 'h');
  }
});

test('a row the service could not have written is marked, not misread', async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client stream needs PostgreSQL');
  const copied = await database.transaction(async (tx) => {
    await tx.exec(`CREATE TEMP TABLE odd_rows (seq bigint, id uuid, contract_id uuid, kind text, subject_id uuid,
        corrects_id uuid, actor_user_id uuid, recorded_at timestamptz, body text, previous_hash text, hash text)
      ON COMMIT DROP;
      INSERT INTO odd_rows VALUES
        (1, '${UUID}', NULL, 'result', NULL, NULL, NULL, '2026-01-01T00:00:00Z', '{}', 'x', 'h'),
        (NULL, '${UUID}', '${OTHER}', 'result', NULL, NULL, NULL, '2026-01-01T00:00:00Z', '{}', 'x', 'h'),
        (3, '${UUID}', '${OTHER}', 'result', NULL, NULL, NULL, '2026-01-01T00:00:00Z', NULL, 'x', 'h')`);
    const ledger = new CopiedLedger();
    const entries: CopiedEntry[] = [];
    await tx.copyOut?.(
      `COPY (SELECT ${COPIED_COLUMNS} FROM odd_rows ORDER BY seq NULLS FIRST) TO STDOUT (FORMAT binary)`,
      (chunk, from, to) => entries.push(...ledger.entries(chunk, from, to)),
    );
    return entries;
  });
  assert.deepEqual(
    copied.map((entry) => ({ seq: entry.seq, id: entry.id, malformed: 'malformed' in entry })),
    [0, 1, 3].map((seq) => ({ seq, id: UUID, malformed: true })),
  );
});
