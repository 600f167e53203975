import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildOrganisation, buildUser } from '../../test/support/factories.ts';
import { openTestDatabase } from '../../test/support/test-app.ts';
import { recordAudit } from '../platform/audit.ts';
import { backup, RestoreError, restore } from './backup.ts';
import { type Database, openDatabase } from './client.ts';
import { migrate } from './migrate.ts';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;
let source: TestDatabase;
let target: TestDatabase;
let directory = '';

/** Every row of every table, in a stable order, as text: two databases with equal snapshots hold the same data. */
async function snapshot(database: Database) {
  const tables = await database.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY 1`,
  );
  const result: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await database.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
    result[name] = rows.map((r) => r.row).sort();
  }
  return result;
}

before(async () => {
  [source, target] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  directory = await mkdtemp(path.join(tmpdir(), 'wc-backup-'));
  const admin = await buildUser(source, { roles: ['hub_admin', 'commissioner'], displayName: "Zoë O'Brien — «test»" });
  const member = await buildUser(source);
  await buildOrganisation(source, { name: 'Medway Men’s Shed', admins: [admin], members: [member] });
  await recordAudit(source.db, {
    actorUserId: admin.id,
    action: 'test.write',
    subjectType: 'user',
    details: { nested: { list: [1, 'two', null] } },
  });
});
after(async () => {
  await Promise.all([source.drop(), target.drop()]);
});

test('a backup restores to the same data, and identity columns carry on after it', async () => {
  const file = path.join(directory, 'backup.jsonl.gz');
  const written = await backup(source, file);
  assert.ok(written.rows >= 8);
  await buildUser(target); // data that the restore replaces
  const restored = await restore(target, file);
  assert.equal(restored.rows, written.rows);
  assert.deepEqual(await snapshot(target), await snapshot(source));

  await recordAudit(target.db, { actorUserId: null, action: 'after.restore', subjectType: 'test' });
  const ids = await target.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id');
  assert.equal(new Set(ids.map((row) => row.id)).size, ids.length, 'no identity clash after restore');
});

test('a backup made on one kind of database restores on the other', {
  skip: !process.env.TEST_DATABASE_URL && 'needs TEST_DATABASE_URL',
}, async () => {
  const file = path.join(directory, 'cross.jsonl.gz');
  await backup(source, file);
  const embedded = await openDatabase({});
  try {
    await migrate(embedded);
    await restore(embedded, file);
    assert.deepEqual(await snapshot(embedded), await snapshot(source));
  } finally {
    await embedded.close();
  }
});

test('a restore that fails part way leaves the database as it was', async () => {
  const good = path.join(directory, 'good.jsonl.gz');
  await backup(source, good);
  const lines = gunzipSync(await readFile(good))
    .toString('utf8')
    .trimEnd()
    .split('\n');
  // A membership pointing at a person who does not exist breaks a foreign key after other rows went in.
  lines.push(
    JSON.stringify({
      table: 'organisation_members',
      row: {
        organisation_id: '00000000-0000-4000-8000-000000000000',
        user_id: '00000000-0000-4000-8000-000000000001',
        role: 'member',
        joined_at: new Date().toISOString(),
      },
    }),
  );
  const broken = path.join(directory, 'broken.jsonl.gz');
  await writeFile(broken, gzipSync(`${lines.join('\n')}\n`));
  const before = await snapshot(target);
  await assert.rejects(restore(target, broken), /foreign key/);
  assert.deepEqual(await snapshot(target), before);
});

test('a file that is not a backup is refused with a clear message', async () => {
  const notBackup = path.join(directory, 'not.gz');
  await writeFile(notBackup, gzipSync('{"hello":"world"}\n'));
  await assert.rejects(
    restore(target, notBackup),
    (error: Error) => error instanceof RestoreError && /is not a Working Connections backup/.test(error.message),
  );
  const plain = path.join(directory, 'plain.txt');
  await writeFile(plain, 'just text');
  await assert.rejects(restore(target, plain), /could not be read as a backup/);
});
