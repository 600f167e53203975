import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { startSmtpServer } from '../support/smtp.ts';

const skip = browserSkipReason();
const PASSWORD = 'first long passphrase here';
const NEW_PASSWORD = 'second long passphrase here';

let browser: Browser;
before(async () => {
  if (!skip) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

type Server = Awaited<ReturnType<typeof startServer>>;
/** How a journey reads the link from the newest mail to an address. */
type MailReader = (to: string, subject: RegExp) => Promise<string>;

/** Visits a page, checks it with axe, and returns it. */
async function visit(page: Page, url: string, label: string) {
  await page.goto(url);
  await expectAccessible(page, label);
}

async function submit(page: Page, label: string, button: string) {
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, label);
}

/** Register → verify → sign in → sign out → reset password → sign in with it → sign out, checking every page. */
async function accountJourney(server: Server, readLink: MailReader, email: string) {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  try {
    await visit(page, `${server.baseUrl}/`, 'home');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await expectAccessible(page, 'register');

    await submit(page, 'register with errors', 'Create account');
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    assert.match(await page.title(), /^Error: /);

    await page.getByLabel('Full name').fill('Priya Journey');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirm password').fill(PASSWORD);
    await submit(page, 'check your email', 'Create account');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    await visit(page, await readLink(email, /Confirm your email address/), 'verified, sign in');
    assert.match(
      (await page.locator('.govuk-notification-banner').textContent()) ?? '',
      /Your email address is confirmed/,
    );

    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await submit(page, 'account', 'Sign in');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();

    await submit(page, 'signed out', 'Sign out');
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /You have signed out/);

    await page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await expectAccessible(page, 'forgot password');
    await page.getByLabel('Email address').fill(email);
    await submit(page, 'reset link sent', 'Send reset link');

    await visit(page, await readLink(email, /Reset your Working Connections password/), 'choose a new password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await submit(page, 'password reset, sign in', 'Reset password');
    assert.match(
      (await page.locator('.govuk-notification-banner').textContent()) ?? '',
      /Your password has been reset/,
    );

    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await submit(page, 'account after reset', 'Sign in');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await submit(page, 'signed out again', 'Sign out');
  } finally {
    await context.close();
  }
}

describe('account journey with mail kept in the outbox', { skip }, () => {
  let server: Server;
  let hubAdminPage: Page;
  before(async () => {
    server = await startServer();
    const admin = await buildUser(server.database, { roles: ['hub_admin'] });
    hubAdminPage = await (await browser.newContext()).newPage();
    await hubAdminPage.goto(`${server.baseUrl}/sign-in`);
    await hubAdminPage.getByLabel('Email address').fill(admin.email);
    await hubAdminPage.getByLabel('Password').fill(admin.password);
    await hubAdminPage.getByRole('button', { name: 'Sign in' }).click();
    await hubAdminPage.getByRole('heading', { name: 'Your account' }).waitFor();
  });
  after(() => server?.close());

  test('a hub admin reads each mail in the outbox, and the person follows its link', async () => {
    const readFromOutbox: MailReader = async (to, subject) => {
      await visit(hubAdminPage, `${server.baseUrl}/admin/outbox`, 'outbox');
      const row = hubAdminPage.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
      await row.getByRole('link').click();
      await expectAccessible(hubAdminPage, 'outbox message');
      const link = await hubAdminPage.getByTestId('message-body').getByRole('link').first().getAttribute('href');
      assert.ok(link);
      return link;
    };
    await accountJourney(server, readFromOutbox, 'outbox.journey@example.org');
  });

  test('the other pages of the shell pass axe too', async () => {
    const page = await (await browser.newContext()).newPage();
    for (const path of [
      '/directory',
      '/impact',
      '/accessibility',
      '/privacy',
      '/cookies',
      '/no-such-page',
      '/verify-email/resend',
    ]) {
      await visit(page, `${server.baseUrl}${path}`, path);
    }
    for (const path of [
      '/admin',
      '/admin/users',
      '/admin/audit',
      '/admin/imports/organisations',
      '/organisations/new',
    ]) {
      await visit(hubAdminPage, `${server.baseUrl}${path}`, path);
    }
    await hubAdminPage.getByLabel('Name of the organisation').fill('Swale Journey Trust');
    await submit(hubAdminPage, 'organisation created', 'Add organisation');
    await hubAdminPage.getByRole('link', { name: /Members/ }).click();
    await expectAccessible(hubAdminPage, 'members');
  });
});

describe('account journey with mail sent through a real SMTP server', { skip }, () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: Server;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startServer({ SMTP_URL: smtp.url });
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  test('the person follows the links from the mail they receive', async () => {
    const readFromSmtp: MailReader = async (to, subject) => {
      const mail = await smtp.nextTo(to);
      assert.match(mail.subject, subject);
      const link = /http:\/\/\S+/.exec(mail.text)?.[0];
      assert.ok(link);
      return link;
    };
    await accountJourney(server, readFromSmtp, 'smtp.journey@example.org');
  });
});
