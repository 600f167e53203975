import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import type { GlobalRole } from '../../platform/sessions.ts';
import { FRAMEWORK_EXAMPLE, FRAMEWORK_JSON_EXAMPLE } from './framework.example.ts';

const IMPORT = '/admin/impact/framework';
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

/** Posts the import form as a browser does, with the agent's cookies both ways. */
async function upload(agent: Agent, content: string | Buffer, fileName: string) {
  const boundary = '----framework-import-test';
  const csrf = await agent.csrfToken(IMPORT);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
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

test('/impact shows the current framework: themes, outcomes, measures, units, evidence and proxies with sources', async () => {
  const page = await context.app.inject({ url: '/impact' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1 class="govuk-heading-xl">Impact framework<\/h1>/);
  assert.match(page.body, /Kent and Medway impact framework/);
  assert.match(page.body, /Theme SVM-T1<\/span>A fairer local economy/);
  assert.match(page.body, /Outcome SVM-O1\.1<\/span>More local people in good jobs/);
  assert.match(page.body, /M-4\.2\.1: Hours given by volunteers to community activity/);
  assert.match(page.body, /£12\.21 for each unit/);
  assert.match(page.body, /£241 for each unit/);
  assert.match(page.body, /href="https:\/\/www\.gov\.uk\/national-minimum-wage-rates"/);
  assert.match(page.body, /Payroll records showing each new starter&#39;s start date/);
  assert.match(page.body, /Contains public sector information licensed under the Open Government Licence v3\.0/);
  assert.match(page.body, /href="\/impact\/framework\/versions\/1\/framework\.json"/);
  assert.match(page.body, /href="\/impact\/framework\/versions\/1\/framework\.csv"/);
  assert.doesNotMatch(page.body, /This part of the service is not open yet/);
});

test('/impact leads everyone to the comparison, and those who commission to the coverage table', async () => {
  const visitor = await context.app.inject({ url: '/impact' });
  assert.match(visitor.body, /href="\/impact\/compare">comparing organisations’ impact<\/a>/);
  assert.doesNotMatch(visitor.body, /href="\/impact\/coverage"/);
  const member = await (await signedIn([])).get('/impact');
  assert.doesNotMatch(member.body, /href="\/impact\/coverage"/);
  for (const role of ['commissioner', 'procurement_officer', 'hub_admin'] as const) {
    const page = await (await signedIn([role])).get('/impact');
    assert.match(page.body, /href="\/impact\/coverage">who delivers which outcomes where<\/a>/, role);
  }
});

test('downloads of a version are attachments that the import reads back', async () => {
  const json = await context.app.inject({ url: '/impact/framework/versions/1/framework.json' });
  assert.equal(json.statusCode, 200);
  assert.match(String(json.headers['content-type']), /^application\/json/);
  assert.equal(json.headers['content-disposition'], 'attachment; filename="impact-framework-v1.json"');
  const document = json.json() as { version: number; title: string; themes: { outcomes: unknown[] }[] };
  assert.equal(document.version, 1);
  assert.equal(document.themes.length, 5);

  const csv = await context.app.inject({ url: '/impact/framework/versions/1/framework.csv' });
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  assert.equal(csv.headers['content-disposition'], 'attachment; filename="impact-framework-v1.csv"');
  assert.match(csv.body, /^framework_title,framework_source,framework_licence,theme_code,/);
  assert.equal(csv.body.trim().split('\n').length, 30, 'a header and one row per measure');

  for (const url of [
    '/impact/framework/versions/99/framework.json',
    '/impact/framework/versions/0',
    '/impact/framework/versions/one',
    '/impact/framework/versions/99999999999999999999/framework.csv',
  ]) {
    assert.equal((await context.app.inject({ url })).statusCode, 404, url);
  }
});

test('a hub admin imports a new version; /impact shows it and version 1 stays readable as an earlier version', async () => {
  const admin = await signedIn(['hub_admin']);
  assert.match((await admin.get('/admin')).body, new RegExp(`href="${IMPORT}"`));
  const form = await admin.get(IMPORT);
  assert.equal(form.statusCode, 200);
  assert.match(form.body, /enctype="multipart\/form-data"/);
  assert.match(form.body, /<code>proxy_value_pence<\/code>/);
  assert.match(form.body, /The current framework is version 1/);

  const response = await upload(admin, FRAMEWORK_JSON_EXAMPLE, 'licensed.json');
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, IMPORT);
  const confirmation = await admin.get(IMPORT);
  assert.match(
    confirmation.body,
    /Imported licensed\.json as version 2, “Our licensed framework”: 1 themes, 1 outcomes and 2 measures/,
  );

  const current = await context.app.inject({ url: '/impact' });
  assert.match(current.body, /Our licensed framework/);
  assert.match(current.body, /M1\.1\.2: Hours given by volunteers/);
  assert.match(current.body, /href="\/impact\/framework\/versions\/1">Version 1<\/a>/);
  const older = await context.app.inject({ url: '/impact/framework/versions/1' });
  assert.equal(older.statusCode, 200);
  assert.match(older.body, /Impact framework, version 1/);
  assert.match(older.body, /This is an earlier version of the framework/);
  assert.match(older.body, /Version 2 is the current framework/);
  assert.match(older.body, /SVM-O1\.1/);

  const audit = await admin.get('/admin/audit');
  assert.match(audit.body, /impact_framework\.version_imported/);
});

test('a broken file is refused with every problem and where it is, and nothing is imported', async () => {
  const admin = await signedIn(['hub_admin']);
  const versions = async () => context.database.query('SELECT id FROM impact_framework_versions ORDER BY version');
  const before = await versions();
  const broken = structuredClone(FRAMEWORK_EXAMPLE) as unknown as {
    themes: { outcomes: { measures: Record<string, unknown>[] }[] }[];
  };
  const measures = broken.themes[0]?.outcomes[0]?.measures ?? [];
  measures[0] = { ...measures[0], proxyValuePence: -5, proxySource: 'A study' };
  measures[1] = { ...measures[1], proxyValuePence: null };
  const response = await upload(admin, JSON.stringify(broken), 'broken.json');
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /<title>Error: Import an impact framework/);
  assert.match(response.body, /The file has 2 problems to correct. Nothing has been imported/);
  assert.match(response.body, /href="#file-problems"/);
  assert.match(response.body, /<code>themes\[0\]\.outcomes\[0\]\.measures\[0\]\.proxyValuePence<\/code>/);
  assert.match(response.body, /Measure M1\.1\.1: The proxy value cannot be negative/);
  assert.match(response.body, /<code>themes\[0\]\.outcomes\[0\]\.measures\[1\]\.proxyValuePence<\/code>/);
  assert.match(response.body, /Measure M1\.1\.2: Give the proxy value for this source/);

  const notJson = await upload(admin, 'title: not json', 'framework.json');
  assert.equal(notJson.statusCode, 400);
  assert.match(notJson.body, /<a href="#file">The file is not valid JSON/);

  const csv = await upload(admin, 'theme_code,theme_title\nT1,Jobs\n', 'framework.csv');
  assert.equal(csv.statusCode, 400);
  assert.match(csv.body, /The file is missing required columns: framework_title/);

  const large = await upload(admin, Buffer.alloc(5 * 1024 * 1024 + 1, 0x20), 'large.json');
  assert.equal(large.statusCode, 413);
  assert.match(large.body, /The selected file must be smaller than 5 MB/);

  const spreadsheet = await upload(admin, 'PK', 'framework.xlsx');
  assert.equal(spreadsheet.statusCode, 400);
  assert.match(spreadsheet.body, /must be a JSON file \(\.json\) or a CSV file \(\.csv\)/);

  const empty = await upload(admin, '', '');
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Select a JSON or CSV file/);

  assert.deepEqual(await versions(), before, 'no version is written');
});

test('only hub admins may import; a visitor cannot post a file at all', async () => {
  const officer = await signedIn(['commissioner']);
  assert.equal((await officer.get(IMPORT)).statusCode, 403);
  const visitor = await context.app.inject({
    method: 'POST',
    url: IMPORT,
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    payload: '--x--\r\n',
  });
  assert.equal(visitor.statusCode, 401);
});
