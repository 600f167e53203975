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
export type CheckedBatch = { unusable: RejectedRelease[]; rows: CheckedRow[]; records: CompiledRecord[] };

/** A release of the batch, parsed, with its place in the file and its text when that is to be kept. */
export type ParsedRelease = { release: unknown; index: number; text?: string };

export function checkBatch(releases: Iterable<ParsedRelease>, identities: ReleaseIdentities): CheckedBatch {
  const batch: CheckedBatch = { unusable: [], rows: [], records: [] };
  const processes = new Map<string, Json[]>();
  for (const { release, index, text } of releases) {
    const problem = identities.problem(release, index);
    if (problem) {
      batch.unusable.push({ release: problem.name, reasons: problem.reasons });
      continue;
    }
    const { ocid, id, date, tag } = release as Release;
    const problems = releaseProblems(release);
    batch.rows.push({ index, ocid, id, date, tag, problems, ...(text === undefined ? {} : { text }) });
    if (problems.length > 0) continue;
    const list = processes.get(ocid);
    if (list) list.push(release as Json);
    else processes.set(ocid, [release as Json]);
  }
  for (const [ocid, list] of processes) batch.records.push(compiledRecord(ocid, list));
  return batch;
}

export function compiledRecord(ocid: string, releases: Json[]): CompiledRecord {
  const compiled = compileRecord(ocid, releases);
  return { ocid, text: JSON.stringify(compiled), release_count: releases.length, parties: partiesOf(ocid, compiled) };
}
