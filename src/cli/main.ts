import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { backup, RestoreError, restore } from '../db/backup.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { describeSeed, seedDemoData } from '../db/seed/seed.ts';
import { alertsService } from '../modules/alerts/alerts.service.ts';
import { importFrameworkFile } from '../modules/impact/framework-import.cli.ts';
import { verifyLedgerCommand } from '../modules/ledger/verify-ledger.cli.ts';
import { importOcdsFile } from '../modules/ocds/ocds-import.cli.ts';
import { importOrganisationsFile } from '../modules/organisations/import/organisations-import.cli.ts';
import { publishAllImplementationReleases } from '../modules/transparency/transparency.ocds.ts';
import { createMailer } from '../platform/mail.ts';
import { createAdmin } from './create-admin.ts';

const usage = `Usage: working-connections <command>

Commands:
  migrate                              apply database migrations
  create-admin EMAIL [--name "NAME"]   make someone a hub admin (creates the account and prints a link to set a password)
  seed                                 add the demo data to an empty database
  import-organisations FILE            add or update organisations from a CSV file (all rows or none; the
                                       columns are listed on the hub admin's import page)
  import-ocds FILE                      store OCDS releases from a release package, record package or list of
                                       releases (JSON, up to 100 MB); releases already stored are skipped
  import-framework FILE                publish the next impact framework version from a JSON or CSV file (the
                                       formats of the hub admin's framework import page); all of it or none
  send-digests                         e-mail this week's digest of fitting opportunities to everyone on weekly
                                       alerts who has not had it yet (safe to run again: each week is sent once)
  verify-ledger                        recompute the social value ledger's hash chain and evidence hashes; exits 0
                                       with the count when it holds, 1 naming the first broken entry when not
  publish-social-value-ocds            add an OCDS implementation release for each opportunity whose published
                                       contracts' commitments or results changed since its last one
  backup FILE                          write all data to FILE (gzipped JSON lines)
  restore FILE                         replace all data with FILE's, in one transaction

The database is PGlite in DATA_DIR (default ./data), or PostgreSQL when DATABASE_URL is set.`;

/** Runs one command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, argument] = positionals;
  if (!command || values.help) {
    console.log(usage);
    return command || values.help ? 0 : 2;
  }
  if (
    ![
      'migrate',
      'seed',
      'send-digests',
      'verify-ledger',
      'publish-social-value-ocds',
      'create-admin',
      'import-organisations',
      'import-ocds',
      'import-framework',
      'backup',
      'restore',
    ].includes(command)
  ) {
    console.error(`Unknown command "${command}".\n\n${usage}`);
    return 2;
  }
  if (
    !['migrate', 'seed', 'send-digests', 'verify-ledger', 'publish-social-value-ocds'].includes(command) &&
    !argument
  ) {
    console.error(`"${command}" needs ${command === 'create-admin' ? 'an email address' : 'a file name'}.\n\n${usage}`);
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: config.dataDir });
  const mailer = createMailer({ smtpUrl: config.smtpUrl, baseUrl: config.baseUrl, db: database.db });
  try {
    const applied = await migrate(database);
    if (command === 'migrate') {
      console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.');
    } else if (command === 'seed') {
      console.log(describeSeed(await seedDemoData(database)));
    } else if (command === 'send-digests') {
      const result = await alertsService({ database, mailer, baseUrl: config.baseUrl }).sendDigests();
      console.log(`Week ${result.week}: sent ${result.sent} digests; ${result.skipped} people had nothing new.`);
    } else if (command === 'verify-ledger') {
      return await verifyLedgerCommand(database);
    } else if (command === 'publish-social-value-ocds') {
      const result = await publishAllImplementationReleases(database, new Date());
      console.log(
        `${result.published} of ${result.opportunities + result.contracts} contracting processes had new social value to publish.`,
      );
    } else if (command === 'create-admin') {
      const result = await createAdmin({ config, database, mailer }, argument ?? '', values.name);
      console.log(`${result.email} is a hub admin.`);
      if (result.link)
        console.log(`They set their password with this link (single use, valid for 24 hours):\n${result.link}`);
    } else if (command === 'import-organisations') {
      return await importOrganisationsFile(database, argument ?? '');
    } else if (command === 'import-ocds') {
      return await importOcdsFile(database, argument ?? '');
    } else if (command === 'import-framework') {
      return await importFrameworkFile(database, argument ?? '');
    } else if (command === 'backup') {
      const result = await backup(database, argument ?? '');
      console.log(`Wrote ${result.rows} rows from ${result.tables} tables to ${argument}.`);
    } else {
      const result = await restore(database, argument ?? '');
      console.log(`Restored ${result.rows} rows from ${argument}.`);
    }
    return 0;
  } finally {
    mailer.close();
    await database.close();
  }
}

export async function main(argv: string[]) {
  try {
    process.exitCode = await runCli(argv);
  } catch (error) {
    const known =
      error instanceof ConfigError ||
      error instanceof RestoreError ||
      /Usage:|already has data/.test((error as Error).message);
    console.error(known ? (error as Error).message : error);
    process.exitCode = 1;
  }
}
