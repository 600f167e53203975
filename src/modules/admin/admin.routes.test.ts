import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { userRoles } from '../../db/schema.ts';

let context: TestContext;
let hubAdmin: Agent;
let adminId = '';
before(async () => {
  context = await createTestApp();
  const admin = await buildUser(context.database, { roles: ['hub_admin'], displayName: 'Hub Admin' });
  adminId = admin.id;
  hubAdmin = new Agent(context.app);
  await hubAdmin.signIn(admin.email, admin.password);
});
after(() => context.close());

test('a hub admin grants and revokes roles, and the change is in the audit log', async () => {
  const person = await buildUser(context.database, {
    email: 'commissioner@kent.example',
    displayName: 'Kit Commissioner',
  });
  const rolesPath = `/admin/users/${person.id}/roles`;
  const found = await hubAdmin.get('/admin/users?q=kent.example');
  assert.match(found.body, /commissioner@kent.example/);

  const granted = await hubAdmin.post(rolesPath, { roles: ['commissioner', 'trustee_candidate'] }, { from: rolesPath });
  assert.equal(granted.statusCode, 303);
  const roles = await context.database.db.select().from(userRoles).where(eq(userRoles.userId, person.id));
  assert.deepEqual(roles.map((row) => row.role).sort(), ['commissioner', 'trustee_candidate']);

  await hubAdmin.post(rolesPath, { roles: 'commissioner' }, { from: rolesPath });
  const after = await context.database.db.select().from(userRoles).where(eq(userRoles.userId, person.id));
  assert.deepEqual(
    after.map((row) => row.role),
    ['commissioner'],
  );

  const audit = await hubAdmin.get('/admin/audit');
  assert.equal(audit.statusCode, 200);
  assert.match(audit.body, /user.roles_changed/);
  assert.match(audit.body, /trustee_candidate/);
});

test('an unknown role is refused with a message and changes nothing', async () => {
  const person = await buildUser(context.database);
  const rolesPath = `/admin/users/${person.id}/roles`;
  const response = await hubAdmin.post(rolesPath, { roles: 'superuser' }, { from: rolesPath });
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /Select roles from the list/);
  assert.equal((await context.database.db.select().from(userRoles).where(eq(userRoles.userId, person.id))).length, 0);
});

test('a hub admin cannot remove their own hub admin role', async () => {
  const rolesPath = `/admin/users/${adminId}/roles`;
  const response = await hubAdmin.post(rolesPath, { roles: 'commissioner' }, { from: rolesPath });
  assert.equal(response.statusCode, 400);
  assert.match(response.body, /You cannot remove your own hub admin role/);
});

test('without a mail server, mail is kept in the outbox for hub admins to read, safely escaped', async () => {
  await new Agent(context.app).post('/register', {
    displayName: '<script>alert(1)</script>',
    email: 'outbox-reader@example.org',
    password: 'long enough password',
    confirmPassword: 'long enough password',
  });
  const outbox = await hubAdmin.get('/admin/outbox');
  assert.match(outbox.body, /outbox-reader@example.org/);
  const id = /href="\/admin\/outbox\/([0-9a-f-]{36})"/.exec(outbox.body)?.[1];
  assert.ok(id);
  const message = await hubAdmin.get(`/admin/outbox/${id}`);
  assert.equal(message.statusCode, 200);
  assert.ok(/href="http:\/\/localhost:3000\/verify-email\/[\w-]+"/.test(message.body), 'links are clickable');
  assert.doesNotMatch(message.body, /<script>alert/);
  assert.match(message.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});
