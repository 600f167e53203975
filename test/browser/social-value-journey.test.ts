import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserSkipReason, expectAccessible, launchBrowser, signedInPage, startServer } from '../support/browser.ts';
import { buildContractSetup, pdf } from '../support/ledger-factories.ts';

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

test('commitment → result with evidence → query → resubmission → verification → published for everyone', {
  skip,
}, async () => {
  const { contract, buyer, deliverer } = await buildContractSetup(server.database);
  const contractPath = `/contracts/${contract.id}`;

  const officer = await signedInPage(browser, server.baseUrl, buyer.officer, contractPath);
  await expectAccessible(officer, 'contract page for the buyer');
  await officer.getByRole('button', { name: 'Add the commitment' }).click();
  await expectAccessible(officer, 'contract page with errors');
  assert.equal(await officer.locator('.govuk-error-summary').isVisible(), true);
  await officer.getByLabel('Measure', { exact: true }).selectOption({ label: 'M1 Local people employed (people)' });
  await officer.getByLabel('Target').fill('12');
  await officer.getByLabel('Every quarter').check();
  await officer.getByRole('button', { name: 'Add the commitment' }).click();
  assert.match((await officer.locator('.govuk-notification-banner').textContent()) ?? '', /recorded in the ledger/);

  const member = await signedInPage(browser, server.baseUrl, deliverer, contractPath);
  await expectAccessible(member, 'contract page for the deliverer');
  await member.getByRole('link', { name: 'Submit a result', exact: true }).click();
  await expectAccessible(member, 'new result');
  await member.getByLabel('Commitment').selectOption({ index: 1 });
  await member.getByLabel('Start of the period').fill('2026-04-01');
  await member.getByLabel('End of the period').fill('2026-06-30');
  await member.getByLabel('Quantity').fill('5');
  await member.getByLabel('What was done (optional)').fill('Five local people hired as support workers.');
  await member
    .getByLabel('Evidence files (optional)')
    .setInputFiles({ name: 'payroll.pdf', mimeType: 'application/pdf', buffer: pdf() });
  await member.getByRole('button', { name: 'Submit the result' }).click();
  await expectAccessible(member, 'submitted result');
  const resultUrl = member.url();
  assert.match((await member.locator('main').textContent()) ?? '', /payroll\.pdf/);

  await officer.goto(resultUrl);
  await expectAccessible(officer, 'result for the buyer');
  await officer.getByLabel('Your question for the deliverer').fill('Please confirm the start dates.');
  await officer.getByRole('button', { name: 'Send the query' }).click();
  await expectAccessible(officer, 'queried result');

  await member.goto(resultUrl);
  await expectAccessible(member, 'queried result for the deliverer');
  await member.getByLabel('Your answer').fill('One started in July, so four in the quarter.');
  await member.getByLabel('Quantity').fill('4');
  await member.getByRole('button', { name: 'Send the answer and resubmit' }).click();
  await expectAccessible(member, 'resubmitted result');

  await officer.goto(resultUrl);
  await officer.getByRole('button', { name: 'Verify the result' }).click();
  await expectAccessible(officer, 'verified result');
  assert.match((await officer.locator('main').textContent()) ?? '', /Verified/);
  await officer.goto(`${server.baseUrl}${contractPath}`);
  await officer.getByRole('button', { name: 'Publish the contract' }).click();
  await expectAccessible(officer, 'published contract');

  const visitor = await (await browser.newContext()).newPage();
  const response = await visitor.goto(`${server.baseUrl}/social-value/contracts/${contract.id}`);
  assert.equal(response?.status(), 200);
  await expectAccessible(visitor, 'public contract page');
  assert.match((await visitor.locator('main').textContent()) ?? '', /Local people employed/);
});
