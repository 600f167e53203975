import type { Json } from './ocds-file.ts';

// A record's compiled release, after the OCDS merging rules (https://standard.open-contracting.org/1.1/en/schema/merging/),
// closely enough for this service and kept simple:
// - releases are merged oldest first (by date, then id), so the latest value of a field wins;
// - objects are merged field by field; a null in a later release removes the field;
// - arrays of objects that all have an `id` are merged item by item by id (new ids are added at the end);
// - any other array (tags, strings, objects without ids) is replaced whole by the later one.
// Not covered: versioned releases, `wholeListMerge` and `omitWhenMerged` from the schema.

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function compileRecord(ocid: string, releases: Json[]): Json {
  const ordered = [...releases].sort((a, b) => time(a.date) - time(b.date) || String(a.id).localeCompare(String(b.id)));
  let compiled: Json = {};
  for (const release of ordered) compiled = mergeObject(compiled, release);
  const latest = ordered.at(-1);
  return { ...compiled, ocid, id: `${ocid}-${String(latest?.date ?? '')}`, tag: ['compiled'] };
}

const time = (date: unknown) => Date.parse(String(date)) || 0;

function mergeObject(into: Json, from: Json): Json {
  const result: Json = { ...into };
  for (const key in from) {
    const value = from[key];
    if (value === null) delete result[key];
    else result[key] = mergeValue(result[key], value);
  }
  return result;
}

function mergeValue(current: unknown, next: unknown): unknown {
  if (current === undefined) return settled(next);
  if (isObject(next)) return mergeObject(isObject(current) ? current : {}, next);
  if (Array.isArray(next) && hasIds(next)) return mergeById(Array.isArray(current) ? current : [], next);
  return next;
}

/**
 * A value merged into nothing, as `mergeValue(undefined, value)` would make it: without null fields and with
 * items of the same id in a list merged. Most of a release already is: that part is shared, not copied (merging
 * never changes its inputs), which keeps compiling thousands of records cheap.
 */
function settled(value: unknown): unknown {
  if (isObject(value)) {
    let result: Json | undefined;
    for (const key in value) {
      const item = value[key];
      const next = item === null ? undefined : settled(item);
      if (next === item && result === undefined) continue;
      result ??= copyUntil(value, key);
      if (next !== undefined) result[key] = next;
    }
    return result ?? value;
  }
  if (Array.isArray(value) && hasIds(value)) {
    const ids = new Set(value.map((item) => String(item.id)));
    if (ids.size < value.length) return mergeById([], value);
    let changed = false;
    const items = value.map((item) => {
      const next = settled(item);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? items : value;
  }
  return value;
}

/** The fields of `value` before `stop`, in their order. */
function copyUntil(value: Json, stop: string): Json {
  const copy: Json = {};
  for (const key in value) {
    if (key === stop) break;
    copy[key] = value[key];
  }
  return copy;
}

const hasIds = (items: unknown[]): items is Json[] =>
  items.length > 0 &&
  items.every((item) => isObject(item) && (typeof item.id === 'string' || typeof item.id === 'number'));

function mergeById(current: unknown[], next: Json[]): Json[] {
  const merged = new Map<string, Json>();
  for (const item of current) if (isObject(item)) merged.set(String(item.id), item);
  for (const item of next) {
    const key = String(item.id);
    merged.set(key, mergeObject(merged.get(key) ?? {}, item));
  }
  return [...merged.values()];
}
