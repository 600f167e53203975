import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

test('the home page explains the service to each kind of user', async () => {
  const page = await context.app.inject({ url: '/' });
  assert.equal(page.statusCode, 200);
  for (const audience of [
    'If you work or volunteer for a frontline organisation',
    'If you commission or buy public services',
    'If you serve, or want to serve, as a trustee',
    'If you work for the hub',
  ]) {
    assert.ok(page.body.includes(audience), audience);
  }
});

test('the shell names the service, has the navigation and the footer pages, and no GOV.UK crown', async () => {
  const page = await context.app.inject({ url: '/' });
  assert.ok(page.body.includes('govuk-service-navigation__service-name'));
  for (const [href, text] of [
    ['/directory', 'Directory'],
    ['/opportunities', 'Opportunities'],
    ['/impact', 'Impact'],
    ['/consortia', 'Consortia'],
  ]) {
    assert.ok(new RegExp(`href="${href}"[^>]*>\\s*${text}`).test(page.body), text);
  }
  assert.ok(!page.body.includes('govuk-logo'), 'the crown is reserved for GOV.UK');
  for (const path of ['/accessibility', '/privacy', '/cookies', '/impact']) {
    const linked = await context.app.inject({ url: path });
    assert.equal(linked.statusCode, 200, path);
    assert.ok(page.body.includes(`href="${path}"`), `${path} is linked from every page`);
  }
});

test('signed-in people see their account and a sign-out button; hub admins see the admin section', async () => {
  const admin = await buildUser(context.database, { roles: ['hub_admin'] });
  const agent = new Agent(context.app);
  await agent.signIn(admin.email, admin.password);
  const page = await agent.get('/');
  assert.ok(page.body.includes('href="/account"'));
  assert.ok(/<form method="post" action="\/sign-out"/.test(page.body));
  assert.ok(page.body.includes('href="/admin"'));
  const visitor = await context.app.inject({ url: '/' });
  assert.ok(!visitor.body.includes('href="/admin"'));
});
