import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../test/support/test-app.ts';
import { openDatabase } from '../db/client.ts';
import { runCli } from './main.ts';

// The commands read their settings from the environment, as they do when run by hand.
let directory = '';
let cleanUp = async () => {};
const saved = { ...process.env };
const output: string[] = [];

before(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'wc-cli-'));
  process.env.DATA_DIR = path.join(directory, 'data');
  process.env.BASE_URL = 'http://localhost:3000';
  if (process.env.TEST_DATABASE_URL) {
    const database = await openTestDatabase();
    const schema = (await database.query<{ schema: string }>('SELECT current_schema() AS schema'))[0]?.schema;
    const url = new URL(process.env.TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    process.env.DATABASE_URL = url.toString();
    cleanUp = () => database.drop();
  }
  console.log = (...parts: unknown[]) => void output.push(parts.join(' '));
  console.error = console.log;
});
after(async () => {
  process.env = saved;
  await cleanUp();
});

test('migrate reports what it applied, then that the database is up to date', async () => {
  assert.equal(await runCli(['migrate']), 0);
  assert.equal(await runCli(['migrate']), 0);
  assert.match(output.at(-1) ?? '', /up to date/);
});

test('create-admin makes a hub admin with a single-use link, never a password', async () => {
  output.length = 0;
  assert.equal(await runCli(['create-admin', 'Chief@Example.org', '--name', 'Chief Admin']), 0);
  const text = output.join('\n');
  assert.match(text, /chief@example.org is a hub admin/);
  assert.match(text, /http:\/\/localhost:3000\/reset-password\/[\w-]{43}/);
  output.length = 0;
  assert.equal(await runCli(['create-admin', 'chief@example.org']), 0, 'running it again is harmless');
  assert.doesNotMatch(output.join('\n'), /reset-password/);
  await assert.rejects(runCli(['create-admin', 'not-an-email']), /is not an email address/);
});

test('backup then restore', async () => {
  const file = path.join(directory, 'backup.gz');
  assert.equal(await runCli(['backup', file]), 0);
  assert.equal(await runCli(['restore', file]), 0);
  assert.match(output.at(-1) ?? '', /Restored \d+ rows/);
  const database = process.env.DATABASE_URL
    ? await openDatabase({ url: process.env.DATABASE_URL })
    : await openDatabase({ dataDir: process.env.DATA_DIR });
  const admins = await database.query<{ email: string }>(
    "SELECT email FROM users JOIN user_roles ON user_roles.user_id = users.id WHERE role = 'hub_admin'",
  );
  await database.close();
  assert.deepEqual(admins, [{ email: 'chief@example.org' }]);
});

test('usage mistakes exit 2 with the usage', async () => {
  output.length = 0;
  assert.equal(await runCli([]), 2);
  assert.equal(await runCli(['explode']), 2);
  assert.match(output.join('\n'), /Unknown command "explode"/);
  assert.equal(await runCli(['backup']), 2);
  assert.match(output.join('\n'), /"backup" needs a file name/);
});

test('send-digests reports the week; a second run the same week sends nothing again', async () => {
  output.length = 0;
  assert.equal(await runCli(['send-digests']), 0);
  assert.equal(await runCli(['send-digests']), 0);
  assert.match(output.at(-1) ?? '', /^Week \d{4}-W\d{2}: sent 0 digests; 0 people had nothing new\.$/);
});
