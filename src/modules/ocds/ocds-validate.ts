import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ErrorObject } from 'ajv';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// Every release is checked against the official OCDS 1.1.5 release schema (JSON Schema draft-04), compiled once.
// The schema only refers to its own definitions, so it is read from this module's copy and nothing is fetched.

const SCHEMA_FILE = path.join(import.meta.dirname, 'schema', 'release-schema.json');

function compile() {
  // OCDS adds its own keywords (codelist, mergeStrategy, deprecated…) that ajv's strict mode would refuse.
  const ajv = new AjvModule.default({ allErrors: true, strict: false, validateFormats: true });
  addFormatsModule.default(ajv, ['date-time']);
  // Only a scheme is required of a web address: publishers, Contracts Finder among them, send addresses with spaces
  // (`http://Contract Finder`), and a strict RFC 3986 check would turn away releases that are otherwise sound.
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S/i);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
}

let validator: ReturnType<typeof compile> | undefined;

/** Plain-English reasons a release does not meet the schema; empty when it does. */
export function releaseProblems(release: unknown): string[] {
  validator ??= compile();
  if (validator(release)) return [];
  const reasons = (validator.errors ?? []).map(describe);
  return [...new Set(reasons)].slice(0, 20);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  object: 'an object',
  array: 'a list',
  boolean: 'true or false',
  null: 'null',
};

function describe(error: ErrorObject): string {
  const where = fieldName(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${fieldName(`${error.instancePath}/${String(params.missingProperty)}`)} is missing`;
    case 'type': {
      const types = [params.type].flat().map((type) => TYPE_NAMES[String(type)] ?? String(type));
      return `${where} must be ${types.join(' or ')}`;
    }
    case 'enum':
      return `${where} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return params.format === 'date-time'
        ? `${where} must be a date and time like 2025-01-23T10:00:00Z`
        : `${where} must be a web address (URI)`;
    case 'minItems':
      return `${where} must have at least ${String(params.limit)} ${params.limit === 1 ? 'item' : 'items'}`;
    case 'minLength':
      return `${where} must not be empty`;
    case 'uniqueItems':
      return `${where} must not repeat an item`;
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** `/awards/0/value/amount` → `awards[0].value.amount`, the way OCDS documentation names fields. */
function fieldName(pointer: string): string {
  if (pointer === '') return 'The release';
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}
