import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { seedDemoData } from '../../src/db/seed/seed.ts';
import { upsertMember } from '../../src/modules/organisations/organisations.repository.ts';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';

const skip = browserSkipReason();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  server = await startServer();
  await seedDemoData(server.database, 1500);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('a commissioner searches with facets and opens a profile; its admin edits it', { skip }, async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/directory`);
  await expectAccessible(page, 'directory');

  await page.getByLabel('Search by name, service or description').fill('club');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectAccessible(page, 'search results');
  const heading = (await page.locator('#results-heading').textContent()) ?? '';
  const total = Number(/(\d+) organisations/.exec(heading)?.[1]);
  assert.ok(total > 0, heading);

  await page
    .getByRole('group', { name: 'Area' })
    .getByLabel(/^Medway/)
    .check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expectAccessible(page, 'filtered results');
  assert.match(page.url(), /q=club/);
  assert.match(page.url(), /district=E06000035/);
  const narrowed = Number(
    /(\d+) organisations/.exec((await page.locator('#results-heading').textContent()) ?? '')?.[1],
  );
  assert.ok(narrowed > 0 && narrowed <= total);

  const first = page.locator('.app-result h3 a').first();
  const name = (await first.textContent())?.trim() ?? '';
  await first.click();
  await expectAccessible(page, 'profile');
  assert.equal((await page.getByRole('heading', { level: 1 }).textContent())?.trim(), name);

  // Its admin signs in and edits it.
  const organisationId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
  const admin = await buildUser(server.database, { displayName: 'Profile Admin' });
  await upsertMember(server.database.db, organisationId, admin.id, 'admin');
  await page.goto(`${server.baseUrl}/sign-in?next=/organisations/${organisationId}`);
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Edit the profile' }).click();
  await expectAccessible(page, 'edit profile');

  await page.getByLabel('Latest annual income (optional)').fill('not money');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expectAccessible(page, 'edit profile with errors');
  assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);

  await page.getByLabel('Latest annual income (optional)').fill('600,000');
  await page.getByLabel('What the organisation does').fill('A larder for everyone in Medway, run by volunteers.');
  await page.getByRole('button', { name: 'Save profile' }).click();
  await expectAccessible(page, 'profile after edit');
  assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Your profile has been updated/);
  assert.match((await page.locator('main').textContent()) ?? '', /Tier 5/);
  await context.close();
});
