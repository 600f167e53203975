import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvModule from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';

// The official OCDS 1.1.5 package schemas from the shared data, compiled once, for tests of what is published.
const OCDS = path.resolve(import.meta.dirname, '../../../shared/data/ocds');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(OCDS, file), 'utf8')) as Record<string, unknown>;

export function ocdsValidators() {
  const ajv = new AjvModule.default({ allErrors: true, strict: false });
  addFormatsModule.default(ajv, ['date-time']);
  // As the import does: Contracts Finder's own data has a document url with a space ("http://Contract Finder").
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S/i);
  const schemas = 'schema-1.1.5';
  ajv.addSchema(readJson(`${schemas}/release-schema.json`));
  ajv.addSchema(readJson(`${schemas}/versioned-release-validation-schema.json`));
  return {
    releasePackage: ajv.compile(readJson(`${schemas}/release-package-schema.json`)),
    recordPackage: ajv.compile(readJson(`${schemas}/record-package-schema.json`)),
  };
}
