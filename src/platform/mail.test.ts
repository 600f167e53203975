import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../test/support/agent.ts';
import { mailCount } from '../../test/support/outbox.ts';
import { startSmtpServer } from '../../test/support/smtp.ts';
import { createTestApp, type TestContext } from '../../test/support/test-app.ts';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let context: TestContext;
before(async () => {
  smtp = await startSmtpServer();
  context = await createTestApp({ env: { SMTP_URL: smtp.url } });
});
after(async () => {
  await context.close();
  await smtp.close();
});

test('with SMTP_URL, mail goes out over SMTP and nothing is kept in the outbox', async () => {
  const response = await new Agent(context.app).post('/register', {
    displayName: 'Sam Smtp',
    email: 'sam@example.org',
    password: 'a long enough password',
    confirmPassword: 'a long enough password',
  });
  assert.equal(response.statusCode, 303);
  const mail = await smtp.nextTo('sam@example.org');
  assert.match(mail.subject, /Confirm your email address/);
  assert.match(mail.text, /http:\/\/localhost:3000\/verify-email\/[\w-]{43}/);
  assert.equal(await mailCount(context.database, 'sam@example.org'), 0);
});
