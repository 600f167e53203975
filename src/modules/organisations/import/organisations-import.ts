import type { Database } from '../../../db/client.ts';
import { organisations } from '../../../db/schema.ts';
import { recordAudit } from '../../../platform/audit.ts';
import { profileColumns, updateProfile } from '../organisations.repository.ts';
import type { ProfileInput } from '../profile.schema.ts';
import { type Reason, readImportFile } from './organisations-csv.ts';
import {
  findExisting,
  keysOf,
  markDuplicates,
  markSameMatch,
  plan,
  type Stored,
} from './organisations-import.matching.ts';

// Hub admins bring in organisations from a spreadsheet. A row matches an organisation by charity number, else
// company number, else (with neither) by name among organisations without either; a match is updated, anything
// else added. Every row is checked before anything is written, and all of it is written in one transaction.

export type ImportActor = { userId: string | null; ip?: string | null };
export type RejectedRow = { line: number; reasons: Reason[] };
export type ImportResult =
  | { ok: true; fileName: string; rows: number; created: number; updated: number; unchanged: number }
  | { ok: false; fileName: string; problems: string[]; rejected: RejectedRow[] };

const CHUNK = 500;

export async function importOrganisations(
  database: Database,
  input: string | Buffer,
  actor: ImportActor,
  { fileName = 'organisations.csv' }: { fileName?: string } = {},
): Promise<ImportResult> {
  const file = readImportFile(input);
  if (!file.ok) return { ok: false, fileName, problems: file.problems, rejected: [] };
  const rows = file.rows.map((row) => ({ ...row, keys: keysOf(row) }));
  markDuplicates(rows);

  return database.db.transaction(async (tx) => {
    const existing = await findExisting(tx, rows);
    const planned = rows.map((row) => plan(row, existing));
    markSameMatch(planned);
    const rejected = planned.filter((row) => row.reasons.length > 0);
    if (rejected.length > 0) {
      return { ok: false, fileName, problems: [], rejected: rejected.map(({ line, reasons }) => ({ line, reasons })) };
    }

    const counts = { created: 0, updated: 0, unchanged: 0 };
    const creates: ProfileInput[] = [];
    for (const { profile, match } of planned) {
      if (!profile) continue;
      if (!match) creates.push(profile);
      else if (isUnchanged(match, profile)) counts.unchanged++;
      else if (await updateProfile(tx, match.id, profile)) counts.updated++;
    }
    for (let start = 0; start < creates.length; start += CHUNK) {
      const chunk = creates.slice(start, start + CHUNK);
      await tx
        .insert(organisations)
        .values(
          chunk.map((profile) => ({ ...profileColumns(profile), sector: 'vcse' as const, createdBy: actor.userId })),
        );
      counts.created += chunk.length;
    }
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: 'organisations.imported',
      subjectType: 'organisation',
      details: { fileName, rows: rows.length, ...counts },
      ip: actor.ip ?? null,
    });
    return { ok: true, fileName, rows: rows.length, ...counts };
  });
}

/** Compared column by column, so that importing a file again leaves untouched rows (and updated_at) alone. */
function isUnchanged(stored: Stored, profile: ProfileInput) {
  return Object.entries(profileColumns(profile)).every(([key, value]) => {
    const current: unknown = stored[key as keyof Stored];
    if (Array.isArray(value) && Array.isArray(current)) {
      return value.length === current.length && value.every((item, index) => item === current[index]);
    }
    return current === value;
  });
}

/** One line for a flash message or the command line. */
export function describeImport(result: Extract<ImportResult, { ok: true }>): string {
  return `Imported ${result.fileName}: ${result.created} added, ${result.updated} updated, ${result.unchanged} unchanged.`;
}

/** The whole report of a refused file, one problem a line. */
export function describeRejection(result: Extract<ImportResult, { ok: false }>): string {
  const rows = result.rejected.flatMap(({ line, reasons }) =>
    reasons.map(({ field, message }) => `Line ${line}, ${field}: ${message}`),
  );
  const count = result.rejected.length;
  const summary = count
    ? `${count} ${count === 1 ? 'row needs' : 'rows need'} correcting.`
    : 'The file could not be imported.';
  return [`Nothing was imported from ${result.fileName}. ${summary}`, ...result.problems, ...rows].join('\n');
}
