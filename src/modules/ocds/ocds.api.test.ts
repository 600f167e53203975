import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ocdsValidators } from '../../../test/support/ocds-schemas.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { importOcds } from './ocds-import.ts';

// What the API publishes is checked against the official OCDS 1.1.5 package schemas from the shared data.
const OCDS = path.resolve(import.meta.dirname, '../../../../shared/data/ocds');
type Json = Record<string, unknown>;

let context: TestContext;
let validate: ReturnType<typeof ocdsValidators>;
before(async () => {
  context = await createTestApp();
  validate = ocdsValidators();
  const file = readFileSync(path.join(OCDS, 'contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json'));
  const result = await importOcds(context.database, file, { userId: null }, { maxBytes: 1e8 });
  assert.ok(result.ok && result.stored === 100);
});
after(() => context.close());

const get = async (url: string) => {
  const response = await context.app.inject({ method: 'GET', url });
  return { response, body: response.json() as Json };
};

test('releases are published as a release package that meets the OCDS 1.1.5 schema', async () => {
  const { response, body } = await get('/api/v1/ocds/releases');
  assert.equal(response.statusCode, 200);
  assert.ok(validate.releasePackage(body), JSON.stringify(validate.releasePackage.errors?.slice(0, 3)));
  assert.equal(body.version, '1.1');
  assert.equal(body.license, 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/');
  assert.equal((body.releases as Json[]).length, 100);
  assert.deepEqual(body.links, {});
  assert.ok((body.extensions as string[]).some((uri) => uri.includes('ocds_pagination_extension')));
});

test('pages link to the next and previous pages, and every release appears once', async () => {
  const seen = new Set<string>();
  let url: string | undefined = '/api/v1/ocds/releases?pageSize=30';
  let pages = 0;
  while (url) {
    const { body } = await get(url);
    assert.ok(validate.releasePackage(body));
    for (const release of body.releases as Json[]) seen.add(`${release.ocid} ${release.id}`);
    const links = body.links as { next?: string; prev?: string };
    if (pages > 0) assert.match(links.prev ?? '', new RegExp(`page=${pages}&pageSize=30$`));
    url = links.next?.replace('http://localhost:3000', '');
    pages++;
  }
  assert.equal(pages, 4);
  assert.equal(seen.size, 100);
  const { body: last } = await get('/api/v1/ocds/releases?page=4&pageSize=30');
  assert.equal((last.releases as Json[]).length, 10);
  assert.equal((last.links as Json).next, undefined);
});

test('bad page parameters answer 400 problem details', async () => {
  for (const query of ['page=0', 'page=-1', 'page=x', 'pageSize=0', 'pageSize=101', 'pageSize=1.5']) {
    const { response, body } = await get(`/api/v1/ocds/releases?${query}`);
    assert.equal(response.statusCode, 400, query);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
    assert.equal(body.status, 400);
    assert.match(String(body.detail), /page(Size)? must be/);
  }
});

test('a record package has the releases of one process and its compiled release', async () => {
  const ocid = 'ocds-b5fd17-75afe551-b5e4-4538-a546-0547477d0f9f'; // two releases in the file
  const { response, body } = await get(`/api/v1/ocds/records/${ocid}`);
  assert.equal(response.statusCode, 200);
  assert.ok(validate.recordPackage(body), JSON.stringify(validate.recordPackage.errors?.slice(0, 3)));
  const [record] = body.records as { ocid: string; releases: Json[]; compiledRelease: Json }[];
  assert.equal(record?.ocid, ocid);
  assert.equal(record?.releases.length, 2);
  assert.deepEqual(record?.compiledRelease.tag, ['compiled']);
});

test('an unknown ocid answers 404 problem details', async () => {
  const { response, body } = await get('/api/v1/ocds/records/ocds-nothing-here');
  assert.equal(response.statusCode, 404);
  assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  assert.match(String(body.detail), /ocds-nothing-here/);
});
