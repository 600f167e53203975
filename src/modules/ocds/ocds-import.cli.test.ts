import assert from 'node:assert/strict';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { runCli } from '../../cli/main.ts';

const CF_FILE = path.resolve(
  import.meta.dirname,
  '../../../../shared/data/ocds/contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json',
);

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

test('import-ocds stores a file, says so again with nothing new, and exits 1 with the report for a broken file', async () => {
  const directory = await mkdtemp(path.join(tmpdir(), 'wc-ocds-'));
  const saved = { ...process.env };
  const { log, error } = console;
  const output: string[] = [];
  console.log = (...parts: unknown[]) => void output.push(parts.join(' '));
  console.error = console.log;
  try {
    process.env.BASE_URL = 'http://localhost:3000';
    process.env.DATA_DIR = path.join(directory, 'data');
    if (process.env.TEST_DATABASE_URL) {
      // The command opens its own connection: point it at this test's schema.
      const [{ schema } = { schema: '' }] = await database.query<{ schema: string }>(
        'SELECT current_schema() AS schema',
      );
      const url = new URL(process.env.TEST_DATABASE_URL);
      url.searchParams.set('options', `-c search_path=${schema}`);
      process.env.DATABASE_URL = url.toString();
    }
    const good = path.join(directory, 'cf.json');
    await copyFile(CF_FILE, good);
    assert.equal(await runCli(['import-ocds', good]), 0);
    assert.equal(await runCli(['import-ocds', good]), 0);
    assert.deepEqual(output.slice(-2), [
      'Imported cf.json: 100 releases, 100 stored, 0 already stored. 94 records compiled.',
      'Imported cf.json: 100 releases, 0 stored, 100 already stored. 0 records compiled.',
    ]);
    const bad = path.join(directory, 'bad.json');
    await writeFile(bad, '[{"ocid": "ocds-x"}]');
    assert.equal(await runCli(['import-ocds', bad]), 1);
    assert.match(
      output.join('\n'),
      /Nothing was imported from bad.json.\nNone of the releases can be imported[^\n]*\nRelease number 1 in the file: It has no id/,
    );
    assert.equal(await runCli(['import-ocds', path.join(directory, 'missing.json')]), 1);
    assert.match(output.at(-1) ?? '', /Cannot read .*missing.json: ENOENT/);
  } finally {
    console.log = log;
    console.error = error;
    process.env = saved;
  }
});
