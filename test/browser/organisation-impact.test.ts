import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { seedDemoData } from '../../src/db/seed/seed.ts';
import { upsertMember } from '../../src/modules/organisations/organisations.repository.ts';
import { browserSkipReason, expectAccessible, launchBrowser, signedInPage, startServer } from '../support/browser.ts';
import { buildOrganisation, buildUser } from '../support/factories.ts';

// Organisations' impact, on the default framework of migration 0012 and the demo organisations' declarations:
// an admin declares outcomes and reports a result, the profile shows who else delivers them nearby, a comparison,
// the commissioners' coverage table and map, and the opportunity form's outcomes. Every page is checked with axe.

const skip = browserSkipReason();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

before(async () => {
  if (skip) return;
  browser = await launchBrowser();
  server = await startServer();
  await seedDemoData(server.database, 600);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('an admin declares outcomes and reports a result; the profile shows neighbours; a comparison', {
  skip,
}, async () => {
  const [organisation] = await server.database.query<{ id: string; name: string }>(
    `SELECT o.id, o.name FROM organisations o
      WHERE o.sector = 'vcse' AND 'E06000035' = ANY (o.districts)
        AND EXISTS (SELECT 1 FROM organisation_outcomes oo WHERE oo.organisation_id = o.id AND oo.outcome_code = 'SVM-O4.2')
      ORDER BY o.name LIMIT 1`,
  );
  assert.ok(organisation, 'a demo organisation in Medway delivering connected communities');
  const admin = await buildUser(server.database, { displayName: 'Impact Admin' });
  await upsertMember(server.database.db, organisation.id, admin.id, 'admin');
  const page = await signedInPage(browser, server.baseUrl, admin, `/organisations/${organisation.id}/impact`);
  await expectAccessible(page, 'impact page');

  await page.getByRole('link', { name: 'Change the outcomes you deliver' }).click();
  await expectAccessible(page, 'outcomes form');
  const jobs = page.getByRole('group', { name: 'More local people in good jobs' });
  await jobs.getByLabel('Core impact').check();
  for (const box of await page
    .getByRole('group', { name: 'Where you deliver “More local people in good jobs”' })
    .getByRole('checkbox')
    .all())
    await box.uncheck();
  await page.getByRole('button', { name: 'Save outcomes' }).click();
  await expectAccessible(page, 'outcomes form with an error');
  await page.getByRole('link', { name: 'Choose the areas where you deliver “More local people in good jobs”' }).click();
  await page
    .getByRole('group', { name: 'Where you deliver “More local people in good jobs”' })
    .getByLabel('Medway')
    .check();
  await page.getByRole('button', { name: 'Save outcomes' }).click();
  await expectAccessible(page, 'impact page after saving');
  assert.match((await page.locator('#core-outcomes').textContent()) ?? '', /More local people in good jobs/);

  await page.getByRole('link', { name: 'Report a result' }).click();
  await expectAccessible(page, 'results form');
  await page.getByRole('button', { name: 'Save result' }).click();
  await expectAccessible(page, 'results form with errors');
  await page.getByLabel('Measure').selectOption({ index: 1 });
  await page.getByLabel('Quantity').fill('12');
  await page.getByLabel('Evidence').fill('Sign-in sheets from each session');
  await page.getByRole('button', { name: 'Save result' }).click();
  await expectAccessible(page, 'results with one reported');
  assert.match((await page.locator('#results').textContent()) ?? '', /Sign-in sheets from each session/);

  await page.goto(`${server.baseUrl}/organisations/${organisation.id}`);
  await expectAccessible(page, 'profile with impact');
  assert.ok(await page.locator('#others-delivering').isVisible());
  await page
    .getByRole('link', { name: /^compare/ })
    .first()
    .click();
  await expectAccessible(page, 'comparison');
  assert.match(page.url(), /\/impact\/compare\?organisations=/);
  await page.getByLabel('Find an organisation to add').fill('a');
  await page.getByRole('button', { name: 'Search' }).click();
  await expectAccessible(page, 'comparison with a search');
});

test('a commissioner reads the coverage table, maps one outcome and sees the outcomes on the opportunity form', {
  skip,
}, async () => {
  const officer = await buildUser(server.database, { roles: ['commissioner'] });
  const body = await buildOrganisation(server.database, { members: [{ id: officer.id }] });
  await server.database.query(`UPDATE organisations SET sector = 'public' WHERE id = $1`, [body.id]);
  const page = await signedInPage(browser, server.baseUrl, officer, '/impact/coverage');
  await expectAccessible(page, 'coverage');
  assert.ok((await page.locator('#coverage tbody tr').count()) >= 10);
  await page.locator('select#outcome').selectOption({ label: 'Connected communities' });
  await page.getByLabel('Core impact only').check();
  await page.getByRole('button', { name: 'Show on the map' }).click();
  await expectAccessible(page, 'coverage with a map');
  assert.match((await page.locator('svg title#map-title').textContent()) ?? '', /Connected communities/);

  await page.goto(`${server.baseUrl}/opportunities/new`);
  await expectAccessible(page, 'opportunity form with outcomes');
  assert.ok(await page.getByRole('group', { name: 'Impact framework outcomes (optional)' }).isVisible());
});
