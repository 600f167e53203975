import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../test/support/test-app.ts';

// COPY out read off the socket (copy-out.ts) against the real server: all the data arrives, and whatever stops it
// (the server's error, or the handler's) leaves the connection ready for the next statement. PostgreSQL only.

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const ROWS = 50_000;
const copyText = (to: string) =>
  `COPY (SELECT n, repeat('x', n % 300) FROM generate_series(1, ${ROWS}) AS n${to}) TO STDOUT (FORMAT text)`;

test('every byte of a COPY larger than a socket read arrives, in order', async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client needs PostgreSQL');
  const received = await database.transaction(async (tx) => {
    const parts: Buffer[] = [];
    await tx.copyOut?.(copyText(''), (chunk, from, to) => parts.push(Buffer.from(chunk.subarray(from, to))));
    const [after] = await tx.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(after?.ok, 1, 'the connection goes on');
    return Buffer.concat(parts).toString('utf8');
  });
  const expected = Array.from({ length: ROWS }, (_, at) => `${at + 1}\t${'x'.repeat((at + 1) % 300)}\n`).join('');
  assert.equal(received, expected);
});

test("the server's error part way through rejects, and the connection is ready again", async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client needs PostgreSQL');
  let bytes = 0;
  await database.transaction(async (tx) => {
    await tx.exec('SAVEPOINT before_copy');
    await assert.rejects(
      tx.copyOut?.(copyText(' WHERE 1 / (40000 - n) >= 0'), (_chunk, from, to) => {
        bytes += to - from;
      }) ?? Promise.reject(new Error('no copyOut')),
      /division by zero/,
    );
    await tx.exec('ROLLBACK TO SAVEPOINT before_copy');
    const [after] = await tx.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(after?.ok, 1);
  });
  assert.ok(bytes > 0, 'rows before the error were read');
});

test("the handler's error rejects once the data is read past, and the connection is ready again", async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client needs PostgreSQL');
  await database.transaction(async (tx) => {
    let calls = 0;
    await assert.rejects(
      tx.copyOut?.(copyText(''), () => {
        calls += 1;
        throw new Error('cannot read this');
      }) ?? Promise.reject(new Error('no copyOut')),
      /cannot read this/,
    );
    assert.equal(calls, 1, 'nothing more is handed on after a failure');
    const [after] = await tx.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(after?.ok, 1);
  });
});

test('a statement that is not a COPY out is refused, and the connection is ready again', async (t) => {
  if (database.kind !== 'postgres') return t.skip('COPY to a client needs PostgreSQL');
  await database.transaction(async (tx) => {
    for (const statement of ['SELECT 1', 'COPY (SELECT 1) TO STDOUT; SELECT 2'])
      await assert.rejects(tx.copyOut?.(statement, () => {}) ?? Promise.reject(new Error('no copyOut')), /Not a COPY/);
    const [after] = await tx.query<{ ok: number }>('SELECT 1 AS ok');
    assert.equal(after?.ok, 1);
  });
});
