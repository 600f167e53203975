import type { Database, SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { compileRecord } from './ocds-compile.ts';
import { findReleases, type Json, type OcdsFile, type Release, ReleaseIdentities, readOcdsFile } from './ocds-file.ts';
import { copyRecords, copyReleases, key, lockImports, storedKeys } from './ocds-import.copy.ts';
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
// process reads, checks and compiles the next. Every 50 releases checked or processes compiled, the statement
// being written to the connection goes on: a large one is sent a part at a time, and would otherwise wait.
const CHUNK = 1000;
const TURN = 50;

/** A release to store, with its text as written in the file when that is known. */
type Entry = { release: Release; text?: string | Buffer };
/** Releases in the file's order, a batch at a time, with those that cannot be stored at all. */
type Batch = { entries: Entry[]; unusable: RejectedRelease[] };
type Source = { metadata: Json; count: number; batches: () => Iterable<Batch> };

/** The file turned out not to be readable as the quick way found it: it is read whole, to say what is wrong. */
class ReadWhole extends Error {}

export async function importOcds(
  database: Database,
  input: Buffer,
  actor: ImportActor,
  { fileName = 'releases.json', maxBytes }: { fileName?: string; maxBytes: number },
): Promise<OcdsImportResult> {
  // PostgreSQL is given each release's bytes as they are (a binary parameter, which for json is its text); PGlite
  // takes parameters as text.
  const asText = database.kind === 'pglite';
  const found = findReleases(input, maxBytes);
  if (found) {
    try {
      return await importSource(database, releasesByBatch(input, found, asText), actor, fileName);
    } catch (error) {
      if (!(error instanceof ReadWhole)) throw error;
    }
  }
  const file = readOcdsFile(input, maxBytes);
  if (!file.ok) return { ok: false, fileName, problems: file.problems };
  return importSource(database, parsedReleases(file), actor, fileName);
}

/**
 * Reads each batch of releases from the file only when the import comes to it, so that the first batches are
 * stored while the last are read. Each release is stored as it was written in the file.
 */
function releasesByBatch(input: Buffer, found: { spans: Uint32Array; metadata: Json }, asText: boolean): Source {
  const count = found.spans.length / 2;
  return {
    metadata: found.metadata,
    count,
    *batches() {
      const identities = new ReleaseIdentities();
      let storable = 0;
      for (let start = 0; start < count; start += CHUNK) {
        const batch: Batch = { entries: [], unusable: [] };
        for (let index = start; index < Math.min(start + CHUNK, count); index++) {
          const from = found.spans[index * 2] as number;
          const to = found.spans[index * 2 + 1] as number;
          const text = input.toString('utf8', from, to);
          let release: unknown;
          try {
            release = JSON.parse(text);
          } catch {
            throw new ReadWhole();
          }
          const problem = identities.problem(release, index);
          if (problem) batch.unusable.push({ release: problem.name, reasons: problem.reasons });
          else batch.entries.push({ release: release as Release, text: asText ? text : input.subarray(from, to) });
        }
        storable += batch.entries.length;
        yield batch;
      }
      if (storable === 0) throw new ReadWhole(); // refused whole, with the reasons
    },
  };
}

/** The releases of a file read whole, which are serialised again to be stored. */
function parsedReleases(file: Extract<OcdsFile, { ok: true }>): Source {
  return {
    metadata: file.metadata,
    count: file.releases.length,
    *batches() {
      for (let start = 0; start < file.releases.length; start += CHUNK) {
        const batch: Batch = { entries: [], unusable: [] };
        for (let index = start; index < Math.min(start + CHUNK, file.releases.length); index++) {
          const problem = file.unusable.get(index);
          if (problem) batch.unusable.push({ release: problem.name, reasons: problem.reasons });
          else batch.entries.push({ release: file.releases[index] as Release });
        }
        yield batch;
      }
    },
  };
}

async function importSource(
  database: Database,
  source: Source,
  actor: ImportActor,
  fileName: string,
): Promise<OcdsImportResult> {
  // Binary COPY where the database takes it (PostgreSQL); should another writer store one of the same releases
  // between the check and the load, the import starts again with statements that skip what is stored.
  const attempt = (bulk: boolean) =>
    database.transaction(async (tx) => {
      const queue = new StatementQueue(tx);
      // Nothing may reach the connection after the transaction ends, whether it ends well or not.
      try {
        return await importInto(queue, bulk ? queue.copier : undefined, source, { fileName, actor, tx });
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
  source: Source,
  { fileName, actor, tx }: { fileName: string; actor: ImportActor; tx: SqlRunner },
): Promise<OcdsImportResult> {
  if (copier) await lockImports(queue.runner);
  // The file's package details, stored once for all its releases.
  const [pkg] = await queue.runner.query<{ id: string }>('SELECT ocds_package_id($1::jsonb)::text AS id', [
    JSON.stringify(source.metadata),
  ]);
  const packageId = Number(pkg?.id);
  const valid: Release[] = [];
  const rejected: RejectedRelease[] = [];
  const writes: Promise<string[]>[] = [];
  const recordWrites: Promise<void>[] = [];
  // Processes with releases stored before this import: compiled from the database, the others from the file.
  const known: Promise<string[]>[] = [];
  // The batch in which each process first came: the database holding it when a later batch asks is this import.
  const firstBatch = new Map<string, number>();
  // Processes whose record was written from one batch, with releases in a later one: written again at the end.
  const spanning = new Set<string>();
  const byOcid = new Map<string, Release[]>();
  let batchNumber = 0;
  for (const batch of source.batches()) {
    const number = batchNumber++;
    rejected.push(...batch.unusable);
    const releases = batch.entries.map((entry) => entry.release);
    for (const { ocid } of releases) {
      const first = firstBatch.get(ocid);
      if (first === undefined) firstBatch.set(ocid, number);
      else if (first < number) spanning.add(ocid);
    }
    // Asked now, answered while this batch is checked: the database's releases of the batch's processes.
    const stored = held(storedKeys(queue.runner, releases));
    known.push(stored.then(({ ocids }) => [...ocids].filter((ocid) => firstBatch.get(ocid) === number)));
    const sound: Release[] = [];
    const texts: (string | Buffer)[] = [];
    for (const [index, { release, text }] of batch.entries.entries()) {
      if (index % TURN === 0) await nextTurn();
      const reasons = releaseProblems(release);
      if (reasons.length > 0) rejected.push({ release: release.id, reasons });
      else {
        sound.push(release);
        texts.push(text ?? JSON.stringify(release));
      }
    }
    valid.push(...sound);
    if (sound.length === 0) continue;
    const write = stored.then(({ keys }) =>
      copier
        ? copyThenInsert(copier, queue.runner, sound, texts, packageId, keys)
        : insertReleases(queue.runner, sound, texts, packageId),
    );
    writes.push(held(write));
    // The records of the processes that began in this batch, compiled while the server stores its releases;
    // those the database already held are left for the end, to be compiled from all their releases.
    const begun = new Map<string, Release[]>();
    for (const release of sound) {
      const list = byOcid.get(release.ocid);
      if (list) list.push(release);
      else byOcid.set(release.ocid, [release]);
      if (firstBatch.get(release.ocid) === number) begun.set(release.ocid, byOcid.get(release.ocid) as Release[]);
    }
    const records = await compileRecords([...begun]);
    const fresh = stored.then(({ ocids }) =>
      storeRecords(
        queue.runner,
        records.filter((record) => !ocids.has(record.ocid)),
        copier,
      ),
    );
    recordWrites.push(held(fresh));
    await nextTurn();
  }

  const knownSet = new Set((await Promise.all(known)).flat());
  const inserted = new Set<string>();
  for (const write of writes) for (const done of await write) inserted.add(done);
  await queue.drain();
  await allOrFirstFailure(recordWrites); // the records' statements, and the parties read from them
  const touched = new Set<string>();
  for (const release of valid) if (inserted.has(key(release))) touched.add(release.ocid);
  // A new process whose releases were not all stored by this import (another one stored some first) is
  // compiled again from what the database holds, like a process that was already known.
  const fromDatabase = [...touched].filter((ocid) => knownSet.has(ocid));
  const fromFile: [string, Release[]][] = [];
  for (const [ocid, list] of byOcid) {
    if (knownSet.has(ocid)) continue;
    if (list.some((release) => !inserted.has(key(release)))) fromDatabase.push(ocid);
    else if (spanning.has(ocid)) fromFile.push([ocid, list]);
  }
  for (let start = 0; start < fromFile.length; start += CHUNK) {
    await storeRecords(tx, await compileRecords(fromFile.slice(start, start + CHUNK)));
  }
  for (let start = 0; start < fromDatabase.length; start += CHUNK) {
    const stored = await storedReleases(tx, fromDatabase.slice(start, start + CHUNK));
    await storeRecords(tx, await compileRecords([...stored]));
  }
  const releaseCount = source.count;
  await recordAuditSql(tx, {
    actorUserId: actor.userId,
    action: 'ocds.imported',
    subjectType: 'ocds_release',
    details: {
      fileName,
      releases: releaseCount,
      stored: inserted.size,
      rejected: rejected.length,
      records: touched.size,
    },
    ip: actor.ip ?? null,
  });
  return {
    ok: true,
    fileName,
    releases: releaseCount,
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
     VALUES ${rowsOf(releases.length, 2, ['text', 'text', 'timestamptz', 'text[]', "'import'", '$1::bigint', 'text'])}
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
    'SELECT ocid, release::json AS release FROM ocds_releases WHERE ocid = ANY ($1::text[])',
    [ocids],
  );
  const byOcid = new Map<string, Json[]>();
  for (const row of rows) byOcid.set(row.ocid, [...(byOcid.get(row.ocid) ?? []), row.release]);
  return byOcid;
}

/** A process's compiled release, and its JSON text, written while the server is still storing releases. */
type CompiledRecord = { ocid: string; compiled_release: Json; text: string; release_count: number };

/** Each process compiled from all of its releases, letting statements already sent go on every few. */
async function compileRecords(processes: [string, Json[]][]): Promise<CompiledRecord[]> {
  const records: CompiledRecord[] = [];
  for (const [index, [ocid, releases]] of processes.entries()) {
    if (index % TURN === 0) await nextTurn();
    const compiled = compileRecord(ocid, releases);
    records.push({ ocid, compiled_release: compiled, text: JSON.stringify(compiled), release_count: releases.length });
  }
  return records;
}

/** Writes the compiled release and the parties of each process. */
async function storeRecords(tx: SqlRunner, records: CompiledRecord[], copier?: Copier): Promise<void> {
  if (records.length === 0) return;
  const parties = records.flatMap((record) => partiesOf(record.ocid, record.compiled_release));
  await allOrFirstFailure([
    copier ? copyRecords(copier, records) : upsertRecords(tx, records),
    storeParties(tx, parties, copier),
  ]);
}

function upsertRecords(tx: SqlRunner, records: CompiledRecord[]) {
  return tx.query(
    `INSERT INTO ocds_records (ocid, compiled_release, release_count)
       VALUES ${rowsOf(records.length, 1, ['text', 'text', 'integer'])}
       ON CONFLICT (ocid) DO UPDATE SET compiled_release = excluded.compiled_release,
         release_count = excluded.release_count, updated_at = now()`,
    records.flatMap((record) => [record.ocid, record.text, record.release_count]),
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
