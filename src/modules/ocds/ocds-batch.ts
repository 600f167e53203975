import { compileRecord } from './ocds-compile.ts';
import type { Json, Release, ReleaseIdentities } from './ocds-file.ts';
import type { ReleaseRow } from './ocds-import.copy.ts';
import { type PartyRow, partiesOf } from './ocds-parties.ts';
import { releaseProblems } from './ocds-validate.ts';

// One batch of a file's releases made ready to store, on the import's reading thread or its own: each release
// checked (an id and ocid, unique in the file, then the schema), reduced to the row that is stored, and the
// processes of the batch compiled from its sound releases. Only plain data leaves: the parsed releases do not.

export type RejectedRelease = { release: string; reasons: string[] };
/** A usable release: its stored row (its text left out when the caller has the bytes) and the schema's reasons. */
export type CheckedRow = Omit<ReleaseRow, 'text'> & { index: number; text?: string | Buffer; problems: string[] };
/**
 * A process's compiled release, and its parties, read from it at once so that the compiled release itself need
 * not be held until the server comes to the record. The compiled release is JSON text or, from the reading thread
 * for a COPY, the record's whole row in binary COPY form (`recordsAsCopyRows`).
 */
export type CompiledRecord = { ocid: string; release_count: number; parties: PartyRow[] } & (
  | { text: string }
  | { copyRow: Uint8Array }
);

/**
 * A release of the batch, parsed, with its place in the file, its text when that is to be kept, and its ocid as
 * the file writes it when that was found before parsing (`writtenOcid`).
 */
export type ParsedRelease = { release: unknown; index: number; text?: string; writtenOcid?: string };

/**
 * A batch checked: its rows in the file's order, and its records. `again` names processes met again after their
 * record was compiled (their ocid written unlike the rest, say): the caller compiles those from all their stored
 * releases.
 */
export type CheckedBatch = {
  unusable: RejectedRelease[];
  rows: CheckedRow[];
  records: CompiledRecord[];
  again?: string[];
};

/**
 * Checks a batch's releases in the file's order and compiles its processes. `writtenCounts` counts the batch's
 * releases by the ocid the file writes for them: a process is compiled as soon as its last release is read, so
 * that only the releases of processes still open are held rather than the whole batch's (which the garbage
 * collector would otherwise copy again and again). Without counts, every process is compiled at the end.
 */
export function checkBatch(
  releases: Iterable<ParsedRelease>,
  identities: ReleaseIdentities,
  writtenCounts: ReadonlyMap<string, number> = new Map(),
): CheckedBatch {
  const batch: CheckedBatch = { unusable: [], rows: [], records: [] };
  const open = new Map<string, Json[]>();
  const compiled = new Set<string>();
  const again = new Set<string>();
  const toRead = new Map(writtenCounts);
  // One more release with this written ocid is read: its process is compiled once none is left.
  const read = (writtenOcid: string | undefined) => {
    if (writtenOcid === undefined) return;
    const count = toRead.get(writtenOcid);
    if (count === undefined) return;
    const left = count - 1;
    toRead.set(writtenOcid, left);
    const list = open.get(writtenOcid);
    if (left > 0 || !list) return;
    open.delete(writtenOcid);
    batch.records.push(compiledRecord(writtenOcid, list));
    compiled.add(writtenOcid);
  };
  for (const { release, index, text, writtenOcid } of releases) {
    const problem = identities.problem(release, index);
    if (problem) {
      batch.unusable.push({ release: problem.name, reasons: problem.reasons });
      read(writtenOcid);
      continue;
    }
    const { ocid, id, date, tag } = release as Release;
    const problems = releaseProblems(release);
    batch.rows.push({ index, ocid, id, date, tag, problems, ...(text === undefined ? {} : { text }) });
    if (problems.length === 0) {
      const list = open.get(ocid);
      if (compiled.has(ocid)) again.add(ocid);
      else if (list) list.push(release as Json);
      else open.set(ocid, [release as Json]);
    }
    read(writtenOcid);
  }
  for (const [ocid, list] of open) batch.records.push(compiledRecord(ocid, list));
  if (again.size > 0) batch.again = [...again];
  return batch;
}

export function compiledRecord(ocid: string, releases: Json[]): CompiledRecord {
  const compiled = compileRecord(ocid, releases);
  return { ocid, text: JSON.stringify(compiled), release_count: releases.length, parties: partiesOf(ocid, compiled) };
}
