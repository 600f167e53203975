import { isUtf8 } from 'node:buffer';

// Reading an OCDS file before anything is validated or stored: its size, encoding, JSON and shape. A file that
// fails any of these is refused whole, with one clear message, and nothing is written.

export type Json = Record<string, unknown>;
export type Release = Json & { ocid: string; id: string; date?: unknown };
/** The package's own details, kept with each release it brought. */
export type PackageMetadata = Json;
/**
 * `releases` as the file has them, in its order; `unusable` the positions (from 0) of those that cannot be stored
 * at all (not an object, no id or ocid, or an id already used in the file), each with how to name it and why.
 */
export type OcdsFile =
  | { ok: true; releases: Release[]; metadata: PackageMetadata; unusable: Map<number, Unusable> }
  | { ok: false; problems: string[] };
export type Unusable = { name: string; reasons: string[] };

export const MEGABYTE = 1024 * 1024;
const PACKAGE_FIELDS = ['uri', 'publishedDate', 'publisher', 'license', 'publicationPolicy', 'version', 'extensions'];

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const refuse = (...problems: string[]): OcdsFile => ({ ok: false, problems });

export function readOcdsFile(input: Buffer, maxBytes: number): OcdsFile {
  if (input.byteLength > maxBytes) {
    return refuse(`The file is too large: it must be smaller than ${Math.round(maxBytes / MEGABYTE)} MB`);
  }
  if (input.byteLength === 0) return refuse('The file is empty');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return refuse('The file is not saved as UTF-8. Save it as UTF-8 JSON, then try again');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const cutShort = /end of (JSON )?input|Unterminated/i.test((error as Error).message) || isUnclosed(text);
    return refuse(
      cutShort
        ? 'The file ends before its JSON does: it may have been cut short while downloading or saving'
        : `The file is not valid JSON: ${(error as Error).message}`,
    );
  }
  const found = releasesOf(data);
  if (!found) {
    return refuse(
      'The file is not in an OCDS shape: it must be a release package, a record package or a list of releases',
    );
  }
  if (found.releases.length === 0) return refuse('The file has no releases');
  const unusable = unusableReleases(found.releases);
  if (unusable.size === found.releases.length) {
    const each = [...unusable.values()].slice(0, 20);
    return refuse(
      'None of the releases can be imported: each needs an ocid and an id, unique within the file',
      ...each.map(({ name, reasons }) => `Release ${name}: ${reasons.join('. ')}`),
      ...(unusable.size > each.length ? [`And ${unusable.size - each.length} more releases`] : []),
    );
  }
  return { ok: true, releases: found.releases as Release[], metadata: found.metadata, unusable };
}

/** True when a string, object or array is still open at the end of the text: the file stopped part way. */
function isUnclosed(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 92)
        index++; // a backslash escapes the next character
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 || char === 91) depth++;
    else if (char === 125 || char === 93) depth--;
  }
  return inString || depth > 0;
}

/** Releases from a release package, a record package (its releases, or its compiled release) or a bare list. */
function releasesOf(data: unknown): { releases: unknown[]; metadata: PackageMetadata } | undefined {
  if (Array.isArray(data)) return { releases: data, metadata: {} };
  if (!isObject(data)) return undefined;
  const metadata = Object.fromEntries(PACKAGE_FIELDS.filter((key) => key in data).map((key) => [key, data[key]]));
  if (Array.isArray(data.releases)) return { releases: data.releases, metadata };
  if (!Array.isArray(data.records) || !data.records.every(isObject)) return undefined;
  // A record's releases may be linked (only a url, date and tag); then its compiled release is all there is.
  const releases = data.records.flatMap((record) => {
    const embedded = Array.isArray(record.releases) ? record.releases.filter((r) => isObject(r) && 'ocid' in r) : [];
    if (embedded.length > 0) return embedded;
    return record.compiledRelease === undefined ? [] : [record.compiledRelease];
  });
  return { releases, metadata };
}

function unusableReleases(releases: unknown[]): Map<number, Unusable> {
  const unusable = new Map<number, Unusable>();
  const identities = new ReleaseIdentities();
  releases.forEach((release, index) => {
    const problem = identities.problem(release, index);
    if (problem) unusable.set(index, problem);
  });
  return unusable;
}

/**
 * Every release needs an ocid and an id, and (ocid, id) must be unique in the file: the first with a pair is
 * imported and any later one reported. A release without an id is named by its place in the file. Releases are
 * given in the file's order, all of them or a batch at a time.
 */
export class ReleaseIdentities {
  #seen = new Map<string, number>();

  /** Why the release at `index` (from 0) cannot be stored at all, or undefined when it can. */
  problem(release: unknown, index: number): Unusable | undefined {
    const place = `number ${index + 1} in the file`;
    if (!isObject(release)) return { name: place, reasons: ['It is not a JSON object'] };
    const { ocid, id } = release;
    const hasId = typeof id === 'string' && id !== '';
    const reasons = [
      ...(hasId ? [] : ['It has no id: every release needs one']),
      ...(typeof ocid === 'string' && ocid !== '' ? [] : ['It has no ocid: every release needs one']),
    ];
    if (reasons.length > 0) return { name: hasId ? id : place, reasons };
    const key = `${ocid}\u0000${id}`;
    const first = this.#seen.get(key);
    if (first === undefined) {
      this.#seen.set(key, index);
      return undefined;
    }
    return {
      name: String(id),
      reasons: [
        `Release ${first + 1} in the file has the same id in ${String(ocid)}: each release needs its own id, ` +
          `so this one (number ${index + 1}) is not imported`,
      ],
    };
  }
}

/**
 * A release package or a bare list of releases, read without parsing its releases: where each one's bytes are
 * (start and end, pairs in `spans`) and the package's details. The import then parses the releases a batch at a
 * time, so that storing the first batch need not wait for the last to be read, and stores each one's bytes as
 * written. Undefined for anything else, or anything unusual (a record package, an item of the list that is not an
 * object, a repeated "releases" key, text that is not UTF-8 or JSON that does not close): `readOcdsFile` then
 * reads the whole file and says what is wrong.
 *
 * JSON's structure is all in ASCII, which never occurs inside a longer UTF-8 character, so the bytes can be read
 * directly. The file is valid JSON when the package around the list parses, each release parses, and between
 * the releases there are only spaces and single commas: all three are checked, the releases as they are parsed.
 */
export function findReleases(
  input: Buffer,
  maxBytes: number,
  progress?: ScanProgress,
): { spans: Uint32Array; metadata: Json } | undefined {
  if (input.byteLength === 0 || input.byteLength > maxBytes || !isUtf8(input)) return undefined;
  let first = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0; // a byte order mark
  while (first < input.length && isSpace(input[first] as number)) first++;
  const rootIsList = input[first] === 91;
  if (!rootIsList && input[first] !== 123) return undefined;
  const items = rootIsList ? listItems(input, first, progress) : releasesOfPackage(input, first, progress);
  if (!items || items.spans.length === 0) return undefined;
  if (rootIsList) return isSpaceOnly(input, items.close + 1) ? { spans: items.spans, metadata: {} } : undefined;
  let outer: unknown;
  try {
    outer = JSON.parse(`${input.toString('utf8', first, items.open + 1)}${input.toString('utf8', items.close)}`);
  } catch {
    return undefined;
  }
  // Should the package repeat "releases" in another spelling (with escapes), JSON.parse may keep that one.
  if (!isObject(outer) || !Array.isArray(outer.releases) || outer.releases.length > 0) return undefined;
  const metadata = Object.fromEntries(PACKAGE_FIELDS.filter((key) => key in outer).map((key) => [key, outer[key]]));
  return { spans: items.spans, metadata };
}

/**
 * Told, while the scan goes on, of the releases found so far (`spans` up to `count`, in pairs) every `every`
 * releases, so that they can be read before the scan ends. Whether the file is usable is known only at its end.
 */
export type ScanProgress = { every: number; found: (spans: Uint32Array, count: number) => void };

/** One release of the file from its bytes; throws when they are not JSON. */
export const parseRelease = (input: Buffer, start: number, end: number): unknown =>
  JSON.parse(input.toString('utf8', start, end));

const OCID_KEY = Buffer.from('"ocid"');

/**
 * The ocid of the release at `input[start, end)` as the file writes it, read without parsing: the value of the
 * first "ocid" key, when that is a string without escapes. A guess, good for grouping a batch's releases by process
 * before parsing them: the first such key could be a nested one, which parsing then shows.
 */
export function writtenOcid(input: Buffer, start: number, end: number): string | undefined {
  const release = input.subarray(start, end);
  // "ocid" may come first as a value ("scheme": "ocid" in relatedProcesses): the key is the one a colon follows.
  for (let found = release.indexOf(OCID_KEY); found >= 0; found = release.indexOf(OCID_KEY, found + 1)) {
    let at = start + found + OCID_KEY.length;
    while (at < end && isSpace(input[at] as number)) at++;
    if (input[at++] !== 58) continue; // no colon: not a key
    while (at < end && isSpace(input[at] as number)) at++;
    if (input[at] !== 34) return undefined;
    const open = at + 1;
    for (at = open; at < end; at++) {
      if (input[at] === 34) return input.toString('utf8', open, at);
      if (input[at] === 92) return undefined; // an escape: only parsing reads it right
    }
    return undefined;
  }
  return undefined;
}

/** The position after the closing quote of the string opening at `open`, or -1 when it never closes. */
function stringEnd(input: Buffer, open: number): number {
  let quote = open;
  for (;;) {
    quote = nextQuote(input, quote + 1);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (input[quote - 1 - backslashes] === 92) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
}

/**
 * The next double quote from `from`, or -1. Most strings in a release are short (keys, codes, dates): a loop finds
 * their end sooner than a call into `indexOf`, which is kept for the long ones (descriptions).
 */
function nextQuote(input: Buffer, from: number): number {
  const near = Math.min(from + SHORT_STRING, input.length);
  for (let index = from; index < near; index++) if (input[index] === 34) return index;
  return near === input.length ? -1 : input.indexOf(34, near);
}
const SHORT_STRING = 32;

/** The items of the package's "releases" list; undefined if it has none or more than one, or does not close. */
function releasesOfPackage(input: Buffer, first: number, progress?: ScanProgress): ListItems | undefined {
  let depth = 0;
  let lastString = '';
  let found: ListItems | undefined;
  for (let index = first; index < input.length; index++) {
    const byte = input[index] as number;
    if (byte === 34) {
      const end = stringEnd(input, index);
      if (end < 0) return undefined;
      if (depth === 1) lastString = end - index === 10 ? input.toString('latin1', index + 1, end - 1) : '';
      index = end - 1;
    } else if (depth === 1 && byte === 91 && lastString === 'releases') {
      if (found) return undefined;
      found = listItems(input, index, progress);
      if (!found) return undefined;
      index = found.close;
    } else if (byte === 123 || byte === 91) depth++;
    else if (byte === 125 || byte === 93) depth--;
    else if (depth === 1 && byte !== 58 && !isSpace(byte)) lastString = ''; // a key's colon keeps it
  }
  return depth === 0 ? found : undefined;
}

type ListItems = { spans: Uint32Array; open: number; close: number };

/**
 * The objects of the list opening at `open`, and where it closes; undefined when it holds anything but objects
 * separated by single commas, or does not close.
 */
function listItems(input: Buffer, open: number, progress?: ScanProgress): ListItems | undefined {
  let spans = new Uint32Array(1024);
  let count = 0;
  let expectItem = true; // after the opening bracket or a comma
  let index = open + 1;
  for (; index < input.length; index++) {
    const byte = input[index] as number;
    if (isSpace(byte)) continue;
    if (byte === 93 && (count === 0 || !expectItem)) break;
    if (byte === 44 && !expectItem) {
      expectItem = true;
      continue;
    }
    if (byte !== 123 || !expectItem) return undefined;
    const end = objectEnd(input, index);
    if (end < 0) return undefined;
    if (count * 2 + 2 > spans.length) {
      const grown = new Uint32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    spans[count * 2] = index;
    spans[count * 2 + 1] = end;
    count++;
    if (progress && count % progress.every === 0) progress.found(spans, count);
    expectItem = false;
    index = end - 1;
  }
  if (index >= input.length) return undefined;
  return { spans: spans.subarray(0, count * 2), open, close: index };
}

/** The position after the brace that closes the object opening at `open`, or -1 when it never closes. */
function objectEnd(input: Buffer, open: number): number {
  let depth = 0;
  for (let index = open; index < input.length; index++) {
    const byte = input[index];
    if (byte === 34) {
      const end = stringEnd(input, index);
      if (end < 0) return -1;
      index = end - 1;
    } else if (byte === 123 || byte === 91) depth++;
    else if (byte === 125 || byte === 93) {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

function isSpaceOnly(input: Buffer, from: number): boolean {
  for (let index = from; index < input.length; index++) if (!isSpace(input[index] as number)) return false;
  return true;
}

const isSpace = (byte: number) => byte === 32 || byte === 9 || byte === 10 || byte === 13;
