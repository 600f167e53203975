import type { Database, SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { compileRecord } from './ocds-compile.ts';
import { type Json, type Release, readOcdsFile, releaseBytes } from './ocds-file.ts';
import { copyRecords, copyReleases, key, storedKeys } from './ocds-import.copy.ts';
import { partiesOf, storeParties } from './ocds-parties.ts';
import { releaseProblems } from './ocds-validate.ts';

// Hub admins bring in releases from Contracts Finder, Find a Tender or any OCDS publisher. Each release is checked
// against the OCDS schema on its own: the sound ones are stored and the others listed with their reasons, as are
// releases without an id or ocid and later ones repeating an id. A file that cannot be read as OCDS at all, or
// none of whose releases could be stored, is refused whole. Releases already stored (same ocid and id) are left as they
// were, so a file can be imported again safely. Everything is written in one transaction with one audit entry.

export type ImportActor = { userId: string | null; ip?: string | null };
export type RejectedRelease = { release: string; reasons: string[] };
export type OcdsImportResult =
  | {
      ok: true;
      fileName: string;
      releases: number;
      stored: number;
      alreadyStored: number;
      records: number;
      rejected: RejectedRelease[];
    }
  | { ok: false; fileName: string; problems: string[] };

// Batches of 1,000 releases: each is one statement, small enough for the server to begin storing while this
// process checks and compiles the next. Every 50 releases checked or processes compiled, the statement being
// written to the connection goes on: a large one is sent a part at a time, and would otherwise wait.
const CHUNK = 1000;
const TURN = 50;

export async function importOcds(
  database: Database,
  input: Buffer,
  actor: ImportActor,
  { fileName = 'releases.json', maxBytes }: { fileName?: string; maxBytes: number },
): Promise<OcdsImportResult> {
  const file = readOcdsFile(input, maxBytes);
  if (!file.ok) return { ok: false, fileName, problems: file.problems };
  const { metadata, unusable } = file;
  // Releases that cannot be stored at all are reported, and take no further part.
  const rejected: RejectedRelease[] = [];
  const releases: Release[] = [];
  const usableBytes: Buffer[] = [];
  const allBytes = releaseBytes(input, file.releases.length);
  file.releases.forEach((release, index) => {
    const problem = unusable.get(index);
    if (problem) rejected.push({ release: problem.name, reasons: problem.reasons });
    else {
      releases.push(release);
      const bytes = allBytes?.[index];
      if (bytes) usableBytes.push(bytes);
    }
  });
  // Each release is stored as it was written in the file, which JSON.parse has just checked, else serialised
  // again. PostgreSQL is given the bytes themselves (as a binary parameter, which for json is its text); PGlite
  // takes parameters as text.
  const bytes = allBytes ? usableBytes : undefined;
  const asText = database.kind === 'pglite';

  // Binary COPY where the database takes it (PostgreSQL); should another writer store one of the same releases
  // between the check and the load, the import starts again with statements that skip what is stored.
  const attempt = (bulk: boolean) =>
    database.transaction(async (tx) => {
      const queue = new StatementQueue(tx);
      // Nothing may reach the connection after the transaction ends, whether it ends well or not.
      try {
        return await importInto(queue, bulk ? queue.copier : undefined, releases, bytes, asText, metadata, {
          fileName,
          actor,
          tx,
          unusable: rejected,
        });
      } finally {
        await queue.close();
      }
    });
  try {
    return await attempt(true);
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    return attempt(false);
  }
}

const UNIQUE_VIOLATION = '23505';
type Copier = SqlRunner & Required<Pick<SqlRunner, 'copyFrom'>>;

async function importInto(
  queue: StatementQueue,
  copier: Copier | undefined,
  releases: Release[],
  bytes: Buffer[] | undefined,
  asText: boolean,
  metadata: Json,
  {
    fileName,
    actor,
    tx,
    unusable,
  }: { fileName: string; actor: ImportActor; tx: SqlRunner; unusable: RejectedRelease[] },
): Promise<OcdsImportResult> {
  // Processes already stored are compiled from the database; new ones from the file, without reading back.
  const stored = copier ? await storedKeys(queue.runner, releases) : undefined;
  const known = stored ? Promise.resolve(stored.ocids) : held(knownOcids(queue.runner, releases));
  const valid: Release[] = [];
  const rejected: RejectedRelease[] = [...unusable];
  const batches: Promise<string[]>[] = [];
  // The file's package details, stored once for all its releases.
  const [pkg] = await queue.runner.query<{ id: string }>('SELECT ocds_package_id($1::jsonb)::text AS id', [
    JSON.stringify(metadata),
  ]);
  const packageId = Number(pkg?.id);
  for (let start = 0; start < releases.length; start += CHUNK) {
    const sound: Release[] = [];
    const soundTexts: (string | Buffer)[] = [];
    for (let index = start; index < Math.min(start + CHUNK, releases.length); index++) {
      if (index % TURN === 0) await nextTurn();
      const release = releases[index] as Release;
      const reasons = releaseProblems(release);
      if (reasons.length > 0) rejected.push({ release: release.id, reasons });
      else {
        sound.push(release);
        const written = bytes?.[index];
        soundTexts.push(written === undefined ? JSON.stringify(release) : asText ? written.toString() : written);
      }
    }
    valid.push(...sound);
    if (sound.length > 0) {
      const write =
        copier && stored
          ? copyThenInsert(copier, queue.runner, sound, soundTexts, packageId, stored.keys)
          : insertReleases(queue.runner, sound, soundTexts, packageId);
      batches.push(held(write));
    }
    await nextTurn();
  }

  const knownSet = await known;
  const fresh = new Map<string, Release[]>();
  for (const release of valid) {
    if (knownSet.has(release.ocid)) continue;
    const list = fresh.get(release.ocid);
    if (list) list.push(release);
    else fresh.set(release.ocid, [release]);
  }
  const freshList = [...fresh];
  const recordWrites: Promise<void>[] = [];
  for (let start = 0; start < freshList.length; start += CHUNK) {
    const records = await compileRecords(freshList.slice(start, start + CHUNK));
    recordWrites.push(held(storeRecords(queue.runner, records, copier)));
  }

  const inserted = new Set<string>();
  for (const batch of batches) for (const done of await batch) inserted.add(done);
  await queue.drain();
  await allOrFirstFailure(recordWrites); // the records' statements, and the parties read from them
  const touched = new Set<string>();
  for (const release of valid) if (inserted.has(key(release))) touched.add(release.ocid);
  // A new process whose releases were not all stored by this import (another one stored some first) is
  // compiled again from what the database holds, like a process that was already known.
  const fromDatabase = [...touched].filter((ocid) => knownSet.has(ocid));
  for (const [ocid, list] of fresh) {
    if (list.some((release) => !inserted.has(key(release)))) fromDatabase.push(ocid);
  }
  for (let start = 0; start < fromDatabase.length; start += CHUNK) {
    const compiled = await storedReleases(tx, fromDatabase.slice(start, start + CHUNK));
    await storeRecords(tx, await compileRecords([...compiled]));
  }
  await recordAuditSql(tx, {
    actorUserId: actor.userId,
    action: 'ocds.imported',
    subjectType: 'ocds_release',
    details: {
      fileName,
      releases: releases.length + unusable.length,
      stored: inserted.size,
      rejected: rejected.length,
      records: touched.size,
    },
    ip: actor.ip ?? null,
  });
  return {
    ok: true,
    fileName,
    releases: releases.length + unusable.length,
    stored: inserted.size,
    alreadyStored: valid.length - inserted.size,
    records: touched.size,
    rejected,
  };
}

/** Copies what it can; a release whose date only the database can read is inserted with a statement. */
async function copyThenInsert(
  copier: Copier,
  runner: SqlRunner,
  releases: Release[],
  texts: (string | Buffer)[],
  packageId: number,
  stored: ReadonlySet<string>,
) {
  const { copied, left } = await copyReleases(copier, releases, texts, packageId, stored);
  if (left.length === 0) return copied;
  const inserted = await insertReleases(
    runner,
    left.map((item) => item.release),
    left.map((item) => item.text),
    packageId,
  );
  return [...copied, ...inserted];
}

/**
 * The statements of one transaction, each sent as soon as the one before has finished, without the caller
 * waiting: on PostgreSQL the server stores one batch while this process prepares the next. A statement after
 * a failed one is not sent (the transaction is lost anyway); `drain` waits for all and throws that failure.
 */
class StatementQueue {
  #tx: SqlRunner;
  #tail: Promise<unknown> = Promise.resolve();
  constructor(tx: SqlRunner) {
    this.#tx = tx;
  }
  readonly runner: SqlRunner = {
    exec: (script) => this.#send(() => this.#tx.exec(script)),
    query: <Row>(text: string, params?: unknown[]) => this.#send(() => this.#tx.query<Row>(text, params)),
  };
  /** The same queue, with COPY, where the connection has it. */
  get copier(): Copier | undefined {
    const copyFrom = this.#tx.copyFrom;
    if (!copyFrom) return undefined;
    return { ...this.runner, copyFrom: (statement, data) => this.#send(() => copyFrom(statement, data)) };
  }
  #closed = false;
  #send<T>(statement: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => {
      if (this.#closed) throw new Error('The import ended before this statement was sent');
      return statement();
    });
    this.#tail = held(result);
    return result;
  }
  async drain(): Promise<void> {
    await this.#tail;
  }
  /** Sends nothing more, and waits for the statement the server may still be running. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail.catch(() => {});
  }
}

/** Marks a promise as handled now; whoever awaits it later still sees its failure. */
function held<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/** Lets answers from the database, and parts of a large statement still being written, be handled. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Waits for every statement, then throws the first one's failure. */
async function allOrFirstFailure(statements: Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(statements);
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

async function knownOcids(tx: SqlRunner, releases: Release[]): Promise<Set<string>> {
  const rows = await tx.query<{ ocid: string }>(
    'SELECT DISTINCT ocid FROM ocds_releases WHERE ocid = ANY ($1::text[])',
    [[...new Set(releases.map((release) => release.ocid))]],
  );
  return new Set(rows.map((row) => row.ocid));
}

/**
 * Inserts the releases not yet stored; returns the key of each one that was. Each release goes as its own json
 * parameter, which the server only checks and stores as it is: no jsonb to build, and no large document that
 * would have to be taken apart again.
 */
async function insertReleases(
  tx: SqlRunner,
  releases: Release[],
  texts: (string | Buffer)[],
  packageId: number,
): Promise<string[]> {
  const params: unknown[] = [packageId];
  releases.forEach((release, index) => {
    params.push(release.ocid, release.id, release.date, Array.isArray(release.tag) ? release.tag : [], texts[index]);
  });
  const inserted = await tx.query<{ ocid: string; id: string }>(
    `INSERT INTO ocds_releases (ocid, release_id, date, tags, source, package_id, release)
     VALUES ${rowsOf(releases.length, 2, ['text', 'text', 'timestamptz', 'text[]', "'import'", '$1::bigint', 'json'])}
     ON CONFLICT (ocid, release_id) DO NOTHING
     RETURNING ocid, release_id AS id`,
    params,
  );
  return inserted.map(key);
}

/**
 * `($2::text, $3::json, …), (…)`: the placeholders of a multi-row VALUES list, numbered from `first`. A column
 * given as an SQL expression (a literal, or a parameter shared by every row) is written as it is.
 */
export function rowsOf(count: number, first: number, columns: string[]): string {
  const perRow = columns.filter((column) => /^\w+(\[\])?$/.test(column)).length;
  return Array.from({ length: count }, (_, row) => {
    let next = first + row * perRow;
    const cells = columns.map((column) => (/^\w+(\[\])?$/.test(column) ? `$${next++}::${column}` : column));
    return `(${cells.join(', ')})`;
  }).join(',\n');
}

async function storedReleases(tx: SqlRunner, ocids: string[]): Promise<Map<string, Json[]>> {
  const rows = await tx.query<{ ocid: string; release: Json }>(
    'SELECT ocid, release FROM ocds_releases WHERE ocid = ANY ($1::text[])',
    [ocids],
  );
  const byOcid = new Map<string, Json[]>();
  for (const row of rows) byOcid.set(row.ocid, [...(byOcid.get(row.ocid) ?? []), row.release]);
  return byOcid;
}

type CompiledRecord = { ocid: string; compiled_release: Json; release_count: number };

/** Each process compiled from all of its releases, letting statements already sent go on every few. */
async function compileRecords(processes: [string, Json[]][]): Promise<CompiledRecord[]> {
  const records: CompiledRecord[] = [];
  for (const [index, [ocid, releases]] of processes.entries()) {
    if (index % TURN === 0) await nextTurn();
    records.push({ ocid, compiled_release: compileRecord(ocid, releases), release_count: releases.length });
  }
  return records;
}

/** Writes the compiled release and the parties of each process. */
async function storeRecords(tx: SqlRunner, records: CompiledRecord[], copier?: Copier): Promise<void> {
  const parties = records.flatMap((record) => partiesOf(record.ocid, record.compiled_release));
  await allOrFirstFailure([
    copier ? copyRecords(copier, records) : upsertRecords(tx, records),
    storeParties(tx, parties, copier),
  ]);
}

function upsertRecords(tx: SqlRunner, records: CompiledRecord[]) {
  return tx.query(
    `INSERT INTO ocds_records (ocid, compiled_release, release_count)
       VALUES ${rowsOf(records.length, 1, ['text', 'json', 'integer'])}
       ON CONFLICT (ocid) DO UPDATE SET compiled_release = excluded.compiled_release,
         release_count = excluded.release_count, updated_at = now()`,
    records.flatMap((record) => [record.ocid, JSON.stringify(record.compiled_release), record.release_count]),
  );
}

/** One line for a flash message or the command line. */
export function describeOcdsImport(result: Extract<OcdsImportResult, { ok: true }>): string {
  const rejected = result.rejected.length ? `, ${result.rejected.length} rejected` : '';
  return (
    `Imported ${result.fileName}: ${result.releases} releases, ${result.stored} stored, ` +
    `${result.alreadyStored} already stored${rejected}. ${result.records} records compiled.`
  );
}

/** The whole report, one problem a line. */
export function describeOcdsReport(result: OcdsImportResult): string {
  if (!result.ok) return [`Nothing was imported from ${result.fileName}.`, ...result.problems].join('\n');
  return [
    describeOcdsImport(result),
    ...result.rejected.flatMap(({ release, reasons }) => reasons.map((reason) => `Release ${release}: ${reason}`)),
  ].join('\n');
}
