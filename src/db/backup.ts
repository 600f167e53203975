import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import type { Database, SqlRunner } from './client.ts';
import { migrationNames } from './migrate.ts';

const FORMAT = 'working-connections-backup';
const VERSION = 1;
const INSERT_BATCH = 500;
// Bookkeeping and tables that triggers derive from other tables' rows: a restore rebuilds them itself.
const NOT_BACKED_UP = ['schema_migrations', 'search_terms', 'organisation_match_profiles'];

type Header = { format: string; version: number; createdAt: string; database: string; migrations: string[] };
type Line = Header | { table: string; row: Record<string, unknown> };

/** Tables of the service in an order that satisfies foreign keys: referenced tables first. */
async function tablesInDependencyOrder(runner: SqlRunner): Promise<string[]> {
  const tables = (
    await runner.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables
        WHERE schemaname = current_schema() AND tablename <> ALL($1::text[]) ORDER BY tablename`,
      [NOT_BACKED_UP],
    )
  ).map((row) => row.name);
  const edges = await runner.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema() AND c.conrelid <> c.confrelid`,
  );
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const edge of edges) if (edge.child === table) visit(edge.parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** Writes every row of every table as gzipped JSON lines, after a header naming the migrations it belongs to. */
export async function backup(database: Database, file: string): Promise<{ tables: number; rows: number }> {
  let rows = 0;
  const tables = await tablesInDependencyOrder(database);
  async function* lines() {
    const header: Header = {
      format: FORMAT,
      version: VERSION,
      createdAt: new Date().toISOString(),
      database: database.kind,
      migrations: await migrationNames(),
    };
    yield `${JSON.stringify(header)}\n`;
    for (const table of tables) {
      const result = await database.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM ${pg.escapeIdentifier(table)} t`,
      );
      for (const { row } of result) {
        rows += 1;
        yield `{"table":${JSON.stringify(table)},"row":${row}}\n`;
      }
    }
  }
  await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file));
  return { tables: tables.length, rows };
}

export class RestoreError extends Error {}

/**
 * Replaces all data with a backup's, in one transaction: a failed restore leaves the database as it was.
 * The database must be migrated to the same migrations as the backup.
 */
export async function restore(database: Database, file: string): Promise<{ rows: number }> {
  const byTable = new Map<string, Record<string, unknown>[]>();
  let header: Header | undefined;
  const input = createInterface({
    input: createReadStream(file).pipe(createGunzip()),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  try {
    for await (const text of input) {
      if (!text) continue;
      const line = JSON.parse(text) as Line;
      if (!header) {
        if (!('format' in line) || line.format !== FORMAT)
          throw new RestoreError(`${file} is not a Working Connections backup`);
        if (line.version !== VERSION) throw new RestoreError(`Backup format version ${line.version} is not supported`);
        header = line;
      } else if ('table' in line) {
        const rows = byTable.get(line.table) ?? [];
        rows.push(line.row);
        byTable.set(line.table, rows);
      }
    }
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(`${file} could not be read as a backup: ${(error as Error).message}`);
  }
  if (!header) throw new RestoreError(`${file} is empty`);
  const migrations = await migrationNames();
  if (JSON.stringify(header.migrations) !== JSON.stringify(migrations)) {
    throw new RestoreError(
      `The backup was made at migrations [${header.migrations.join(', ')}], but this database is at [${migrations.join(', ')}]. Restore it with the matching version of the service.`,
    );
  }
  return database.transaction(async (tx) => {
    const tables = await tablesInDependencyOrder(tx);
    const unknown = [...byTable.keys()].filter((table) => !tables.includes(table));
    if (unknown.length > 0)
      throw new RestoreError(`The backup has tables this database does not: ${unknown.join(', ')}`);
    await tx.exec(`TRUNCATE ${tables.map((table) => pg.escapeIdentifier(table)).join(', ')} CASCADE`);
    let rows = 0;
    for (const table of tables) {
      const tableRows = byTable.get(table) ?? [];
      const name = pg.escapeIdentifier(table);
      // Generated columns are derived again by the database, never restored.
      const stored = await tx.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [table],
      );
      const columns = stored.map((row) => pg.escapeIdentifier(row.column_name)).join(', ');
      for (let start = 0; start < tableRows.length; start += INSERT_BATCH) {
        const batch = tableRows.slice(start, start + INSERT_BATCH);
        await tx.query(
          `INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM json_populate_recordset(null::${name}, $1::json)`,
          [JSON.stringify(batch)],
        );
        rows += batch.length;
      }
    }
    // Identity columns carry on after the highest restored value.
    const identities = await tx.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'`,
    );
    for (const { table_name, column_name } of identities) {
      const column = pg.escapeIdentifier(column_name);
      await tx.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${column}) FROM ${pg.escapeIdentifier(table_name)}), 0) + 1, false)`,
        [pg.escapeIdentifier(table_name), column_name],
      );
    }
    return { rows };
  });
}
