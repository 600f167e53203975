import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { count } from 'drizzle-orm';
import { Agent } from '../../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { organisations } from '../../../db/schema.ts';
import type { GlobalRole } from '../../../platform/sessions.ts';
import { EXAMPLE_CSV } from './organisations-csv.ts';

const IMPORT = '/admin/imports/organisations';
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

type Part = { name: string; value: string | Buffer; fileName?: string };

/** Posts a multipart form as a browser does, keeping the agent's cookies both ways. */
async function postMultipart(agent: Agent, parts: Part[]) {
  const boundary = '----working-connections-test';
  const body = Buffer.concat([
    ...parts.flatMap((part) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.fileName === undefined
            ? '\r\n\r\n'
            : `; filename="${part.fileName}"\r\nContent-Type: text/csv\r\n\r\n`),
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

const upload = async (agent: Agent, content: string | Buffer, fileName = 'organisations.csv') =>
  postMultipart(agent, [
    { name: '_csrf', value: await agent.csrfToken(IMPORT) },
    { name: 'file', value: content, fileName },
  ]);

const organisationCount = async () => (await context.database.db.select({ n: count() }).from(organisations))[0]?.n;

test('a hub admin finds the import page from the admin page, uploads a file and sees the counts', async () => {
  const admin = await signedIn(['hub_admin']);
  assert.match((await admin.get('/admin')).body, new RegExp(`href="${IMPORT}"`));
  const page = await admin.get(IMPORT);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /enctype="multipart\/form-data"/);
  assert.match(page.body, /<code>company_number<\/code>/);
  assert.match(page.body, /Ashford Community Pantry/, 'the example is on the page');

  const response = await upload(admin, EXAMPLE_CSV, 'kent.csv');
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, IMPORT);
  const after = await admin.get(IMPORT);
  assert.match(after.body, /Imported kent.csv: 2 added, 0 updated, 0 unchanged./);
  assert.equal(await organisationCount(), 2);

  await upload(admin, EXAMPLE_CSV, 'kent.csv');
  assert.match((await admin.get(IMPORT)).body, /0 added, 0 updated, 2 unchanged/);
});

test('rejected rows are shown in a table with their lines and reasons, and nothing is imported', async () => {
  const admin = await signedIn(['hub_admin']);
  const before = await organisationCount();
  const broken = EXAMPLE_CSV.replace('E07000105,E05011744', 'E07000999,').replace(',cio,', ',trust,');
  const response = await upload(admin, broken);
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /govuk-error-summary/);
  assert.match(response.body, /1 row needs correcting. Nothing has been imported/);
  assert.match(response.body, /href="#rejected-rows"/);
  assert.match(response.body, /<td class="govuk-table__cell"><code>legal_form<\/code><\/td>/);
  assert.match(response.body, /Select areas from the list: &quot;E07000999&quot; is not one of them/);
  assert.match(response.body, /<th scope="row" class="govuk-table__header">2<\/th>/);
  assert.equal(await organisationCount(), before);
});

test('problems with the file as a whole are shown in the error summary', async () => {
  const admin = await signedIn(['hub_admin']);
  const windows = await upload(admin, Buffer.from('name,legal_form\nCaf\xe9,charity\n', 'latin1'));
  assert.equal(windows.statusCode, 400);
  assert.match(windows.body, /not saved as UTF-8/);
  const empty = await upload(admin, '');
  assert.match(empty.body, /The file is empty/);
  // What a browser sends when no file was chosen.
  const none = await upload(admin, '', '');
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Select a CSV file/);
  const tooBig = await upload(admin, Buffer.alloc(10 * 1024 * 1024 + 1, 'a'));
  assert.equal(tooBig.statusCode, 413);
  assert.match(tooBig.body, /The selected file must be smaller than 10 MB/);
});

test('an upload without the CSRF token is refused', async () => {
  const admin = await signedIn(['hub_admin']);
  await admin.get(IMPORT); // the CSRF cookie, as a browser would have it
  const before = await organisationCount();
  const response = await postMultipart(admin, [{ name: 'file', value: EXAMPLE_CSV, fileName: 'x.csv' }]);
  assert.equal(response.statusCode, 403);
  const forged = await postMultipart(admin, [
    { name: '_csrf', value: 'not-a-token' },
    { name: 'file', value: EXAMPLE_CSV, fileName: 'x.csv' },
  ]);
  assert.equal(forged.statusCode, 403);
  assert.equal(await organisationCount(), before);
});

test('only hub admins may see the page or upload', async () => {
  const commissioner = await signedIn(['commissioner']);
  assert.equal((await commissioner.get(IMPORT)).statusCode, 403);
  const token = await commissioner.csrfToken('/');
  const refused = await postMultipart(commissioner, [
    { name: '_csrf', value: token },
    { name: 'file', value: EXAMPLE_CSV, fileName: 'x.csv' },
  ]);
  assert.equal(refused.statusCode, 403);

  const visitor = new Agent(context.app);
  const page = await visitor.get(IMPORT);
  assert.equal(page.statusCode, 303);
  assert.equal(page.headers.location, `/sign-in?next=${encodeURIComponent(IMPORT)}`);
  const post = await postMultipart(visitor, [{ name: 'file', value: EXAMPLE_CSV, fileName: 'x.csv' }]);
  assert.equal(post.statusCode, 401);
});
