import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent } from '../../test/support/agent.ts';
import { createTestApp, openTestDatabase, type TestContext, testConfig } from '../../test/support/test-app.ts';
import { buildApp } from '../app.ts';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

describe('headers and content security policy', () => {
  test('every page carries a strict CSP whose nonce is the only way a script runs', async () => {
    const page = await context.app.inject({ url: '/' });
    const csp = String(page.headers['content-security-policy']);
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const inlineScripts = [...page.body.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    assert.ok(inlineScripts.length > 0);
    for (const [, attributes] of inlineScripts) assert.match(attributes ?? '', new RegExp(`nonce="${nonce}"`));
    assert.doesNotMatch(page.body, /\sstyle="/, 'no inline style attributes');
    assert.doesNotMatch(page.body, /<style/, 'no inline style elements');
    const second = await context.app.inject({ url: '/' });
    assert.notEqual(second.headers['content-security-policy'], csp, 'a fresh nonce for every response');
  });

  test('a visitor who only reads gets no cookie; a page with a form sets only the HTTP-only CSRF cookie', async () => {
    const reading = await context.app.inject({ url: '/' });
    assert.equal(reading.headers['set-cookie'], undefined);
    const form = await context.app.inject({ url: '/sign-in' });
    const cookies = form.cookies.map(
      (cookie) => `${cookie.name} httpOnly=${cookie.httpOnly} sameSite=${cookie.sameSite}`,
    );
    assert.deepEqual(cookies, ['wc_csrf httpOnly=true sameSite=Lax']);
  });

  test('the usual security headers are set', async () => {
    const page = await context.app.inject({ url: '/' });
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(page.headers['referrer-policy'], 'same-origin');
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
  });

  test('HTTPS deployments get Strict-Transport-Security', async () => {
    const https = await createTestApp({ env: { BASE_URL: 'https://connections.example.org' } });
    try {
      const page = await https.app.inject({ url: '/' });
      assert.match(String(page.headers['strict-transport-security']), /max-age=\d+/);
    } finally {
      await https.close();
    }
  });
});

describe('errors', () => {
  test('an unknown page gets the 404 page in the service layout', async () => {
    const page = await context.app.inject({ url: '/no-such-page' });
    assert.equal(page.statusCode, 404);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /<h1 class="govuk-heading-l">Page not found<\/h1>/);
    assert.match(page.body, /Working Connections/);
  });

  test('an unknown API path answers problem details', async () => {
    const response = await context.app.inject({ url: '/api/v1/nothing' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(Object.keys(response.json()).sort(), ['detail', 'instance', 'status', 'title', 'type']);
    assert.equal(response.json().status, 404);
  });

  test('an unexpected failure gets the 500 page, which gives nothing away', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ config: testConfig(), database });
    app.get('/explode', { config: { policy: 'public' } }, async () => {
      throw new Error('secret internal detail');
    });
    try {
      const page = await app.inject({ url: '/explode' });
      assert.equal(page.statusCode, 500);
      assert.match(page.body, /Sorry, there is a problem with the service/);
      assert.doesNotMatch(page.body, /secret internal detail/);
    } finally {
      await app.close();
      await database.drop();
    }
  });

  test('a route without a policy stops the app from starting', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ config: testConfig(), database });
    app.get('/unguarded', async () => 'oops');
    try {
      await assert.rejects(async () => {
        await app.ready();
      }, /Every route needs a policy; these have none: GET \/unguarded/);
    } finally {
      await database.drop();
    }
  });
});

describe('bad input never gets a 500', () => {
  const cases: { name: string; headers: Record<string, string>; payload: string; status: number }[] = [
    { name: 'malformed JSON', headers: { 'content-type': 'application/json' }, payload: '{"email":', status: 400 },
    { name: 'an unsupported body type', headers: { 'content-type': 'text/xml' }, payload: '<x/>', status: 415 },
    {
      name: 'a body over 1 MB',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=${'a'.repeat(1_100_000)}`,
      status: 413,
    },
  ];
  for (const { name, headers, payload, status } of cases) {
    test(`${name} is refused with ${status}`, async () => {
      const response = await context.app.inject({ method: 'POST', url: '/sign-in', headers, payload });
      assert.equal(response.statusCode, status);
      assert.match(response.body, /govuk-heading-l/);
    });
  }

  test('odd form values (arrays, huge strings, odd characters) get field messages', async () => {
    const agent = new Agent(context.app);
    const response = await agent.post('/register', {
      displayName: ['one', 'two'],
      email: `${'x'.repeat(5000)}@example.org`,
      password: '\u0000'.repeat(20),
      confirmPassword: '',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /govuk-error-summary/);
  });

  test('a malformed id in a path is a 404, not a database error', async () => {
    for (const url of ['/organisations/not-a-uuid', '/organisations/%00', '/admin/outbox/1%27%3B--']) {
      const response = await context.app.inject({ url });
      assert.ok([303, 404].includes(response.statusCode), `${url}: ${response.statusCode}`);
    }
    const tooLong = await context.app.inject({ url: `/organisations/${'9'.repeat(300)}` });
    assert.equal(tooLong.statusCode, 414);
  });
});

describe('health', () => {
  test('reports the database in use', async () => {
    const response = await context.app.inject({ url: '/health' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', database: context.database.kind });
  });

  test('answers 503 when the database does not', async () => {
    const database = await openTestDatabase();
    const app = await buildApp({ config: testConfig(), database });
    await app.ready();
    await database.drop();
    const response = await app.inject({ url: '/health' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().status, 'unavailable');
    await app.close();
  });
});
