import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildOrganisation } from '../support/factories.ts';
import { buildBuyer } from '../support/opportunity-factories.ts';

const skip = browserSkipReason();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  server = await startServer();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a procurement officer drafts, adds a lot and publishes; a visitor finds it in the list', { skip }, async () => {
  const { officer } = await buildBuyer(server.database);
  await buildOrganisation(server.database, { name: 'Swale Befrienders' });
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/sign-in?next=/opportunities/new`);
  await page.getByLabel('Email address').fill(officer.email);
  await page.getByLabel('Password').fill(officer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectAccessible(page, 'new opportunity');

  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expectAccessible(page, 'new opportunity with errors');
  assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);

  await page.getByLabel('Buying organisation').selectOption({ index: 1 });
  await page.getByLabel('Opportunity', { exact: true }).check();
  await page.getByLabel('Grant', { exact: true }).check();
  await page.getByLabel('Title').fill('Befriending in Swale');
  await page.getByLabel('Description').fill('Visits and calls for older people living alone.');
  await page.getByLabel('Submission deadline').fill('2099-03-01T12:00');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expectAccessible(page, 'draft opportunity');

  await page.getByLabel('Lot title').fill('Sittingbourne');
  await page.getByRole('button', { name: 'Add lot' }).click();
  await page.getByRole('button', { name: 'Mark as published' }).click();
  await expectAccessible(page, 'published opportunity');
  assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /has been published/);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${server.baseUrl}/opportunities`);
  await expectAccessible(visitor, 'opportunities list');
  await visitor.getByLabel('Search by words in the title or description').fill('befriending');
  await visitor.getByRole('button', { name: 'Search' }).click();
  await expectAccessible(visitor, 'opportunities search');
  await visitor.getByRole('link', { name: 'Befriending in Swale' }).click();
  await expectAccessible(visitor, 'public opportunity');
  assert.match((await visitor.locator('main').textContent()) ?? '', /Sittingbourne/);
  await context.close();
});
