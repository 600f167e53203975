import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../../../db/client.ts';
import { describeImport, describeRejection, importOrganisations } from './organisations-import.ts';

/** `working-connections import-organisations FILE`: prints the counts, or the report; returns the exit code. */
export async function importOrganisationsFile(database: Database, file: string): Promise<number> {
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  // Run by hand on the server: there is no signed-in person, so the audit entry has no actor.
  const result = await importOrganisations(database, content, { userId: null }, { fileName: path.basename(file) });
  if (!result.ok) {
    console.error(describeRejection(result));
    return 1;
  }
  console.log(describeImport(result));
  return 0;
}
