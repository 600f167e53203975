import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';

const CF_FILE = path.resolve(
  import.meta.dirname,
  '../../../shared/data/ocds/contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json',
);

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

/** Three releases from a real Contracts Finder package, small enough to upload quickly. */
function smallPackage(): Buffer {
  const releasePackage = JSON.parse(readFileSync(CF_FILE, 'utf8'));
  return Buffer.from(JSON.stringify({ ...releasePackage, releases: releasePackage.releases.slice(0, 3) }));
}

test('a hub admin uploads OCDS releases, sees the report and the error summary, then the unmatched parties', {
  skip,
}, async () => {
  const admin = await buildUser(server.database, { roles: ['hub_admin'] });
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/sign-in?next=/admin/imports/ocds`);
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Import OCDS releases' }).waitFor();
  await expectAccessible(page, 'OCDS upload');

  await page
    .getByLabel('Upload a JSON file')
    .setInputFiles({ name: 'cf.json', mimeType: 'application/json', buffer: smallPackage() });
  await page.getByRole('button', { name: 'Import releases' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'OCDS import report');
  assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Imported cf.json: 3 releases/);

  await page
    .getByLabel('Upload a JSON file')
    .setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"releases": [') });
  await page.getByRole('button', { name: 'Import releases' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'OCDS upload with errors');
  assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
  assert.match(await page.title(), /^Error: /);

  await page.getByRole('link', { name: 'Match the rest by hand' }).click();
  await page.getByRole('heading', { name: 'Match OCDS parties to organisations' }).waitFor();
  await expectAccessible(page, 'unmatched OCDS parties');
  // The directory is empty, so every buyer and supplier in the three releases waits to be matched by hand.
  assert.ok((await page.locator('.govuk-table__body .govuk-table__row').count()) > 0);
  await context.close();
});
