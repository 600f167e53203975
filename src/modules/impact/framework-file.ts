import type { z } from 'zod';
import {
  type FileProblem,
  type FrameworkDocument,
  frameworkDocumentSchema,
  MAX_FILE_BYTES,
  MAX_MEASURES,
  measureCount,
  type ReadFramework,
  refuseAt,
  refuseFile,
} from './framework.schema.ts';

// Checks shared by both file formats (size, encoding, codes used twice), and the JSON format itself.

const ENCODING_PROBLEM =
  'The file is not saved as UTF-8 text. Save it again as UTF-8 (in Excel, choose "CSV UTF-8"), then upload it again';

/** The file's text, or why it cannot be read as text at all. */
export function decodeFile(bytes: Buffer): { ok: true; text: string } | { ok: false; problem: string } {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    return { ok: false, problem: `The file must be smaller than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
  }
  let text: string;
  try {
    // The default ignoreBOM: false drops a byte order mark, which spreadsheets often write.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: ENCODING_PROBLEM };
  }
  if (text.trim() === '') return { ok: false, problem: 'The file is empty' };
  return { ok: true, text };
}

export function readFrameworkJson(bytes: Buffer): ReadFramework {
  const decoded = decodeFile(bytes);
  if (!decoded.ok) return refuseFile(decoded.problem);
  let data: unknown;
  try {
    data = JSON.parse(decoded.text);
  } catch (error) {
    return refuseFile(`The file is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refuseFile('The file must hold one framework: a JSON object with a title, source, licence and themes');
  }
  const parsed = frameworkDocumentSchema.safeParse(data);
  if (!parsed.success) return refuseAt(parsed.error.issues.map((issue) => locate(issue, data)));
  const { version: _ignored, ...framework } = parsed.data;
  return checkFramework(framework, jsonPlaces(framework));
}

/** Where each theme, outcome and measure of a JSON file is, to name them in problems. */
function jsonPlaces(framework: FrameworkDocument): Places {
  const places: Places = { themes: [], outcomes: [], measures: [] };
  framework.themes.forEach((theme, t) => {
    places.themes.push({ code: theme.code, where: `themes[${t}].code` });
    theme.outcomes.forEach((outcome, o) => {
      places.outcomes.push({ code: outcome.code, where: `themes[${t}].outcomes[${o}].code` });
      outcome.measures.forEach((measure, m) => {
        places.measures.push({ code: measure.code, where: `themes[${t}].outcomes[${o}].measures[${m}].code` });
      });
    });
  });
  return places;
}

type Place = { code: string; where: string };
export type Places = { themes: Place[]; outcomes: Place[]; measures: Place[] };

/** The checks across the whole framework, once each part is sound on its own. */
export function checkFramework(framework: FrameworkDocument, places: Places): ReadFramework {
  const count = measureCount(framework);
  if (count > MAX_MEASURES) {
    return refuseFile(`The framework has ${count} measures. It can have at most ${MAX_MEASURES}`);
  }
  const located = [
    ...usedTwice('theme', places.themes),
    ...usedTwice('outcome', places.outcomes),
    ...usedTwice('measure', places.measures),
  ];
  return located.length > 0 ? refuseAt(located) : { ok: true, framework };
}

// Codes stay stable from one version to the next, and results name them, so each means one thing in a version.
function usedTwice(what: string, places: Place[]): FileProblem[] {
  const first = new Map<string, Place>();
  const problems: FileProblem[] = [];
  for (const place of places) {
    const earlier = first.get(place.code);
    if (!earlier) first.set(place.code, place);
    else {
      problems.push({
        where: place.where,
        message: `The ${what} code ${place.code} is used more than once (also at ${earlier.where}): each ${what} needs its own code`,
      });
    }
  }
  return problems;
}

/** A zod issue as a path into the file, with the code of the theme, outcome or measure it is in when known. */
function locate(issue: z.core.$ZodIssue, data: unknown): FileProblem {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const where = path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key),
    '',
  );
  const message =
    issue.code === 'unrecognized_keys'
      ? `Remove ${issue.keys.map((key) => `"${key}"`).join(', ')}: ${issue.keys.length === 1 ? 'it is not a field' : 'they are not fields'} of the framework format`
      : issue.message;
  const owner = ownerOf(path, data);
  return { where: where || 'top level', message: owner ? `${owner}: ${message}` : message };
}

/** "Measure M-1.1.1" for a problem inside that measure, if the file gives its code. */
function ownerOf(path: (string | number)[], data: unknown): string | undefined {
  const kinds: Record<string, string> = { themes: 'Theme', outcomes: 'Outcome', measures: 'Measure' };
  let node: unknown = data;
  let owner: string | undefined;
  for (let index = 0; index < path.length; index++) {
    const key = path[index] as string | number;
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<string | number, unknown>)[key];
    const kind = kinds[String(path[index - 1])];
    if (typeof key === 'number' && kind && typeof node === 'object' && node !== null) {
      const code = (node as { code?: unknown }).code;
      owner = typeof code === 'string' && code.trim() !== '' ? `${kind} ${code.trim()}` : owner;
    }
  }
  return owner;
}
