import type { Database, SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import {
  allVersions,
  type FrameworkTree,
  type FrameworkVersion,
  findVersion,
  insertVersion,
  latestVersion,
  treeOf,
} from './framework.repository.ts';
import {
  type FileProblem,
  type FrameworkDocument,
  measureCount,
  type ReadFramework,
  refuseFile,
} from './framework.schema.ts';
import { frameworkCsv, readFrameworkCsv } from './framework-csv.ts';
import { readFrameworkJson } from './framework-file.ts';

// The authority-wide impact framework: themes → outcomes → measures, in numbered versions. The current version
// is the highest. A version is written once, whole, and never changed; a hub admin's import is always a new
// version, so results keep pointing at the measures they were reported against.

export type { FrameworkTree, FrameworkVersion, Measure, Outcome, Theme } from './framework.repository.ts';
export type { FrameworkDocument } from './framework.schema.ts';

/** The current version without its tree: what other modules need to tie a new record to it. */
export const currentFrameworkVersion = (runner: SqlRunner) => latestVersion(runner);

export async function currentFramework(runner: SqlRunner): Promise<FrameworkTree | undefined> {
  const version = await latestVersion(runner);
  return version ? treeOf(runner, version) : undefined;
}

export async function frameworkVersion(runner: SqlRunner, version: number): Promise<FrameworkTree | undefined> {
  if (!Number.isSafeInteger(version) || version < 1) return undefined;
  const found = await findVersion(runner, version);
  return found ? treeOf(runner, found) : undefined;
}

export const frameworkVersions = (runner: SqlRunner) => allVersions(runner);

/** A version as the import reads it, with the version it came from. */
export function frameworkDocument(tree: FrameworkTree): FrameworkDocument & { version: number } {
  return {
    version: tree.version,
    title: tree.title,
    source: tree.source,
    licence: tree.licence,
    themes: tree.themes.map((theme) => ({
      code: theme.code,
      title: theme.title,
      description: theme.description,
      outcomes: theme.outcomes.map((outcome) => ({
        code: outcome.code,
        title: outcome.title,
        description: outcome.description,
        measures: outcome.measures.map(({ id: _id, ...measure }) => measure),
      })),
    })),
  };
}

export const frameworkJson = (tree: FrameworkTree) => `${JSON.stringify(frameworkDocument(tree), null, 2)}\n`;
export const frameworkCsvOf = (tree: FrameworkTree) => frameworkCsv(frameworkDocument(tree));

/** Reads an uploaded file by its extension: .json or .csv. */
export function readFrameworkFile(fileName: string, content: Buffer): ReadFramework {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (extension === 'json') return readFrameworkJson(content);
  if (extension === 'csv') return readFrameworkCsv(content);
  return refuseFile('The selected file must be a JSON file (.json) or a CSV file (.csv)');
}

export type ImportActor = { userId: string | null; ip?: string | null };
export type FrameworkImportResult =
  | { ok: true; fileName: string; version: FrameworkVersion; themes: number; outcomes: number; measures: number }
  | { ok: false; fileName: string; problems: string[]; located: FileProblem[] };

/** Checks the whole file, then writes it as the next version with its audit entry, all or nothing. */
export async function importFramework(
  database: Database,
  { fileName, content }: { fileName: string; content: Buffer },
  actor: ImportActor,
): Promise<FrameworkImportResult> {
  const file = readFrameworkFile(fileName, content);
  if (!file.ok) return { ok: false, fileName, problems: file.problems, located: file.located };
  const { framework } = file;
  const counts = {
    themes: framework.themes.length,
    outcomes: framework.themes.reduce((sum, theme) => sum + theme.outcomes.length, 0),
    measures: measureCount(framework),
  };
  const version = await database.transaction(async (tx) => {
    const written = await insertVersion(tx, framework, actor.userId);
    await recordAuditSql(tx, {
      actorUserId: actor.userId,
      action: 'impact_framework.version_imported',
      subjectType: 'impact_framework_version',
      subjectId: written.id,
      details: { fileName, version: written.version, title: written.title, ...counts },
      ip: actor.ip ?? null,
    });
    return written;
  });
  return { ok: true, fileName, version, ...counts };
}

/** One line for a flash message. */
export function describeFrameworkImport(result: Extract<FrameworkImportResult, { ok: true }>): string {
  const { version, themes, outcomes, measures } = result;
  return `Imported ${result.fileName} as version ${version.version}, “${version.title}”: ${themes} themes, ${outcomes} outcomes and ${measures} measures. It is now the current framework.`;
}
