import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import type { GlobalRole } from '../../platform/sessions.ts';

const IMPORT = '/admin/imports/ocds';
const PARTIES = '/admin/ocds/parties';
const CF_FILE = path.resolve(
  import.meta.dirname,
  '../../../../shared/data/ocds/contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json',
);
const cfBytes = readFileSync(CF_FILE);

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

async function signedIn(roles: GlobalRole[]) {
  const agent = new Agent(context.app);
  const person = await buildUser(context.database, { roles });
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, person.id));
  return agent;
}

/** Posts a multipart form as a browser does, keeping the agent's cookies both ways. */
async function postMultipart(agent: Agent, parts: { name: string; value: string | Buffer; fileName?: string }[]) {
  const boundary = '----working-connections-test';
  const body = Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.fileName === undefined
            ? '\r\n\r\n'
            : `; filename="${part.fileName}"\r\nContent-Type: application/json\r\n\r\n`),
      ),
      Buffer.from(part.value),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const response = await agent.app.inject({
    method: 'POST',
    url: IMPORT,
    remoteAddress: agent.ip,
    headers: {
      cookie: [...agent.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: body,
  });
  for (const cookie of response.cookies) agent.cookies.set(cookie.name, cookie.value);
  return response;
}

const upload = async (agent: Agent, content: string | Buffer, fileName = 'releases.json') =>
  postMultipart(agent, [
    { name: '_csrf', value: await agent.csrfToken(IMPORT) },
    { name: 'file', value: content, fileName },
  ]);

const releaseCount = async () =>
  Number((await context.database.query<{ n: number }>('SELECT count(*)::int AS n FROM ocds_releases'))[0]?.n);

test('a hub admin finds the page from the admin page, uploads the Contracts Finder file and sees the counts', async () => {
  const admin = await signedIn(['hub_admin']);
  const index = (await admin.get('/admin')).body;
  assert.match(index, new RegExp(`href="${IMPORT}"`));
  assert.match(index, new RegExp(`href="${PARTIES}"`));
  const response = await upload(admin, cfBytes, 'cf.json');
  assert.equal(response.statusCode, 303);
  assert.match((await admin.get(IMPORT)).body, /Imported cf.json: 100 releases, 100 stored, 0 already stored/);
  await upload(admin, cfBytes, 'cf.json');
  assert.match((await admin.get(IMPORT)).body, /100 releases, 0 stored, 100 already stored/);
  assert.equal(await releaseCount(), 100);
});

test('problems are shown in the error summary, and rejected releases in a table', async () => {
  const admin = await signedIn(['hub_admin']);
  const truncated = await upload(admin, cfBytes.subarray(0, 5000));
  assert.equal(truncated.statusCode, 400);
  assert.match(truncated.body, /govuk-error-summary/);
  assert.match(truncated.body, /cut short/);
  const data = JSON.parse(cfBytes.toString('utf8')) as { releases: Record<string, unknown>[] };
  const broken = { ...data.releases[0], id: 'broken-release', ocid: 'ocds-broken', date: 'soon' };
  const rejected = await upload(admin, JSON.stringify([broken]));
  assert.equal(rejected.statusCode, 400);
  assert.match(rejected.body, /1 release does not meet the OCDS schema and was not imported/);
  assert.match(rejected.body, /href="#rejected-releases"/);
  assert.match(rejected.body, /<code>broken-release<\/code>/);
  assert.match(rejected.body, /date must be a date and time/);
  const none = await upload(admin, '', '');
  assert.match(none.body, /Select a JSON file/);
});

test('people who are not hub admins cannot upload, and an upload without the CSRF token is refused', async () => {
  const before = await releaseCount();
  const commissioner = await signedIn(['commissioner']);
  assert.equal((await commissioner.get(IMPORT)).statusCode, 403);
  assert.equal(
    (await postMultipart(commissioner, [{ name: 'file', value: cfBytes, fileName: 'x.json' }])).statusCode,
    403,
  );
  const admin = await signedIn(['hub_admin']);
  await admin.get(IMPORT);
  const noToken = await postMultipart(admin, [{ name: 'file', value: '[]', fileName: 'x.json' }]);
  assert.equal(noToken.statusCode, 403);
  assert.equal(await releaseCount(), before);
});

test('a hub admin matches an unmatched supplier, and its contract shows on the profile', async () => {
  const admin = await signedIn(['hub_admin']);
  const organisation = await buildOrganisation(context.database, { name: 'Kent Parking Co-operative' });
  const page = await admin.get(PARTIES);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Marstons holdings plc/);
  const ocid = 'ocds-b5fd17-e3b5f385-5989-4cf1-8849-01c247fc9c30';
  const url = `${PARTIES}/${ocid}/GB-CFS-307567`;

  const invalid = await admin.post(url, { organisationId: 'not-an-id' }, { from: PARTIES });
  assert.equal(invalid.statusCode, 400);
  assert.match(invalid.body, /Enter the organisation’s id/);
  const unknown = await admin.post(url, { organisationId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' }, { from: PARTIES });
  assert.match(unknown.body, /There is no organisation in the directory with that id/);
  const noParty = await admin.post(
    `${PARTIES}/${ocid}/GB-CFS-0`,
    { organisationId: organisation.id },
    { from: PARTIES },
  );
  assert.equal(noParty.statusCode, 404);

  const matched = await admin.post(url, { organisationId: organisation.id }, { from: PARTIES });
  assert.equal(matched.statusCode, 303);
  const after = (await admin.get(PARTIES)).body;
  assert.match(after, /Matched GB-CFS-307567/);
  assert.doesNotMatch(after, /Marstons holdings plc/);
  const [audit] = await context.database.query<{ action: string }>(
    "SELECT action FROM audit_log WHERE action = 'ocds.party_matched' AND subject_id = $1",
    [organisation.id],
  );
  assert.ok(audit);

  // Importing again keeps the hub admin's match.
  await upload(admin, cfBytes, 'cf.json');
  const profile = (await new Agent(context.app).get(`/organisations/${organisation.id}`)).body;
  assert.match(profile, /Contracts won/);
  assert.match(profile, /Parking Pilot - CEO/);
  assert.match(profile, /London Borough of Merton/);
  assert.match(profile, /£93,007/);
  assert.match(profile, /22 December 2024/);

  const visitor = new Agent(context.app);
  assert.equal((await visitor.get(PARTIES)).statusCode, 303);
  const member = await signedIn([]);
  assert.equal((await member.post(url, { organisationId: organisation.id }, { from: '/' })).statusCode, 403);
});
