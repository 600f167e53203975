import type { Database, SqlRunner } from '../../db/client.ts';
import type { AuditEntry } from '../../platform/audit.ts';
import { compileRecord } from './ocds-compile.ts';
import { type Json, type Release, readOcdsFile } from './ocds-file.ts';
import { partiesOf, storeParties } from './ocds-parties.ts';
import { releaseProblems } from './ocds-validate.ts';

// Hub admins bring in releases from Contracts Finder, Find a Tender or any OCDS publisher. Each release is checked
// against the OCDS schema on its own: the sound ones are stored and the others listed with their reasons. A file
// that cannot be read as OCDS at all is refused whole. Releases already stored (same ocid and id) are left as they
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

const CHUNK = 1000;

export async function importOcds(
  database: Database,
  input: Buffer,
  actor: ImportActor,
  { fileName = 'releases.json', maxBytes }: { fileName?: string; maxBytes: number },
): Promise<OcdsImportResult> {
  const file = readOcdsFile(input, maxBytes);
  if (!file.ok) return { ok: false, fileName, problems: file.problems };
  const valid: Release[] = [];
  const rejected: RejectedRelease[] = [];
  for (const release of file.releases) {
    const reasons = releaseProblems(release);
    if (reasons.length === 0) valid.push(release);
    else rejected.push({ release: release.id, reasons });
  }

  return database.transaction(async (tx) => {
    // Processes already stored are compiled from the database; new ones from the file, without reading back.
    const known = await knownOcids(tx, valid);
    const inserted = await insertReleases(tx, valid, file.metadata);
    const stored = inserted.size;
    const fresh = new Map<string, Json[]>();
    for (const release of valid) {
      if (!inserted.has(key(release)) || known.has(release.ocid)) continue;
      fresh.set(release.ocid, [...(fresh.get(release.ocid) ?? []), release]);
    }
    const touched = [...new Set(valid.filter((release) => inserted.has(key(release))).map((release) => release.ocid))];
    const ocids = touched.filter((ocid) => known.has(ocid));
    for (let start = 0; start < ocids.length; start += CHUNK) {
      await compileRecords(tx, await storedReleases(tx, ocids.slice(start, start + CHUNK)));
    }
    const freshList = [...fresh];
    for (let start = 0; start < freshList.length; start += CHUNK) {
      await compileRecords(tx, new Map(freshList.slice(start, start + CHUNK)));
    }
    await recordAuditSql(tx, {
      actorUserId: actor.userId,
      action: 'ocds.imported',
      subjectType: 'ocds_release',
      details: { fileName, releases: file.releases.length, stored, rejected: rejected.length, records: touched.length },
      ip: actor.ip ?? null,
    });
    return {
      ok: true,
      fileName,
      releases: file.releases.length,
      stored,
      alreadyStored: valid.length - stored,
      records: touched.length,
      rejected,
    };
  });
}

const key = (release: { ocid: string; id: string }) => `${release.ocid}\u0000${release.id}`;

async function knownOcids(tx: SqlRunner, releases: Release[]): Promise<Set<string>> {
  const rows = await tx.query<{ ocid: string }>(
    'SELECT DISTINCT ocid FROM ocds_releases WHERE ocid = ANY ($1::text[])',
    [[...new Set(releases.map((release) => release.ocid))]],
  );
  return new Set(rows.map((row) => row.ocid));
}

/** Inserts the releases not yet stored; returns the key of each one that was. */
async function insertReleases(tx: SqlRunner, releases: Release[], metadata: Json): Promise<Set<string>> {
  const stored = new Set<string>();
  for (let start = 0; start < releases.length; start += CHUNK) {
    const rows = releases.slice(start, start + CHUNK).map((release) => ({
      ocid: release.ocid,
      release_id: release.id,
      date: release.date,
      tags: Array.isArray(release.tag) ? release.tag : [],
      release,
    }));
    const inserted = await tx.query<{ ocid: string; id: string }>(
      `INSERT INTO ocds_releases (ocid, release_id, date, tags, source, package, release)
       SELECT r.ocid, r.release_id, r.date, r.tags, 'import', $2::jsonb, r.release
       FROM jsonb_to_recordset($1::jsonb) AS r(ocid text, release_id text, date timestamptz, tags text[], release jsonb)
       ON CONFLICT (ocid, release_id) DO NOTHING
       RETURNING ocid, release_id AS id`,
      [JSON.stringify(rows), JSON.stringify(metadata)],
    );
    for (const row of inserted) stored.add(key(row));
  }
  return stored;
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

/** Rebuilds the compiled release and the parties of each process from all of its releases. */
async function compileRecords(tx: SqlRunner, byOcid: Map<string, Json[]>): Promise<void> {
  const records = [...byOcid].map(([ocid, releases]) => ({
    ocid,
    compiled_release: compileRecord(ocid, releases),
    release_count: releases.length,
  }));
  await tx.query(
    `INSERT INTO ocds_records (ocid, compiled_release, release_count)
     SELECT r.ocid, r.compiled_release, r.release_count
     FROM jsonb_to_recordset($1::jsonb) AS r(ocid text, compiled_release jsonb, release_count integer)
     ON CONFLICT (ocid) DO UPDATE SET compiled_release = excluded.compiled_release,
       release_count = excluded.release_count, updated_at = now()`,
    [JSON.stringify(records)],
  );
  await storeParties(
    tx,
    records.flatMap((record) => partiesOf(record.ocid, record.compiled_release)),
  );
}

/** recordAudit's row, written on the import's own connection so that it is kept only if the import is. */
export async function recordAuditSql(tx: SqlRunner, entry: AuditEntry): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (actor_user_id, action, subject_type, subject_id, details, ip) VALUES ($1, $2, $3, $4, $5::jsonb, $6)',
    [
      entry.actorUserId,
      entry.action,
      entry.subjectType,
      entry.subjectId ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.ip ?? null,
    ],
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
