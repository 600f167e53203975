import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type CopyDataHandler, CopyOut } from './copy-out.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The typed query layer, the same for PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DatabaseKind = 'pglite' | 'postgres';

/** Plain SQL on one connection: `exec` runs a script of several statements, `query` one parameterised statement. */
export type SqlRunner = {
  exec(script: string): Promise<void>;
  query<Row>(text: string, params?: unknown[]): Promise<Row[]>;
  /**
   * PostgreSQL, inside a transaction only: the output of `COPY (…) TO STDOUT` handed to `onData` as it arrives
   * (copy-out.ts); settles at the end of the data or at the first error.
   */
  copyOut?(statement: string, onData: CopyDataHandler): Promise<void>;
  /** Inside a transaction only: sends `data` to `COPY … FROM STDIN`. */
  copyFrom?(statement: string, data: Buffer): Promise<void>;
};

export type Database = SqlRunner & {
  kind: DatabaseKind;
  db: Db;
  /** Runs `work` in one transaction on one connection: all of it is written, or none. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { url: string; schemaName?: string }
  /** dataDir undefined means in memory. */
  | { url?: undefined; dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.schemaName);
  return openPglite('dataDir' in options ? options.dataDir : undefined);
}

const FROM_STDIN = /\bFROM\s+STDIN\b/i;

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const runner = (on: Pick<PGlite, 'exec' | 'query'>, inTransaction = false): SqlRunner => ({
    exec: async (script) => {
      await on.exec(script);
    },
    query: async <Row>(text: string, params: unknown[] = []) => (await on.query<Row>(text, params)).rows,
    // PGlite has no stream from the client: a COPY reads its data from the /dev/blob device instead.
    ...(inTransaction
      ? {
          copyFrom: async (statement: string, data: Buffer) => {
            if (!FROM_STDIN.test(statement)) throw new Error(`Not a COPY … FROM STDIN: ${statement}`);
            await on.query(statement.replace(FROM_STDIN, "FROM '/dev/blob'"), [], {
              blob: new Blob([data as Uint8Array<ArrayBuffer>]),
            });
          },
        }
      : {}),
  });
  return {
    kind: 'pglite',
    db: drizzlePglite({ client, schema }) as unknown as Db,
    ...runner(client),
    transaction: (work) => client.transaction((tx) => work(runner(tx, true))),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, schemaName: string | undefined): Promise<Database> {
  // A named schema isolates parallel test runs that share one server.
  const options = schemaName ? `-c search_path=${schemaName},public` : undefined;
  const pool = new pg.Pool({ connectionString: url, max: 10, options });
  if (schemaName) {
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schemaName)}`);
  }
  const runner = (on: pg.Pool | pg.PoolClient): SqlRunner => ({
    exec: async (script) => {
      await on.query(script);
    },
    query: async <Row>(text: string, params: unknown[] = []) => (await on.query(text, params)).rows as Row[],
    ...(on instanceof pg.Pool
      ? {}
      : {
          copyOut: (statement: string, onData: CopyDataHandler) => on.query(new CopyOut(statement, onData)).done,
          // One large buffer: the driver sends each written chunk as its own message.
          copyFrom: (statement: string, data: Buffer) => pipeline(Readable.from([data]), on.query(copyFrom(statement))),
        }),
  });
  return {
    kind: 'postgres',
    db: drizzleNodePostgres({ client: pool, schema }) as unknown as Db,
    ...runner(pool),
    transaction: async (work) => {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await work(runner(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK');
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}

/** A Drizzle transaction, for services that write several rows as one unit. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything that runs typed queries: the database itself or an open transaction. */
export type Executor = Db | Tx;

/**
 * Plain SQL with `$n` placeholders on a Drizzle executor, so that code written for SqlRunner can take part in a
 * service's transaction. Each placeholder becomes a bound parameter; nothing is spliced into the text.
 */
export function sqlRunnerOf(executor: Executor): SqlRunner {
  const statement = (text: string, params: unknown[]) => {
    const parts = text.split(/\$(\d+)/);
    return sql.join(
      parts.map((part, index) => (index % 2 === 0 ? sql.raw(part) : sql.param(params[Number(part) - 1]))),
    );
  };
  const run = async <Row>(text: string, params: unknown[] = []) =>
    ((await executor.execute(statement(text, params))) as unknown as { rows: Row[] }).rows;
  return {
    exec: async (script) => {
      await executor.execute(sql.raw(script));
    },
    query: run,
  };
}
