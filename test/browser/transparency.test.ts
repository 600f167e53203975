import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildTransparencyScenario, MAIDSTONE } from '../support/transparency-scenario.ts';

const skip = browserSkipReason();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let scenario: Awaited<ReturnType<typeof buildTransparencyScenario>>;

before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  server = await startServer();
  scenario = await buildTransparencyScenario(server.database);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a visitor reads the social value totals, filters contracts and opens one, every page checked', {
  skip,
}, async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await page.getByRole('link', { name: 'Social value' }).click();
  assert.equal(new URL(page.url()).pathname, '/social-value');
  await expectAccessible(page, 'social value totals');
  assert.equal(await page.locator('#headline dd').nth(1).textContent(), '£43,125');
  await assert.doesNotReject(page.getByRole('table', { name: 'By area' }).getByText('Maidstone').waitFor());

  await page.getByLabel('Area').selectOption(MAIDSTONE);
  await page.getByRole('button', { name: 'Filter contracts' }).click();
  await expectAccessible(page, 'filtered contracts');
  assert.match(page.url(), new RegExp(`district=${MAIDSTONE}`));
  assert.match((await page.getByRole('status').textContent()) ?? '', /^1 published contract$/);

  await page.getByRole('link', { name: 'Employment support in Swale and Maidstone' }).click();
  assert.equal(new URL(page.url()).pathname, `/social-value/contracts/${scenario.a.id}`);
  await expectAccessible(page, 'contract page');
  await page.getByText(/The \d+ entries of this contract and their hashes/).click();
  await expectAccessible(page, 'contract page with its ledger entries open');
  await page
    .getByRole('link', { name: /^Ledger entry/ })
    .first()
    .click();
  assert.match(page.url(), /#entry-\d+$/);

  await page.goto(`${server.baseUrl}/social-value?tier=9`);
  await expectAccessible(page, 'filters with an error');
  await page.goto(`${server.baseUrl}/social-value/contracts/${scenario.c.id}`);
  await expectAccessible(page, 'unpublished contract: not found');
  assert.match((await page.locator('h1').textContent()) ?? '', /Page not found/);
  await context.close();
});
