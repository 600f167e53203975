import type { Database, SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { type BatchResult, checkInThread, endImport, newImportId } from './ocds-batch.thread.ts';
import {
  type CheckedBatch,
  type CompiledRecord,
  checkBatch,
  compiledRecord,
  type RejectedRelease,
} from './ocds-batch.ts';
import { findReleases, type Json, type OcdsFile, ReleaseIdentities, readOcdsFile } from './ocds-file.ts';
import {
  copyRecords,
  copyReleases,
  key,
  lockImports,
  ocidOf,
  type ReleaseRow,
  storedKeys,
} from './ocds-import.copy.ts';
import { storeParties } from './ocds-parties.ts';

// Hub admins bring in releases from Contracts Finder, Find a Tender or any OCDS publisher. Each release is checked
// against the OCDS schema on its own: the sound ones are stored and the others listed with their reasons, as are
// releases without an id or ocid and later ones repeating an id. A file that cannot be read as OCDS at all, or
// none of whose releases could be stored, is refused whole. Releases already stored (same ocid and id) are left as they
// were, so a file can be imported again safely. Everything is written in one transaction with one audit entry.

export type ImportActor = { userId: string | null; ip?: string | null };
export type { RejectedRelease };
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

// Batches of 1,000 releases: each is one statement, small enough for the server to begin storing while the
// reading thread checks and compiles the next. Every 50 processes compiled here (those compiled again from the
// database), the statement being written to the connection goes on: a large one is sent a part at a time.
const CHUNK = 1000;
const TURN = 50;

/**
 * The batches of a file in its order, each checked and its processes compiled; `forCopy` when records are to be
 * loaded with COPY, so that they may come as rows ready for it.
 */
type Source = { metadata: Json; count: number; batches: (forCopy: boolean) => AsyncIterable<CheckedBatch> };

/** The file turned out not to be readable as the quick way found it: it is read whole, to say what is wrong. */
class ReadWhole extends Error {}

export async function importOcds(
  database: Database,
  input: Buffer,
  actor: ImportActor,
  { fileName = 'releases.json', maxBytes }: { fileName?: string; maxBytes: number },
): Promise<OcdsImportResult> {
  const reading = new BatchesInThread(input);
  try {
    const found = findReleases(input, maxBytes, { every: CHUNK, found: (spans, count) => reading.send(spans, count) });
    if (found) return await importSource(database, reading.source(found), actor, fileName);
  } catch (error) {
    if (!(error instanceof ReadWhole)) throw error;
  } finally {
    reading.cancel(); // what was sent ahead and never read
  }
  const file = readOcdsFile(input, maxBytes);
  if (!file.ok) return { ok: false, fileName, problems: file.problems };
  return importSource(database, parsedReleases(file), actor, fileName);
}

/** Requests to the reading thread for one reading of a file, in its order. */
type Reading = { importId: number; forCopy: boolean; requests: Promise<BatchResult>[]; sent: number };

/**
 * The batches of a release package or list, read on the reading thread (ocds-batch.thread.ts). Each batch is sent
 * as soon as the scan of the file has found its releases: the thread reads the first while the scan goes on and
 * the import's transaction begins, and the first batches are stored while the last are read. Each release is
 * stored as it was written in the file.
 */
class BatchesInThread {
  readonly #input: Buffer;
  /** Sent during the scan, with records ready for COPY; taken by the first reading. */
  #ahead: Reading | undefined;

  constructor(input: Buffer) {
    this.#input = input;
    this.#ahead = { importId: newImportId(), forCopy: true, requests: [], sent: 0 };
  }

  /** Sends the releases the scan has found so far, a batch at a time. */
  send(spans: Uint32Array, count: number): void {
    if (this.#ahead) this.#sendUpTo(this.#ahead, spans, count);
  }

  /** Lets the thread forget what was sent ahead and never read: the scan found the file unusable, say. */
  cancel(): void {
    if (this.#ahead) endImport(this.#ahead.importId);
    this.#ahead = undefined;
  }

  source(found: { spans: Uint32Array; metadata: Json }): Source {
    return {
      metadata: found.metadata,
      count: found.spans.length / 2,
      batches: (forCopy) => this.#batches(found.spans, forCopy),
    };
  }

  async *#batches(spans: Uint32Array, forCopy: boolean): AsyncIterable<CheckedBatch> {
    let reading = this.#ahead;
    this.#ahead = undefined;
    // Read again (the import starting over without COPY), or read as another kind: a new reading of the file.
    if (reading?.forCopy !== forCopy) {
      if (reading) endImport(reading.importId);
      reading = { importId: newImportId(), forCopy, requests: [], sent: 0 };
    }
    this.#sendUpTo(reading, spans, spans.length / 2);
    try {
      let storable = 0;
      // Each batch is let go once stored: only keys outlive their batch.
      for (let request = reading.requests.shift(); request; request = reading.requests.shift()) {
        const batch = await request;
        if (batch === 'unreadable') throw new ReadWhole();
        for (const row of batch.rows) row.text = this.#input.subarray(spans[row.index * 2], spans[row.index * 2 + 1]);
        storable += batch.rows.length;
        yield batch;
      }
      if (storable === 0) throw new ReadWhole(); // refused whole, with the reasons
    } finally {
      endImport(reading.importId);
    }
  }

  /** Sends the releases after those sent, up to `count`, in batches of CHUNK: all at once, so the thread is never idle. */
  #sendUpTo(reading: Reading, spans: Uint32Array, count: number): void {
    for (let first = reading.sent; first < count; first += CHUNK) {
      const last = Math.min(first + CHUNK, count) - 1;
      const from = spans[first * 2] as number;
      // A copy of the batch's bytes alone, moved to the thread.
      const bytes = new Uint8Array(this.#input.subarray(from, spans[last * 2 + 1]));
      const relative = spans.slice(first * 2, last * 2 + 2).map((at) => at - from);
      const { importId, forCopy } = reading;
      const request = { importId, bytes, spans: relative, first, recordsForCopy: forCopy };
      reading.requests.push(held(checkInThread(request)));
    }
    reading.sent = Math.max(reading.sent, count);
  }
}

/** The releases of a file read whole, which are serialised again to be stored. */
function parsedReleases(file: Extract<OcdsFile, { ok: true }>): Source {
  return {
    metadata: file.metadata,
    count: file.releases.length,
    async *batches() {
      const identities = new ReleaseIdentities();
      for (let first = 0; first < file.releases.length; first += CHUNK) {
        const releases = file.releases.slice(first, first + CHUNK).map((release, at) => ({
          release,
          index: first + at,
          text: JSON.stringify(release),
        }));
        yield checkBatch(releases, identities);
        await nextTurn();
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
  const rejected: RejectedRelease[] = [];
  let soundCount = 0;
  // What each batch stored, and the processes of which some sound release was not stored (stored before).
  const writes: Promise<{ stored: string[]; missed: string[] }>[] = [];
  const recordWrites: Promise<void>[] = [];
  // Processes with releases stored before this import: compiled from the database, the others from the file.
  const known: Promise<string[]>[] = [];
  // The batch in which each process first came: the database holding it when a later batch asks is this import.
  const firstBatch = new Map<string, number>();
  // Processes whose record was written from one batch, with releases in a later one (or later in the same batch,
  // met after the record was compiled: `again`): compiled again at the end.
  const spanning = new Set<string>();
  let batchNumber = 0;
  // Only keys outlive their batch: a file's releases are never all held at once.
  for await (const batch of source.batches(copier !== undefined)) {
    const number = batchNumber++;
    rejected.push(...batch.unusable);
    for (const ocid of batch.again ?? []) spanning.add(ocid);
    for (const { ocid } of batch.rows) {
      const first = firstBatch.get(ocid);
      if (first === undefined) firstBatch.set(ocid, number);
      else if (first < number) spanning.add(ocid);
    }
    // Asked now, answered while the batch before is stored: the database's releases of the batch's processes.
    const stored = held(storedKeys(queue.runner, batch.rows));
    known.push(held(stored.then(({ ocids }) => [...ocids].filter((ocid) => firstBatch.get(ocid) === number))));
    const rows: ReleaseRow[] = [];
    for (const row of batch.rows) {
      if (row.problems.length > 0) rejected.push({ release: row.id, reasons: row.problems });
      else if (row.text === undefined) throw new Error(`release ${row.id} reached the database without its text`);
      else rows.push({ ...row, text: row.text });
    }
    soundCount += rows.length;
    if (rows.length === 0) continue;
    const write = stored.then(async ({ keys }) => {
      const done = copier
        ? await copyThenInsert(copier, queue.runner, rows, packageId, keys)
        : await insertReleases(queue.runner, rows, packageId);
      const storedNow = new Set(done);
      const missed = rows.filter((row) => !storedNow.has(key(row))).map((row) => row.ocid);
      return { stored: done, missed };
    });
    writes.push(held(write));
    // The records of the processes that began in this batch; those the database already held are left for the
    // end, to be compiled from all their releases.
    const begun = batch.records.filter((record) => firstBatch.get(record.ocid) === number);
    const fresh = stored.then(({ ocids }) =>
      storeRecords(
        queue.runner,
        begun.filter((record) => !ocids.has(record.ocid)),
        copier,
      ),
    );
    recordWrites.push(held(fresh));
    await nextTurn();
  }

  const knownSet = new Set((await Promise.all(known)).flat());
  const inserted: string[] = [];
  // Processes to compile again from all their stored releases: those stored before, those spread over batches,
  // and new ones of which another import stored some releases first.
  const recompile = new Set(spanning);
  for (const write of writes) {
    const { stored, missed } = await write;
    inserted.push(...stored);
    for (const ocid of missed) recompile.add(ocid);
  }
  await queue.drain();
  await allOrFirstFailure(recordWrites); // the records' statements, and the parties read from them
  const touched = new Set(inserted.map(ocidOf));
  for (const ocid of touched) if (knownSet.has(ocid)) recompile.add(ocid);
  const fromDatabase = [...recompile].filter((ocid) => touched.has(ocid) || !knownSet.has(ocid));
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
      stored: inserted.length,
      rejected: rejected.length,
      records: touched.size,
    },
    ip: actor.ip ?? null,
  });
  return {
    ok: true,
    fileName,
    releases: releaseCount,
    stored: inserted.length,
    alreadyStored: soundCount - inserted.length,
    records: touched.size,
    rejected,
  };
}

/** Copies what it can; a release whose date only the database can read is inserted with a statement. */
async function copyThenInsert(
  copier: Copier,
  runner: SqlRunner,
  rows: ReleaseRow[],
  packageId: number,
  stored: ReadonlySet<string>,
) {
  const { copied, left } = await copyReleases(copier, rows, packageId, stored);
  if (left.length === 0) return copied;
  return [...copied, ...(await insertReleases(runner, left, packageId))];
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
 * Inserts the releases not yet stored; returns the key of each one that was. Each release goes as its own text
 * parameter (PGlite would take bytes for bytea), stored as it is: no jsonb to build, and no large document that
 * would have to be taken apart again. COPY stores all but a few; this is for those, and for starting again.
 */
async function insertReleases(tx: SqlRunner, rows: ReleaseRow[], packageId: number): Promise<string[]> {
  const params: unknown[] = [packageId];
  for (const row of rows) {
    const text = typeof row.text === 'string' ? row.text : row.text.toString('utf8');
    params.push(row.ocid, row.id, row.date, Array.isArray(row.tag) ? row.tag : [], text);
  }
  const inserted = await tx.query<{ ocid: string; id: string }>(
    `INSERT INTO ocds_releases (ocid, release_id, date, tags, source, package_id, release)
     VALUES ${rowsOf(rows.length, 2, ['text', 'text', 'timestamptz', 'text[]', "'import'", '$1::bigint', 'text'])}
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

/** Each process compiled from all of its releases, letting statements already sent go on every few. */
async function compileRecords(processes: [string, Json[]][]): Promise<CompiledRecord[]> {
  const records: CompiledRecord[] = [];
  for (const [index, [ocid, releases]] of processes.entries()) {
    if (index % TURN === 0) await nextTurn();
    records.push(compiledRecord(ocid, releases));
  }
  return records;
}

/** Writes the compiled release and the parties of each process. */
async function storeRecords(tx: SqlRunner, records: CompiledRecord[], copier?: Copier): Promise<void> {
  if (records.length === 0) return;
  const parties = records.flatMap((record) => record.parties);
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
    records.flatMap((record) => {
      if (!('text' in record)) throw new Error(`the record of ${record.ocid} reached the database without its text`);
      return [record.ocid, record.text, record.release_count];
    }),
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
