import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './client.ts';

const migrationsDir = path.join(import.meta.dirname, 'migrations');
// Any fixed number: it names the lock that keeps two starting servers from migrating at once.
const MIGRATION_LOCK = 727_001;

export async function migrationNames(): Promise<string[]> {
  return (await readdir(migrationsDir)).filter((name) => /^\d{4}-[\w-]+\.sql$/.test(name)).sort();
}

/** Applies every migration not yet applied, forward only, all in one transaction. Returns the names applied. */
export async function migrate(database: Database): Promise<string[]> {
  const names = await migrationNames();
  return database.transaction(async (tx) => {
    if (database.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Set(
      (await tx.query<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
    );
    const pending = names.filter((name) => !applied.has(name));
    for (const name of pending) {
      await tx.exec(await readFile(path.join(migrationsDir, name), 'utf8'));
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    }
    return pending;
  });
}
