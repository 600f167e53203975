import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { eq } from 'drizzle-orm';
import { buildOrganisation } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { organisations } from '../../db/schema.ts';
import { paths } from '../../platform/paths.ts';

// The output is checked against the Open Referral UK profile's own published schemas (JSON Schema 2020-12),
// read from the shared copy of OpenReferralUK/uk-profile, not against anything written for these tests.

type Json = Record<string, unknown>;
const SCHEMA_DIR = path.resolve(import.meta.dirname, '../../../../shared/data/openreferral/oruk-3.0-uk-profile');
const readJson = (file: string) => JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), 'utf8')) as Json;
const child = (value: unknown, ...keys: string[]): Json =>
  keys.reduce<Json>((node, key) => node[key] as Json, value as Json);

/**
 * The profile's schemas leave additionalProperties open, so a misspelt field would still pass. This copy closes
 * every object, to show that nothing is published beyond what the profile declares (plus what a test adds).
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (typeof copy.properties === 'object' && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

function buildValidators() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  addFormatsModule.default(ajv);
  // Besides JSON Schema, the profile's schemas carry Frictionless Data Package annotations.
  ajv.addVocabulary([
    'name',
    'path',
    'datapackage_metadata',
    'datapackage_type',
    'constraints',
    'example',
    'core',
    'tabular_required',
  ]);
  const upstream = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/compiled/';
  const service = readJson('schema/compiled/service.json');
  const serviceList = readJson('schema/compiled/service_list.json');
  const organizationList = readJson('schema/compiled/organization_list.json');
  ajv.addSchema({ ...service, $id: `${upstream}service.json` });
  ajv.addSchema({ ...serviceList, $id: `${upstream}service_list.json` });
  ajv.addSchema({ ...organizationList, $id: `${upstream}organization_list.json` });
  ajv.addSchema({ ...(closed(readJson('schema/compiled/service_with_definitions.json')) as Json), $id: 'closed:defs' });

  // The page envelope as the OpenAPI document composes it, with every envelope field required.
  const pageSchema = child(readJson('schema/openapi.json'), 'components', 'schemas', 'Page');
  const page = (items: string) => ({
    type: 'object',
    required: [...Object.keys(child(pageSchema, 'properties')), 'contents'],
    properties: { contents: { type: 'array', items: { $ref: `${upstream}${items}` } } },
    allOf: [pageSchema],
  });

  // Our two additions to the profile, each checked against the profile's own definition of the object.
  const strictService = closed(service) as Json;
  child(strictService, 'properties', 'contacts', 'items', 'properties').phones = {
    type: 'array',
    items: { $ref: 'closed:defs#/definitions/phone' },
  };
  const strictOrganization = closed(organizationList) as Json;
  child(strictOrganization, 'properties').organization_identifiers = closed(
    child(service, 'properties', 'organization', 'properties', 'organization_identifiers'),
  );

  return {
    serviceList: ajv.compile(page('service_list.json')),
    service: ajv.getSchema(`${upstream}service.json`) as ValidateFunction,
    organizationList: ajv.compile(page('organization_list.json')),
    strictServiceListItem: ajv.compile(closed(serviceList) as Json),
    strictService: ajv.compile(strictService),
    strictOrganization: ajv.compile(strictOrganization),
    errorsOf: (validate: ValidateFunction) => ajv.errorsText(validate.errors, { separator: '\n' }),
  };
}

const validators = buildValidators();
function assertValid(validate: ValidateFunction, data: unknown, what: string) {
  assert.ok(validate(data), `${what} does not validate:\n${validators.errorsOf(validate)}`);
}

let context: TestContext;
const fixtures = { larder: '', demo: '', broken: '', council: '' };
const paging: string[] = [];
const PRIVATE = { name: 'Jo Privateperson', email: 'jo.private@larder.example.org', phone: '07700 900123' };

async function organisationWith(name: string, profile: Partial<typeof organisations.$inferInsert>) {
  const organisation = await buildOrganisation(context.database, { name });
  if (Object.keys(profile).length === 0) return organisation.id;
  await context.database.db.update(organisations).set(profile).where(eq(organisations.id, organisation.id));
  return organisation.id;
}

before(async () => {
  context = await createTestApp();
  fixtures.larder = await organisationWith('Ashford Community Larder', {
    description: 'Free food and a warm welcome.',
    charityNumber: '1123456',
    companyNumber: '08123456',
    legalForm: 'cio',
    districts: ['E07000105', 'E07000110'],
    services: ['105', '103'],
    beneficiaries: ['207'],
    activities: ['306'],
    website: 'https://larder.example.org',
    publicEmail: 'hello@larder.example.org',
    publicPhone: '01632 960001',
    contactName: PRIVATE.name,
    contactEmail: PRIVATE.email,
    contactPhone: PRIVATE.phone,
    verifiedAt: new Date('2026-01-15T10:00:00Z'),
  });
  fixtures.demo = await organisationWith('Demo Dance Studio', { isDemo: true, districts: ['E06000035'] });
  // Typed in badly: published without the values the schema would reject.
  fixtures.broken = await organisationWith('Broken Links Group', { website: 'our website', publicEmail: 'nope' });
  fixtures.council = await organisationWith('Kent County Council', { sector: 'public', districts: ['E07000105'] });
  for (let index = 1; index <= 9; index += 1) {
    paging.push(await organisationWith(`Paging Organisation ${index}`, {}));
  }
});
after(() => context.close());

const get = async (url: string) => {
  const response = await context.app.inject({ method: 'GET', url });
  return { response, body: response.json() as Json };
};
const TOTAL_VCSE = 12;

test('the services list validates against the UK profile and lists only the voluntary sector', async () => {
  const { response, body } = await get(paths.openReferral.services());
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assertValid(validators.serviceList, body, 'the services page');
  const contents = body.contents as Json[];
  for (const item of contents) assertValid(validators.strictServiceListItem, item, `service ${item.name}`);
  assert.equal(body.total_items, TOTAL_VCSE);
  assert.ok(!contents.some((item) => item.id === fixtures.council), 'public bodies are not published');

  const larder = contents.find((item) => item.id === fixtures.larder);
  assert.deepEqual(larder, {
    id: fixtures.larder,
    organization_id: fixtures.larder,
    name: 'Ashford Community Larder',
    description: 'Free food and a warm welcome.',
    url: 'https://larder.example.org/',
    email: 'hello@larder.example.org',
    status: 'active',
    assured_date: '2026-01-15',
    last_modified: larder?.last_modified,
    organization: {
      id: fixtures.larder,
      name: 'Ashford Community Larder',
      description: 'Free food and a warm welcome.',
      email: 'hello@larder.example.org',
      website: 'https://larder.example.org/',
    },
  });
  assert.match(String(larder?.last_modified), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const demo = contents.find((item) => item.id === fixtures.demo);
  assert.match(String(demo?.alert), /^Demo data/);
  const broken = contents.find((item) => item.id === fixtures.broken);
  assert.equal(broken?.url, undefined);
  assert.equal(broken?.email, undefined);
});

test('one service, fully nested, validates against the UK profile', async () => {
  const { response, body } = await get(paths.openReferral.service({ id: fixtures.larder }));
  assert.equal(response.statusCode, 200);
  assertValid(validators.service, body, 'the service');
  assertValid(validators.strictService, body, 'the service');

  assert.deepEqual(
    (body.service_areas as Json[]).map(({ name, uri }) => ({ name, uri })),
    [
      { name: 'Ashford', uri: 'http://statistics.data.gov.uk/id/statistical-geography/E07000105' },
      { name: 'Maidstone', uri: 'http://statistics.data.gov.uk/id/statistical-geography/E07000110' },
    ],
  );
  const terms = (body.attributes as Json[]).map((attribute) => ({
    linkType: attribute.link_type,
    name: child(attribute, 'taxonomy_term').name,
    linked:
      attribute.link_id === fixtures.larder && attribute.taxonomy_term_id === child(attribute, 'taxonomy_term').id,
  }));
  assert.deepEqual(terms, [
    { linkType: 'purpose', name: 'Relief of poverty', linked: true },
    { linkType: 'purpose', name: 'Health and saving lives', linked: true },
    { linkType: 'audience', name: 'The general public', linked: true },
    { linkType: 'activity', name: 'Provides services', linked: true },
  ]);
  const [contact] = body.contacts as Json[];
  assert.ok(contact);
  assert.deepEqual(
    (contact.phones as Json[]).map((phone) => phone.number),
    ['01632 960001'],
  );
  assert.deepEqual(
    (child(body, 'organization').organization_identifiers as Json[]).map(({ identifier_scheme, identifier }) => ({
      identifier_scheme,
      identifier,
    })),
    [
      { identifier_scheme: 'GB-CHC', identifier: '1123456' },
      { identifier_scheme: 'GB-COH', identifier: '08123456' },
    ],
  );

  // Ids are derived, not random: the same organisation publishes the same ids every time.
  const again = await get(paths.openReferral.service({ id: fixtures.larder }));
  assert.deepEqual(again.body, body);
  const minimal = await get(paths.openReferral.service({ id: fixtures.broken }));
  assertValid(validators.strictService, minimal.body, 'a service with an empty profile');
  assert.deepEqual(minimal.body.contacts, []);
});

test('the organizations list validates, with charity and company numbers as identifiers', async () => {
  const { response, body } = await get(paths.openReferral.organizations({ per_page: '100' }));
  assert.equal(response.statusCode, 200);
  assertValid(validators.organizationList, body, 'the organizations page');
  const contents = body.contents as Json[];
  for (const item of contents) assertValid(validators.strictOrganization, item, `organization ${item.name}`);
  assert.equal(body.total_items, TOTAL_VCSE);
  assert.ok(!contents.some((item) => item.id === fixtures.council));
  const larder = contents.find((item) => item.id === fixtures.larder);
  assert.ok(larder);
  assert.deepEqual(
    (larder.organization_identifiers as Json[]).map(({ identifier_scheme, identifier_type, identifier }) => [
      identifier_scheme,
      identifier_type,
      identifier,
    ]),
    [
      ['GB-CHC', 'Charity number', '1123456'],
      ['GB-COH', 'Company number', '08123456'],
    ],
  );
  assert.deepEqual(contents.find((item) => item.id === fixtures.broken)?.organization_identifiers, []);
});

test('private contact details never appear in any response', async () => {
  const urls = [
    paths.openReferral.services({ per_page: '100' }),
    paths.openReferral.service({ id: fixtures.larder }),
    paths.openReferral.organizations({ per_page: '100' }),
  ];
  for (const url of urls) {
    const { response } = await get(url);
    assert.equal(response.statusCode, 200);
    for (const secret of [
      PRIVATE.name,
      PRIVATE.email,
      PRIVATE.phone,
      'contact_name',
      'contact_email',
      'contact_phone',
    ]) {
      assert.ok(!response.body.includes(secret), `${url} must not contain ${secret}`);
    }
  }
});

test('pages split the list without gaps or overlaps, and say where they are', async () => {
  const envelope = (body: Json) => {
    const { contents, ...rest } = body;
    return { ...rest, ids: (contents as Json[]).map((item) => item.id) };
  };
  const pages = [];
  for (const page of ['1', '2', '3']) {
    const { body } = await get(paths.openReferral.services({ page, per_page: '5' }));
    assertValid(validators.serviceList, body, `page ${page}`);
    pages.push(envelope(body));
  }
  assert.deepEqual(
    pages.map(({ ids, ...numbers }) => ({ ...numbers, count: ids.length })),
    [
      {
        total_items: 12,
        total_pages: 3,
        page_number: 1,
        size: 5,
        first_page: true,
        last_page: false,
        empty: false,
        count: 5,
      },
      {
        total_items: 12,
        total_pages: 3,
        page_number: 2,
        size: 5,
        first_page: false,
        last_page: false,
        empty: false,
        count: 5,
      },
      {
        total_items: 12,
        total_pages: 3,
        page_number: 3,
        size: 2,
        first_page: false,
        last_page: true,
        empty: false,
        count: 2,
      },
    ],
  );
  const ids = pages.flatMap((page) => page.ids);
  assert.equal(new Set(ids).size, TOTAL_VCSE);
  for (const id of [fixtures.larder, fixtures.demo, fixtures.broken, ...paging]) assert.ok(ids.includes(id));

  const beyond = await get(paths.openReferral.services({ page: '4', per_page: '5' }));
  assert.equal(beyond.response.statusCode, 200);
  assert.deepEqual(envelope(beyond.body), {
    total_items: 12,
    total_pages: 3,
    page_number: 4,
    size: 0,
    first_page: false,
    last_page: true,
    empty: true,
    ids: [],
  });
  const whole = await get(paths.openReferral.organizations());
  assert.deepEqual(
    { size: whole.body.size, total_pages: whole.body.total_pages, last_page: whole.body.last_page },
    { size: 12, total_pages: 1, last_page: true },
  );
});

test('an unknown, malformed or public-sector service id is a 404 problem', async () => {
  for (const id of ['7d3f1d2e-0000-4000-8000-000000000000', 'not-a-uuid', fixtures.council]) {
    const { response, body } = await get(paths.openReferral.service({ id }));
    assert.equal(response.statusCode, 404, id);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    assert.equal(body.status, 404);
  }
});

test('bad paging parameters are a 400 problem that says what to fix, never a 500', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ page: '0' }, /page must be a whole number from 1 to 1000000/],
    [{ page: '-1' }, /page must be a whole number/],
    [{ page: 'two' }, /page must be a whole number.*You gave "two"/],
    [{ page: '' }, /page must be a whole number/],
    [{ page: '99999999999999999999' }, /page must be a whole number/],
    [{ per_page: '10000' }, /per_page must be a whole number from 1 to 100/],
    [{ per_page: '0' }, /per_page must be a whole number from 1 to 100/],
    [{ per_page: '2.5' }, /per_page must be a whole number/],
    [{ search: 'food' }, /cannot use search/],
  ];
  for (const base of [paths.openReferral.services, paths.openReferral.organizations]) {
    for (const [query, detail] of cases) {
      const { response, body } = await get(base(query));
      assert.equal(response.statusCode, 400, `${base(query)} answered ${response.statusCode}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.match(String(body.detail), detail);
    }
  }
  const twice = await get('/openreferral/services?page=1&page=2');
  assert.equal(twice.response.statusCode, 400);
  assert.match(String(twice.body.detail), /Give page once only/);
});

test('the validators are not vacuous: the profile example passes and a broken copy fails', () => {
  const example = readJson('examples/service_list.json');
  assertValid(validators.serviceList, example, 'the profile example');
  const [first] = example.contents as Json[];
  const { status: _status, ...withoutStatus } = first ?? {};
  assert.equal(validators.serviceList({ ...example, contents: [withoutStatus] }), false);
  assert.equal(validators.strictServiceListItem({ ...withoutStatus, status: 'active', misspelt_field: 1 }), false);
});
