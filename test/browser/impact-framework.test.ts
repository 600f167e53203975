import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { FRAMEWORK_JSON_EXAMPLE } from '../../src/modules/impact/framework.example.ts';
import { browserSkipReason, expectAccessible, launchBrowser, startServer } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';

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

test('a visitor reads the framework; a hub admin imports a broken file, then a good one', { skip }, async () => {
  const visitorContext = await browser.newContext();
  visitorContext.setDefaultTimeout(10_000);
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${server.baseUrl}/impact`);
  await expectAccessible(visitor, 'impact framework');
  assert.equal((await visitor.getByRole('heading', { level: 1 }).textContent())?.trim(), 'Impact framework');
  await visitor.getByRole('link', { name: 'Action on climate change' }).click();
  assert.match(visitor.url(), /#theme-SVM-T2$/);
  const download = visitor.waitForEvent('download');
  await visitor.getByRole('link', { name: 'CSV file of version 1' }).click();
  assert.equal((await download).suggestedFilename(), 'impact-framework-v1.csv');

  const admin = await buildUser(server.database, { roles: ['hub_admin'] });
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/sign-in?next=/admin`);
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Impact framework' }).first().click();
  await page.getByRole('heading', { name: 'Import an impact framework' }).waitFor();
  await expectAccessible(page, 'framework import');

  const broken = JSON.parse(FRAMEWORK_JSON_EXAMPLE);
  broken.themes[0].outcomes[0].measures[1].proxySource = '';
  broken.themes[0].outcomes[0].measures[0].unit = '';
  await page.getByLabel('Upload a framework file').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(broken)),
  });
  await page.getByRole('button', { name: 'Import as a new version' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  await expectAccessible(page, 'framework import with errors');
  assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /2 problems to correct/);
  const problems = (await page.locator('#file-problems').textContent()) ?? '';
  assert.match(problems, /themes\[0\]\.outcomes\[0\]\.measures\[0\]\.unit/);
  assert.match(problems, /Measure M1\.1\.2: Give the source of the proxy value/);

  await page.getByLabel('Upload a framework file').setInputFiles({
    name: 'licensed.json',
    mimeType: 'application/json',
    buffer: Buffer.from(FRAMEWORK_JSON_EXAMPLE),
  });
  await page.getByRole('button', { name: 'Import as a new version' }).click();
  await page.locator('.govuk-notification-banner').waitFor();
  await expectAccessible(page, 'framework imported');
  assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /as version 2/);

  await visitor.goto(`${server.baseUrl}/impact`);
  await expectAccessible(visitor, 'impact framework, version 2');
  assert.match((await visitor.locator('main').textContent()) ?? '', /Our licensed framework/);
  await visitor.getByRole('link', { name: 'Version 1', exact: true }).click();
  await expectAccessible(visitor, 'impact framework, version 1');
  assert.match((await visitor.locator('main').textContent()) ?? '', /This is an earlier version of the framework/);
  await visitorContext.close();
  await context.close();
});
