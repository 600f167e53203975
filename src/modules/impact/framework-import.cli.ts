import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../db/client.ts';
import { MAX_FILE_BYTES } from './framework.schema.ts';
import { describeFrameworkImport, type FrameworkImportResult, importFramework } from './framework.service.ts';

/** `working-connections import-framework FILE`: the new version in one line, or the report; returns the exit code. */
export async function importFrameworkFile(database: Database, file: string): Promise<number> {
  const fileName = path.basename(file);
  let content: Buffer;
  try {
    // The same limit as an upload. Checked before reading, so that a huge file is refused without filling memory.
    if ((await stat(file)).size > MAX_FILE_BYTES) {
      console.error(
        describeRefusal({
          ok: false,
          fileName,
          problems: [`The file must be smaller than ${MAX_FILE_BYTES / 1024 / 1024} MB`],
          located: [],
        }),
      );
      return 1;
    }
    content = await readFile(file);
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  // Run by hand on the server: there is no signed-in person, so the audit entry has no actor.
  const result = await importFramework(database, { fileName, content }, { userId: null });
  if (!result.ok) {
    console.error(describeRefusal(result));
    return 1;
  }
  console.log(describeFrameworkImport(result));
  return 0;
}

/** What the upload page lists, as text: one problem a line, each with where it is in the file. */
function describeRefusal(result: Extract<FrameworkImportResult, { ok: false }>): string {
  return [
    `Nothing was imported from ${result.fileName}.`,
    ...result.problems,
    ...result.located.map(({ where, message }) => `${where}: ${message}`),
  ].join('\n');
}
