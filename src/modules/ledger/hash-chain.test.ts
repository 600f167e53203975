import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  canonicalJson,
  checkEntry,
  type EntryContent,
  entryHash,
  GENESIS_HASH,
  hashedBytes,
  isoFromPostgres,
  type StoredEntry,
} from './hash-chain.ts';

const entry = (seq: number, previousHash: string, body = '{"quantity":"12"}'): EntryContent => ({
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  contractId: '11111111-1111-4111-8111-111111111111',
  kind: 'result',
  subjectId: '22222222-2222-4222-8222-222222222222',
  correctsId: null,
  actorUserId: '33333333-3333-4333-8333-333333333333',
  recordedAt: '2026-11-25T10:00:00.000Z',
  body,
  previousHash,
});

/** Three entries linked the way the service links them. */
function chain(length = 3): StoredEntry[] {
  const entries: StoredEntry[] = [];
  let previous = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const content = entry(seq, previous, `{"quantity":"${seq}"}`);
    const hash = entryHash(content);
    entries.push({ ...content, hash });
    previous = hash;
  }
  return entries;
}

test('canonical JSON sorts keys at every depth and drops white space', () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }),
    '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
  );
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  assert.equal(canonicalJson('quote " and \\ and \n'), JSON.stringify('quote " and \\ and \n'));
  assert.throws(() => canonicalJson(Number.NaN), /NaN/);
});

test('the hash is SHA-256 in hex over every column and the previous hash, each its length then its bytes', () => {
  const content = entry(7, 'a'.repeat(64));
  const bytes = hashedBytes(content);
  const uuid = (value: string) => Buffer.concat([int32(16), Buffer.from(value.replaceAll('-', ''), 'hex')]);
  const text = (value: string) => Buffer.concat([int32(Buffer.byteLength(value)), Buffer.from(value)]);
  const micros = Buffer.alloc(8);
  micros.writeBigInt64BE(BigInt(Date.parse('2026-11-25T10:00:00.000Z') - Date.parse('2000-01-01T00:00:00Z')) * 1000n);
  const expected = Buffer.concat([
    int32(8),
    Buffer.from([0, 0, 0, 0, 0, 0, 0, 7]),
    uuid(content.id),
    uuid(content.contractId),
    text('result'),
    uuid(content.subjectId ?? ''),
    int32(-1),
    uuid(content.actorUserId ?? ''),
    int32(8),
    micros,
    text('{"quantity":"12"}'),
    text('a'.repeat(64)),
  ]);
  assert.deepEqual(bytes, expected);
  assert.equal(entryHash(content), createHash('sha256').update(expected).digest('hex'));
  assert.match(entryHash(content), /^[0-9a-f]{64}$/);
});

const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};

test('texts are hashed in UTF-8, and a time finer than a millisecond is kept', () => {
  const content = entry(1, GENESIS_HASH, 'é 😀 " \\ \u0001');
  assert.ok(hashedBytes(content).includes(Buffer.from('é 😀 " \\ \u0001')));
  assert.notEqual(entryHash({ ...content, recordedAt: '2026-11-25T10:00:00.000001Z' }), entryHash(content));
  assert.throws(() => hashedBytes({ ...content, recordedAt: '25 November 2026' }), /Not an ISO 8601 time/);
});

test('changing any one column changes the hash', () => {
  const base = entry(1, GENESIS_HASH);
  const changes: Partial<EntryContent>[] = [
    { seq: 2 },
    { id: '00000000-0000-4000-8000-000000000099' },
    { contractId: '11111111-1111-4111-8111-111111111112' },
    { kind: 'verification' },
    { subjectId: null },
    { correctsId: '22222222-2222-4222-8222-222222222222' },
    { actorUserId: null },
    { recordedAt: '2026-11-25T10:00:00.001Z' },
    { body: '{"quantity":"13"}' },
    { previousHash: 'f'.repeat(64) },
  ];
  for (const change of changes)
    assert.notEqual(entryHash({ ...base, ...change }), entryHash(base), JSON.stringify(change));
});

test('values cannot slide from one column into the next', () => {
  const a = entry(1, GENESIS_HASH);
  // The same characters split differently between kind and body would collide under plain concatenation.
  assert.notEqual(entryHash({ ...a, kind: 'result', body: 'x' }), entryHash({ ...a, kind: 'resultx', body: '' }));
});

test('a chain built in order holds', () => {
  const entries = chain();
  let previous = GENESIS_HASH;
  for (const [index, stored] of entries.entries()) {
    assert.equal(checkEntry(stored, index + 1, previous), null);
    previous = stored.hash;
  }
});

test('a changed body is named as changed', () => {
  const [first, second] = chain();
  assert.ok(first && second);
  const problem = checkEntry({ ...second, body: '{"quantity":"200"}' }, 2, first.hash);
  assert.equal(problem?.problem, 'changed');
  assert.equal(problem?.seq, 2);
  assert.match(problem?.message ?? '', /Entry 2 .* was changed/);
});

test('a missing entry is named as a gap', () => {
  const [first, , third] = chain();
  assert.ok(first && third);
  const problem = checkEntry(third, 2, first.hash);
  assert.equal(problem?.problem, 'missing');
  assert.match(problem?.message ?? '', /entry 2 is missing/);
});

test('two entries swapped are named as out of order', () => {
  const [first, second, third] = chain();
  assert.ok(first && second && third);
  // Entry 3 moved to place 2 (with its seq changed to match) no longer links to entry 1.
  const problem = checkEntry({ ...third, seq: 2 }, 2, first.hash);
  assert.equal(problem?.problem, 'order');
  assert.match(problem?.message ?? '', /does not follow entry 1/);
});

test('an entry re-hashed after a change breaks the link of the next one', () => {
  const [first, second, third] = chain();
  assert.ok(first && second && third);
  const forged = { ...second, body: '{"quantity":"999"}' };
  const reHashed = { ...forged, hash: entryHash(forged) };
  assert.equal(checkEntry(reHashed, 2, first.hash), null);
  assert.equal(checkEntry(third, 3, reHashed.hash)?.problem, 'order');
});

test('times from PostgreSQL are read as Date.toISOString writes them, finer digits kept', () => {
  assert.equal(isoFromPostgres('2026-04-01 09:30:00+00'), '2026-04-01T09:30:00.000Z');
  assert.equal(isoFromPostgres('2026-04-01 09:30:00.12+00'), '2026-04-01T09:30:00.120Z');
  assert.equal(isoFromPostgres('2026-04-01 09:30:00.123+00'), new Date('2026-04-01T09:30:00.123Z').toISOString());
  assert.equal(isoFromPostgres('2026-04-01 09:30:00.123001+00'), '2026-04-01T09:30:00.123001Z');
});
