import type { SqlRunner } from '../../db/client.ts';
import { BinaryCopyWriter, type CopyValue, isoToMicros } from '../../db/copy-binary.ts';
import type { CompiledRecord } from './ocds-batch.ts';

// On PostgreSQL the import loads new releases and records with binary COPY: the bytes of each release go to the
// server as they are, with no statement to parse and no parameters to bind, several times faster than a
// multi-row INSERT. COPY cannot skip rows already stored, so the import first reads the keys it holds for the
// file's processes, under a lock that keeps two imports from loading the same release at once.

export const key = (release: { ocid: string; id: string }) => `${release.ocid}\u0000${release.id}`;
export const ocidOf = (releaseKey: string) => releaseKey.slice(0, releaseKey.indexOf('\u0000'));

/** Held until the transaction ends: no other import loads releases meanwhile. */
export async function lockImports(sql: SqlRunner): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(hashtext('ocds-import'))`);
}

/**
 * The releases already stored for these releases' processes, and those processes. Before a COPY, which cannot skip
 * them, call `lockImports` first, so that the answer holds until the COPY.
 */
export async function storedKeys(sql: SqlRunner, releases: { ocid: string }[]) {
  const rows = await sql.query<{ ocid: string; id: string }>(
    'SELECT ocid, release_id AS id FROM ocds_releases WHERE ocid = ANY ($1::text[])',
    [[...new Set(releases.map((release) => release.ocid))]],
  );
  return { keys: new Set(rows.map(key)), ocids: new Set(rows.map((row) => row.ocid)) };
}

/** What is stored of a release: its keys, its date and tags, and its text. */
export type ReleaseRow = { ocid: string; id: string; date: unknown; tag: unknown; text: string | Buffer };

/**
 * Copies the releases not yet stored; returns those it copied and those it left for the caller to insert (a date
 * JavaScript cannot read exactly, which the database then reads itself).
 */
export async function copyReleases(
  sql: SqlRunner & Required<Pick<SqlRunner, 'copyFrom'>>,
  rows: ReleaseRow[],
  packageId: number,
  stored: ReadonlySet<string>,
) {
  const writer = new BinaryCopyWriter(rows.reduce((sum, row) => sum + row.text.length + 200, 0));
  const copied: string[] = [];
  const left: ReleaseRow[] = [];
  for (const row of rows) {
    if (stored.has(key(row))) continue;
    const micros = typeof row.date === 'string' ? isoToMicros(row.date) : undefined;
    if (micros === undefined) {
      left.push(row);
      continue;
    }
    writer.row([
      { type: 'text', value: row.ocid },
      { type: 'text', value: row.id },
      { type: 'timestamptz', micros },
      { type: 'text[]', value: Array.isArray(row.tag) ? row.tag.map(String) : [] },
      { type: 'text', value: 'import' },
      { type: 'int8', value: packageId },
      { type: 'text', value: row.text },
    ]);
    copied.push(key(row));
  }
  if (copied.length > 0) {
    await sql.copyFrom(
      'COPY ocds_releases (ocid, release_id, date, tags, source, package_id, release) FROM STDIN (FORMAT binary)',
      writer.finish(),
    );
  }
  return { copied, left };
}

/** Copies the compiled records of processes new to the database (none of their releases was stored before). */
export async function copyRecords(sql: SqlRunner & Required<Pick<SqlRunner, 'copyFrom'>>, records: CompiledRecord[]) {
  const size = (record: CompiledRecord) => ('copyRow' in record ? record.copyRow.length : record.text.length * 3);
  const writer = new BinaryCopyWriter(records.reduce((sum, record) => sum + size(record) + 64, 0));
  for (const record of records) {
    if ('copyRow' in record) writer.appendRows(record.copyRow);
    else writer.row(recordFields(record));
  }
  await sql.copyFrom(
    'COPY ocds_records (ocid, compiled_release, release_count) FROM STDIN (FORMAT binary)',
    writer.finish(),
  );
}

const recordFields = (record: { ocid: string; text: string; release_count: number }): CopyValue[] => [
  { type: 'text', value: record.ocid },
  { type: 'text', value: record.text },
  { type: 'int4', value: record.release_count },
];

/**
 * The records with their compiled releases turned into rows for `copyRecords`, all in one buffer (to be moved,
 * not copied, to the thread that copies them), and that buffer. On the reading thread, this spares the import's
 * own thread both copying the texts from thread to thread and encoding them.
 */
export function recordsAsCopyRows(records: CompiledRecord[]): { records: CompiledRecord[]; buffer: ArrayBuffer } {
  const lengths = records.map((record) => ('text' in record ? record.text.length : 0));
  // Room for the texts as they mostly are (one byte a character), and for the longest as it could be (three): the
  // writer makes room for a string's worst case before writing it, and should not have to grow for the last one.
  const writer = new BinaryCopyWriter(
    lengths.reduce((sum, length) => sum + length + 64, 0) + 3 * Math.max(0, ...lengths),
    { header: false },
  );
  const ends = records.map((record) => {
    if (!('text' in record)) throw new Error(`the record of ${record.ocid} has no text to encode`);
    writer.row(recordFields(record));
    return writer.written;
  });
  const bytes = writer.writtenRows();
  return {
    records: records.map(({ ocid, release_count, parties }, at) => ({
      ocid,
      release_count,
      parties,
      copyRow: bytes.subarray(at === 0 ? 0 : ends[at - 1], ends[at]),
    })),
    buffer: bytes.buffer as ArrayBuffer, // the writer's own (it has no header)
  };
}
