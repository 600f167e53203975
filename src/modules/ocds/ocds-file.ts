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

/**
 * Every release needs an ocid and an id, and (ocid, id) must be unique in the file: the first with a pair is
 * imported and any later one reported. A release without an id is named by its place in the file.
 */
function unusableReleases(releases: unknown[]): Map<number, Unusable> {
  const unusable = new Map<number, Unusable>();
  const seen = new Map<string, number>();
  releases.forEach((release, index) => {
    const place = `number ${index + 1} in the file`;
    if (!isObject(release)) {
      unusable.set(index, { name: place, reasons: ['It is not a JSON object'] });
      return;
    }
    const { ocid, id } = release;
    const hasId = typeof id === 'string' && id !== '';
    const reasons = [
      ...(hasId ? [] : ['It has no id: every release needs one']),
      ...(typeof ocid === 'string' && ocid !== '' ? [] : ['It has no ocid: every release needs one']),
    ];
    if (reasons.length > 0) {
      unusable.set(index, { name: hasId ? id : place, reasons });
      return;
    }
    const key = JSON.stringify([ocid, id]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else {
      unusable.set(index, {
        name: String(id),
        reasons: [
          `Release ${first + 1} in the file has the same id in ${String(ocid)}: each release needs its own id, ` +
            `so this one (number ${index + 1}) is not imported`,
        ],
      });
    }
  });
  return unusable;
}

/**
 * The bytes of each release as the file has them, for a release package or a bare list of releases, found in one
 * pass (views of the file, not copies): storing these needs no second serialisation. JSON's structure is all in
 * ASCII, which never occurs inside a longer UTF-8 character, so the bytes can be read directly. Undefined for any
 * other shape, or when the count differs from `count` (the parsed releases): the caller then serialises those.
 */
export function releaseBytes(input: Buffer, count: number): Buffer[] | undefined {
  let first = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf ? 3 : 0; // a byte order mark
  while (first < input.length && isSpace(input[first] as number)) first++;
  const rootIsList = input[first] === 91;
  const listDepth = rootIsList ? 1 : 2; // depth inside the list of releases
  let found: Buffer[] = [];
  let depth = 0;
  let inList = rootIsList;
  let releasesKey = false; // whether the last key read at the top of the package is "releases"
  let start = -1;
  for (let index = first; index < input.length; index++) {
    const byte = input[index];
    if (byte === 34) {
      const begin = index;
      for (index++; input[index] !== 34; index++) if (input[index] === 92) index++;
      if (depth === 1 && !rootIsList) {
        releasesKey = index - begin === 9 && input.toString('latin1', begin + 1, index) === 'releases';
      }
    } else if (byte === 123 || byte === 91) {
      if (!rootIsList && depth === 1 && byte === 91 && releasesKey) {
        inList = true;
        found = []; // a repeated key: the last one counts, as in JSON.parse
      }
      if (inList && depth === listDepth && byte === 123) start = index;
      depth++;
    } else if (byte === 125 || byte === 93) {
      depth--;
      if (inList && depth === listDepth && byte === 125) found.push(input.subarray(start, index + 1));
      if (inList && depth === listDepth - 1) inList = false;
    }
  }
  return found.length === count ? found : undefined;
}

const isSpace = (byte: number) => byte === 32 || byte === 9 || byte === 10 || byte === 13;
