import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../db/client.ts';
import { MEGABYTE } from './ocds-file.ts';
import { describeOcdsReport, importOcds } from './ocds-import.ts';

/** Files read on the server may be larger than uploads, which are held in memory by a web request. */
export const CLI_MAX_BYTES = 100 * MEGABYTE;

/** `working-connections import-ocds FILE`: prints the counts, or the report; returns the exit code. */
export async function importOcdsFile(database: Database, file: string): Promise<number> {
  let content: Buffer;
  try {
    // Checked before reading, so that a huge file is refused without filling memory.
    if ((await stat(file)).size > CLI_MAX_BYTES) {
      console.error(
        `Nothing was imported from ${path.basename(file)}.\nThe file is too large: it must be smaller than 100 MB`,
      );
      return 1;
    }
    content = await readFile(file);
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  // Run by hand on the server: there is no signed-in person, so the audit entry has no actor.
  const result = await importOcds(
    database,
    content,
    { userId: null },
    {
      fileName: path.basename(file),
      maxBytes: CLI_MAX_BYTES,
    },
  );
  const report = describeOcdsReport(result);
  if (!result.ok || result.rejected.length > 0) {
    console.error(report);
    return 1;
  }
  console.log(report);
  return 0;
}
