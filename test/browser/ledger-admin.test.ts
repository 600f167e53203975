import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { socialValueService } from '../../src/modules/ledger/social-value.service.ts';
import { browserSkipReason, expectAccessible, launchBrowser, signedInPage, startServer } from '../support/browser.ts';
import { buildOrganisation, buildUser } from '../support/factories.ts';
import { buildContractSetup } from '../support/ledger-factories.ts';
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

/** Runs SQL with the ledger's append-only trigger off, as someone with direct database access could. */
const behindTheBack = (script: string) =>
  server.database.transaction(async (tx) => {
    await tx.exec('ALTER TABLE social_value_ledger DISABLE TRIGGER social_value_ledger_no_change');
    await tx.exec(script);
    await tx.exec('ALTER TABLE social_value_ledger ENABLE TRIGGER social_value_ledger_no_change');
  });

test('a hub admin checks the ledger from its page, and sees when it holds and when it is broken', {
  skip,
}, async () => {
  const { framework, contract, buyerActor } = await buildContractSetup(server.database);
  await socialValueService({ database: server.database }).addCommitment(
    contract.id,
    { measureId: framework.measures.jobsCreated, targetQuantity: '12', reportingPeriod: 'quarter' },
    buyerActor,
  );
  const admin = await buildUser(server.database, { roles: ['hub_admin'] });
  const page = await signedInPage(browser, server.baseUrl, admin, '/admin/ledger');
  await page.getByRole('heading', { name: 'Social value ledger' }).waitFor();
  await expectAccessible(page, 'ledger page');

  await page.getByRole('button', { name: 'Check the ledger' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'ledger that holds');
  assert.match(await page.title(), /^The ledger holds/);
  assert.match(
    (await page.locator('.govuk-panel').textContent()) ?? '',
    /The ledger holds\s+\d+ entries and 0 evidence files checked/,
  );
  assert.equal(await page.locator('h1').count(), 1, 'the result is under the page heading, not a second one');

  await behindTheBack(`UPDATE social_value_ledger SET body = replace(body, '"12"', '"120"')`);
  await page.getByRole('button', { name: 'Check the ledger' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'broken ledger');
  assert.match(await page.title(), /^The ledger is broken/);
  assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /was changed/);
  await behindTheBack(`UPDATE social_value_ledger SET body = replace(body, '"120"', '"12"')`);
  await page.context().close();
});

test('a procurement officer submits the new-contract form empty, sees the errors, then enters the contract', {
  skip,
}, async () => {
  const buyer = await buildBuyer(server.database);
  await buildOrganisation(server.database, { name: 'Sheppey Befrienders' });
  const page = await signedInPage(browser, server.baseUrl, buyer.officer, '/contracts/new');
  await page.getByRole('heading', { name: 'Enter a contract' }).waitFor();
  await expectAccessible(page, 'new contract');

  await page.getByRole('button', { name: 'Enter the contract' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'new contract with errors');
  assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
  assert.match(await page.title(), /^Error: /);
  const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
  assert.match(summary, /supplier/i);
  for (const href of await page
    .locator('.govuk-error-summary a')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))) {
    assert.equal(await page.locator(href).count(), 1, `the error summary link ${href} leads to its field`);
  }
  // With no supplier found yet there are no radios, so the link must still move keyboard focus somewhere useful.
  await page
    .locator('.govuk-error-summary')
    .getByRole('link', { name: 'Choose the supplier from the directory' })
    .click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'supplierOrganisationId');

  await page.getByLabel('Find the supplier in the directory by name').fill('Sheppey');
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'new contract with a supplier found');
  await page.getByLabel('Sheppey Befrienders').check();
  await page.getByLabel('Buying organisation').selectOption({ index: 1 });
  await page.getByLabel('Title').fill('Befriending on the Isle of Sheppey');
  await page.getByLabel('Value (optional)').fill('45000');
  await page.getByLabel('Start date (optional)').fill('2027-04-01');
  await page.getByLabel('End date (optional)').fill('2029-03-31');
  await page.getByRole('button', { name: 'Enter the contract' }).click();
  await page.getByRole('heading', { name: 'Befriending on the Isle of Sheppey' }).waitFor();
  await expectAccessible(page, 'entered contract');
  assert.match(
    (await page.locator('.govuk-notification-banner').textContent()) ?? '',
    /“Befriending on the Isle of Sheppey” has been entered/,
  );
  await page.context().close();
});
