import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser, TEST_PASSWORD } from '../../../test/support/factories.ts';
import { latestMail, mailCount } from '../../../test/support/outbox.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { accountTokens, auditLog, sessions, users } from '../../db/schema.ts';

let context: TestContext;
before(async () => {
  context = await createTestApp();
});
after(() => context.close());

const newPassword = 'a brand new long passphrase';

describe('registration and e-mail verification', () => {
  test('a person registers, confirms by the e-mailed link and signs in', async () => {
    const agent = new Agent(context.app);
    const registered = await agent.post(
      '/register',
      {
        displayName: 'Rosa Parks',
        email: 'Rosa@Example.org',
        password: TEST_PASSWORD,
        confirmPassword: TEST_PASSWORD,
      },
      { from: '/register' },
    );
    assert.equal(registered.statusCode, 303);
    assert.equal(registered.headers.location, '/register/check-your-email');

    const [stored] = await context.database.db.select().from(users).where(eq(users.email, 'rosa@example.org'));
    assert.ok(stored, 'the address is stored in lower case');
    assert.match(stored.passwordHash, /^\$argon2id\$/);
    assert.equal(stored.emailVerifiedAt, null);

    const beforeVerifying = await agent.post('/sign-in', { email: 'rosa@example.org', password: TEST_PASSWORD });
    assert.equal(beforeVerifying.statusCode, 400);
    assert.match(beforeVerifying.body, /Confirm your email address before you sign in/);

    const mail = await latestMail(context.database, 'rosa@example.org');
    assert.match(mail.subject, /Confirm your email address/);
    assert.ok(mail.path.startsWith('/verify-email/'));
    const verified = await agent.get(mail.path);
    assert.equal(verified.statusCode, 303);
    assert.match((await agent.get('/sign-in')).body, /Your email address is confirmed/);

    const again = await agent.get(mail.path);
    assert.equal(again.statusCode, 400, 'the link works once');
    assert.match(again.body, /This link has expired/);

    const signedIn = await agent.post('/sign-in', { email: 'ROSA@example.org', password: TEST_PASSWORD });
    assert.equal(signedIn.statusCode, 303);
    assert.equal(signedIn.headers.location, '/account');
    const cookie = signedIn.cookies.find((c) => c.name === 'wc_session');
    assert.ok(
      cookie?.httpOnly && cookie.secure && cookie.sameSite === 'Lax',
      'session cookie is HTTP-only, secure and same-site',
    );
    const account = await agent.get('/account');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /Rosa Parks/);
  });

  test('mistakes are explained beside each field, and what was typed is kept (but never a password)', async () => {
    const agent = new Agent(context.app);
    const response = await agent.post('/register', {
      displayName: '<b>Ada</b>',
      email: 'not-an-address',
      password: 'short',
      confirmPassword: 'different',
    });
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: Create an account/);
    assert.match(response.body, /govuk-error-summary/);
    assert.match(response.body, /href="#email">Enter an email address in the correct format/);
    assert.match(response.body, /href="#password">Password must be 12 characters or more/);
    assert.match(response.body, /value="&lt;b&gt;Ada&lt;\/b&gt;"/, 'typed values come back, escaped');
    assert.match(response.body, /value="not-an-address"/);
    assert.doesNotMatch(response.body, /value="short"/);
    const count = await context.database.db.select().from(users).where(eq(users.email, 'not-an-address'));
    assert.equal(count.length, 0);
  });

  test('registering an address that has an account says the same, and tells the owner by e-mail', async () => {
    const owner = await buildUser(context.database);
    const response = await new Agent(context.app).post('/register', {
      displayName: 'Someone',
      email: owner.email,
      password: TEST_PASSWORD,
      confirmPassword: TEST_PASSWORD,
    });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/register/check-your-email');
    assert.match(
      (await latestMail(context.database, owner.email)).subject,
      /already have a Working Connections account/,
    );
  });

  test('a form posted without its CSRF token is refused and nothing is written', async () => {
    const response = await new Agent(context.app).post(
      '/register',
      { displayName: 'X', email: 'csrf@example.org', password: TEST_PASSWORD, confirmPassword: TEST_PASSWORD },
      { csrf: false },
    );
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /This form has expired/);
    assert.equal((await context.database.db.select().from(users).where(eq(users.email, 'csrf@example.org'))).length, 0);
  });
});

describe('signing in and out', () => {
  test('a wrong password gets one message that does not say which part was wrong', async () => {
    const person = await buildUser(context.database);
    const agent = new Agent(context.app);
    for (const attempt of [
      { email: person.email, password: 'wrong password here' },
      { email: 'nobody@example.org', password: 'wrong password here' },
    ]) {
      const response = await agent.post('/sign-in', attempt);
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /Enter a correct email address and password/);
    }
    const failures = await context.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'session.sign_in_failed'));
    assert.ok(failures.length >= 2, 'failed sign-ins are audited');
  });

  test('sign-in goes back to the page that asked for it, but only within the service', async () => {
    const person = await buildUser(context.database);
    const agent = new Agent(context.app);
    const redirected = await agent.get('/account/password');
    assert.equal(redirected.statusCode, 303);
    assert.equal(redirected.headers.location, '/sign-in?next=%2Faccount%2Fpassword');
    const local = await agent.post('/sign-in', {
      email: person.email,
      password: person.password,
      next: '/account/password',
    });
    assert.equal(local.headers.location, '/account/password');
    const offsite = await new Agent(context.app).post('/sign-in', {
      email: person.email,
      password: person.password,
      next: '//evil.example',
    });
    assert.equal(offsite.headers.location, '/account');
  });

  test('signing out ends the session on the server', async () => {
    const person = await buildUser(context.database);
    const agent = new Agent(context.app);
    await agent.signIn(person.email, person.password);
    const cookie = agent.cookies.get('wc_session');
    const signedOut = await agent.post('/sign-out', {}, { from: '/account' });
    assert.equal(signedOut.statusCode, 303);
    const replay = await context.app.inject({ url: '/account', cookies: { wc_session: cookie ?? '' } });
    assert.equal(replay.statusCode, 303, 'the old cookie no longer works');
    assert.equal((await context.database.db.select().from(sessions).where(eq(sessions.userId, person.id))).length, 0);
  });

  test('sign-in is rate limited per address and e-mail', async () => {
    const agent = new Agent(context.app, '10.9.9.9');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      statuses.push(
        (await agent.post('/sign-in', { email: 'target@example.org', password: 'guess guess guess' })).statusCode,
      );
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400));
    assert.equal(statuses[10], 429);
    const other = await agent.post('/sign-in', { email: 'other@example.org', password: 'guess guess guess' });
    assert.equal(other.statusCode, 400, 'another address from the same network is not locked out');
  });
});

test('password reset and new confirmation links, which send mail, are rate limited', async () => {
  const agent = new Agent(context.app, '10.9.9.10');
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 6; attempt += 1) {
    statuses.push((await agent.post('/forgot-password', { email: 'flood@example.org' })).statusCode);
  }
  assert.deepEqual(statuses, [303, 303, 303, 303, 303, 429]);
  const limited = await agent.post('/forgot-password', { email: 'flood@example.org' });
  assert.match(limited.body, /You have tried too many times/);
  assert.ok(Number(limited.headers['retry-after']) > 0);
});

test('registration is rate limited per network address', async () => {
  const agent = new Agent(context.app, '10.9.9.11');
  const statuses: number[] = [];
  for (let attempt = 0; attempt < 11; attempt += 1) {
    statuses.push(
      (await agent.post('/register', { displayName: '', email: '', password: '', confirmPassword: '' })).statusCode,
    );
  }
  assert.equal(statuses.filter((status) => status === 400).length, 10);
  assert.equal(statuses[10], 429);
});

describe('passwords', () => {
  test('a reset link sets a new password once, signs out everywhere, and then expires', async () => {
    const person = await buildUser(context.database);
    const elsewhere = new Agent(context.app);
    await elsewhere.signIn(person.email, person.password);

    const agent = new Agent(context.app);
    const requested = await agent.post('/forgot-password', { email: person.email });
    assert.equal(requested.headers.location, '/forgot-password/check-your-email');
    const mail = await latestMail(context.database, person.email);
    assert.ok(mail.path.startsWith('/reset-password/'));
    assert.equal((await agent.get(mail.path)).statusCode, 200);

    const mismatch = await agent.post(
      mail.path,
      { password: newPassword, confirmPassword: 'nope' },
      { from: mail.path },
    );
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /Passwords do not match/);

    const reset = await agent.post(
      mail.path,
      { password: newPassword, confirmPassword: newPassword },
      { from: mail.path },
    );
    assert.equal(reset.statusCode, 303);
    assert.equal((await elsewhere.get('/account')).statusCode, 303, 'other sessions have ended');
    assert.equal((await agent.get(mail.path)).statusCode, 400, 'the link works once');
    await agent.signIn(person.email, newPassword);
  });

  test('an expired reset link is refused', async () => {
    const person = await buildUser(context.database);
    await new Agent(context.app).post('/forgot-password', { email: person.email });
    const mail = await latestMail(context.database, person.email);
    await context.database.db
      .update(accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(accountTokens.userId, person.id));
    const response = await new Agent(context.app).get(mail.path);
    assert.equal(response.statusCode, 400);
    assert.match(response.body, /This link has expired/);
  });

  test('asking to reset an unknown address looks the same and sends nothing', async () => {
    const response = await new Agent(context.app).post('/forgot-password', { email: 'ghost@example.org' });
    assert.equal(response.headers.location, '/forgot-password/check-your-email');
    assert.equal(await mailCount(context.database, 'ghost@example.org'), 0);
  });

  test('changing the password needs the current one', async () => {
    const person = await buildUser(context.database);
    const agent = new Agent(context.app);
    await agent.signIn(person.email, person.password);
    const wrong = await agent.post(
      '/account/password',
      { currentPassword: 'not it at all', password: newPassword, confirmPassword: newPassword },
      { from: '/account/password' },
    );
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Your current password is not correct/);
    const changed = await agent.post(
      '/account/password',
      { currentPassword: person.password, password: newPassword, confirmPassword: newPassword },
      { from: '/account/password' },
    );
    assert.equal(changed.statusCode, 303);
    assert.equal((await agent.get('/account')).statusCode, 200, 'this session stays signed in');
    await new Agent(context.app).signIn(person.email, newPassword);
  });
});
