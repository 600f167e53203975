import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, signIn, startServer } from '../support/browser.ts';
import { buildOrganisation, buildUser } from '../support/factories.ts';
import { buildProfile } from '../support/matching-factories.ts';
import { buildBuyer } from '../support/opportunity-factories.ts';

const SWALE = 'E07000113';

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

test('an opportunity in two lots reaches the organisation it fits, with reasons and its deadline in a calendar', {
  skip,
}, async () => {
  const { officer } = await buildBuyer(server.database);
  const member = await buildUser(server.database);
  const fitting = await buildProfile(
    server.database,
    { name: 'Swale Disability Advice', services: ['104'], districts: [SWALE], incomePence: 80_000_00 },
    [member],
  );
  const officerContext = await browser.newContext();
  officerContext.setDefaultTimeout(10_000);
  const officerPage = await officerContext.newPage();
  await signIn(officerPage, server.baseUrl, officer, '/opportunities/new');
  await expectAccessible(officerPage, 'new opportunity');
  await officerPage.getByLabel('Buying organisation').selectOption({ index: 1 });
  await officerPage.getByLabel('Opportunity', { exact: true }).check();
  await officerPage.getByLabel('Grant', { exact: true }).check();
  await officerPage.getByLabel('Title').fill('Disability advice in Swale');
  await officerPage.getByLabel('Description').fill('Advice on benefits and care for disabled people and carers.');
  await officerPage.getByLabel('Swale', { exact: true }).check();
  await officerPage.getByLabel('Disability', { exact: true }).check();
  await officerPage.getByLabel('Estimated total value (optional)').fill('60,000');
  await officerPage.getByLabel('Submission deadline').fill('2099-03-01T12:00');
  await officerPage.getByLabel('Suitable for voluntary, community and social enterprises').check();
  await officerPage.getByRole('button', { name: 'Save as draft' }).click();
  await expectAccessible(officerPage, 'draft opportunity');

  const twoLots: [string, string][] = [
    ['Sittingbourne', '35,000'],
    ['Faversham', '25,000'],
  ];
  for (const [title, value] of twoLots) {
    await officerPage.getByLabel('Lot title').fill(title);
    await officerPage.getByLabel('Lot value (optional)').fill(value);
    await officerPage.getByRole('button', { name: 'Add lot' }).click();
    await expectAccessible(officerPage, `draft with the lot ${title}`);
  }
  const lots = officerPage.locator('.govuk-table__body .govuk-table__row');
  assert.equal(await lots.count(), 2);
  await officerPage.getByRole('button', { name: 'Mark as published' }).click();
  await expectAccessible(officerPage, 'published opportunity in two lots');
  assert.match((await officerPage.locator('.govuk-notification-banner').textContent()) ?? '', /has been published/);
  const opportunityUrl = officerPage.url();

  await officerPage.getByRole('link', { name: 'Organisations that fit this opportunity' }).click();
  await expectAccessible(officerPage, 'organisations that fit');
  const fits = (await officerPage.locator('#matches').textContent()) ?? '';
  assert.match(fits, /Swale Disability Advice/);
  assert.match(fits, /Services in common: Disability/);
  assert.match(fits, /Areas in common: Swale/);

  const memberContext = await browser.newContext({ acceptDownloads: true });
  memberContext.setDefaultTimeout(10_000);
  const page = await memberContext.newPage();
  await signIn(page, server.baseUrl, member, `/organisations/${fitting.id}`);
  await expectAccessible(page, 'organisation profile');
  await page.getByRole('link', { name: 'Opportunities for you' }).click();
  await expectAccessible(page, 'opportunities for you');
  const match = page.locator('#matches li', { hasText: 'Disability advice in Swale' }).first();
  const reasons = (await match.textContent()) ?? '';
  assert.match(reasons, /Services in common: Disability/);
  assert.match(reasons, /Areas in common: Swale/);
  assert.match(reasons, /Value £60,000 is within reach of tier/);
  assert.match(reasons, /Suitable for VCSEs/);

  await page.getByRole('button', { name: 'Make a calendar address' }).click();
  await expectAccessible(page, 'opportunities for you with a new calendar address');
  const feedUrl = (await page.locator('#calendar-url').textContent()) ?? '';
  const feed = await page.request.get(feedUrl);
  assert.match(feed.headers()['content-type'] ?? '', /^text\/calendar/);
  assert.match(await feed.text(), /Submissions close: Disability advice in Swale/);

  await page.getByRole('link', { name: 'Disability advice in Swale' }).click();
  await expectAccessible(page, 'opportunity seen by the fitting organisation');
  assert.equal(page.url(), opportunityUrl);
  const main = (await page.locator('main').textContent()) ?? '';
  assert.match(main, /Sittingbourne/);
  assert.match(main, /Faversham/);

  // The deadline as a file to open in a calendar: what the browser saves, and how it is served.
  const calendarLink = page.getByRole('link', { name: 'Add the deadline to your calendar' });
  const [download] = await Promise.all([page.waitForEvent('download'), calendarLink.click()]);
  assert.equal(download.suggestedFilename(), 'deadline.ics');
  const entry = await readFile(await download.path(), 'utf8');
  assert.match(entry, /^BEGIN:VCALENDAR/);
  assert.match(entry, /SUMMARY:Submissions close: Disability advice in Swale/);
  // 12:00 on 1 March is Greenwich Mean Time in the UK, so the same hour in UTC.
  assert.match(entry, /DTSTART:20990301T120000Z/);
  const served = await page.request.get(new URL((await calendarLink.getAttribute('href')) ?? '', page.url()).href);
  assert.match(served.headers()['content-type'] ?? '', /^text\/calendar/);
  assert.equal(await served.text(), entry);

  await page.goto(`${server.baseUrl}/account/alerts`);
  await expectAccessible(page, 'alert preferences');
  await page.getByLabel('Weekly digest').check();
  await page.getByRole('button', { name: /Save/ }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'alert preferences saved');
  await officerContext.close();
  await memberContext.close();
});
