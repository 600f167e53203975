import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import type { Mailer } from '../../src/platform/mail.ts';

export type TestContext = { app: FastifyInstance; database: Database; config: Config; close(): Promise<void> };

/**
 * A migrated, empty database: PGlite in memory, or a fresh schema on TEST_DATABASE_URL's PostgreSQL
 * (dropped again on close), so that test files can run side by side on one server.
 */
export async function openTestDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL;
  const schemaName = `test_${randomBytes(6).toString('hex')}`;
  const database = await openDatabase(url ? { url, schemaName } : {});
  await migrate(database);
  return {
    ...database,
    drop: async () => {
      if (url) await database.exec(`DROP SCHEMA ${schemaName} CASCADE`);
      await database.close();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://localhost:3000', ...overrides });
}

export async function createTestApp(
  options: { env?: Record<string, string>; mailer?: Mailer } = {},
): Promise<TestContext> {
  const database = await openTestDatabase();
  const config = testConfig(options.env);
  const app = await buildApp({ config, database, mailer: options.mailer });
  await app.ready();
  return {
    app,
    database,
    config,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
