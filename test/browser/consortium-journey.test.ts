import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { opportunitiesService } from '../../src/modules/opportunities/opportunities.service.ts';
import { browserSkipReason, expectAccessible, launchBrowser, signedInPage, startServer } from '../support/browser.ts';
import { buildUser } from '../support/factories.ts';
import { buildProfile } from '../support/matching-factories.ts';
import { buildBuyer, opportunityInput } from '../support/opportunity-factories.ts';

// From one opportunity to an award to a consortium, as the people involved click through it: a lead looks for
// partners and a small organisation answers; the lead forms a consortium, the small partner accepts, the lead
// allocates the work, is told its first terms are unfair, records fair ones, which the partner agrees to, and a
// charter, and bids; the buyer closes the opportunity and awards it to the consortium.

const SWALE = 'E07000113';
const MEDWAY = 'E06000035';

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

const mainText = async (page: Page) => (await page.locator('main').textContent()) ?? '';

test('look for partners, form a consortium, agree fair terms, bid and be awarded', { skip }, async () => {
  const { database } = server;
  const buyer = await buildBuyer(database);
  const opportunities = opportunitiesService({ database });
  const { id: opportunityId } = await opportunities.create(
    buyer.body.id,
    opportunityInput({ title: 'Befriending in Swale and Medway', districts: [SWALE, MEDWAY], services: ['104'] }),
    buyer.actor,
  );
  await opportunities.addLot(
    opportunityId,
    { title: 'Befriending', description: '', valuePence: 120_000_00, districts: [SWALE, MEDWAY] },
    buyer.actor,
  );
  await opportunities.transition(opportunityId, 'publish', buyer.actor);
  const leadUser = await buildUser(database);
  const partnerUser = await buildUser(database);
  // Each offers befriending where it is based, so the suggestion has them cover a district each.
  await buildProfile(
    database,
    { name: 'Medway Community Trust', services: ['104'], districts: [MEDWAY], incomePence: 300_000_00 },
    [{ id: leadUser.id }],
  );
  const partner = await buildProfile(
    database,
    { name: 'Swale Good Neighbours', services: ['104'], districts: [SWALE], incomePence: 5_000_00 },
    [{ id: partnerUser.id }],
  );
  // A tier 2 partner: results risk passed to it is flagged.
  await database.query('UPDATE organisations SET income_pence = 500000 WHERE id = $1', [partner.id]);

  const lead = await signedInPage(browser, server.baseUrl, leadUser, `/opportunities/${opportunityId}`);
  await expectAccessible(lead, 'opportunity, as a possible lead');
  await lead.getByRole('link', { name: 'Post that you are looking for partners' }).click();
  await expectAccessible(lead, 'look for partners');
  await lead.getByLabel('Swale', { exact: true }).check();
  await lead.getByRole('button', { name: 'Post the request' }).click();
  await expectAccessible(lead, 'look for partners with errors');
  await lead
    .getByLabel('What kind of partner are you looking for?')
    .fill('We befriend older people in Medway and want a partner who knows Swale.');
  await lead.getByRole('button', { name: 'Post the request' }).click();
  await expectAccessible(lead, 'partner request');
  const requestUrl = new URL(lead.url()).pathname;

  const invited = await signedInPage(browser, server.baseUrl, partnerUser, `/opportunities/${opportunityId}`);
  await expectAccessible(invited, 'opportunity with a partner request');
  await invited.getByRole('link', { name: /^Answer/ }).click();
  await invited.getByLabel('Your answer').fill('We run befriending across Swale; call us on 01795 000000.');
  await invited.getByRole('button', { name: 'Send your answer' }).click();
  await expectAccessible(invited, 'partner request with an answer sent');

  await lead.goto(`${server.baseUrl}${requestUrl}`);
  await expectAccessible(lead, 'partner request with its answers');
  assert.match(await mainText(lead), /We run befriending across Swale/);
  await lead.getByRole('link', { name: /^Find organisations that complement/ }).click();
  await expectAccessible(lead, 'organisations that complement the lead');
  await lead.goto(`${server.baseUrl}/opportunities/${opportunityId}`);
  await lead.getByRole('link', { name: 'See a suggested consortium' }).click();
  await expectAccessible(lead, 'suggested consortium');
  await lead.getByLabel('Best possible consortium').check();
  await lead.getByLabel('Most members').fill('none');
  await lead.getByRole('button', { name: 'Suggest a consortium' }).click();
  await expectAccessible(lead, 'suggested consortium settings with errors');
  await lead.getByLabel('Most members').fill('4');
  await lead.getByRole('button', { name: 'Suggest a consortium' }).click();
  await expectAccessible(lead, 'best possible consortium');
  await lead.getByRole('button', { name: 'Form a consortium with these members' }).click();
  await expectAccessible(lead, 'form a consortium from the suggestion');
  // The suggested members are offered ticked; here they are invited one by one below instead, from the directory.
  const suggested = lead.getByRole('group', { name: 'Invite the suggested organisations' }).getByRole('checkbox');
  assert.ok((await suggested.count()) > 0, 'the suggested members are offered');
  for (const box of await suggested.all()) await box.uncheck();
  await lead.getByRole('button', { name: 'Form the consortium' }).click();
  await expectAccessible(lead, 'form a consortium with errors');
  assert.match((await lead.locator('.govuk-error-summary').textContent()) ?? '', /Enter a name/);
  await lead.getByLabel('Name of the consortium').fill('Swale and Medway Together');
  await lead.getByRole('button', { name: 'Form the consortium' }).click();
  await expectAccessible(lead, 'new consortium');
  const consortiumUrl = lead.url();
  await lead.getByRole('link', { name: 'Find partners who complement this consortium' }).click();
  await expectAccessible(lead, 'partners that complement the consortium');
  assert.match(await mainText(lead), /Partners that complement Swale and Medway Together/);
  await lead.goto(consortiumUrl);

  await lead.getByLabel('Find an organisation in the directory by name').fill('Good Neighbours');
  await lead.getByRole('button', { name: 'Find' }).click();
  await lead.getByLabel('Swale Good Neighbours').check();
  await lead.getByLabel('Partner', { exact: true }).check();
  await lead.getByRole('button', { name: 'Send the invitation' }).click();
  await expectAccessible(lead, 'consortium with an invitation sent');

  await invited.goto(consortiumUrl);
  await expectAccessible(invited, 'consortium, as the invited organisation');
  assert.match(await mainText(invited), /Swale Good Neighbours is invited to join/);
  await invited.getByLabel('Accept').check();
  await invited.getByRole('button', { name: 'Send your answer' }).click();
  await expectAccessible(invited, 'consortium, as a member');

  await lead.reload();
  await lead.getByLabel('Swale', { exact: true }).selectOption({ label: 'Swale Good Neighbours' });
  await lead.getByLabel('Medway', { exact: true }).selectOption({ label: 'Medway Community Trust' });
  await lead.getByRole('button', { name: 'Save the allocation' }).click();
  await expectAccessible(lead, 'consortium with its work allocated');
  assert.match(await mainText(lead), /Every lot and district is allocated/);

  await lead.getByRole('link', { name: 'Record the terms' }).click();
  await expectAccessible(lead, 'fair terms form');
  await lead.getByLabel('Longest time the lead may take to pay members').fill('60');
  await lead.getByLabel('Lead’s management fee').fill('8');
  await lead.getByLabel('In turn', { exact: true }).check();
  await lead.getByLabel('Swale Good Neighbours (tier 2)').fill('20');
  await lead.getByLabel('How risk and payment by results are shared').fill('The lead carries results risk.');
  await lead.getByLabel('Notice to leave the consortium').fill('90');
  await lead.getByLabel('Exit terms', { exact: true }).fill('Three months’ notice; clients handed over with notes.');
  await lead.getByRole('button', { name: 'Record the terms' }).click();
  await expectAccessible(lead, 'consortium with flagged terms');
  const flagged = await lead.locator('#terms ~ .govuk-warning-text').allTextContents();
  assert.equal(flagged.length, 2, flagged.join('\n'));

  await lead.getByRole('link', { name: 'Record new terms' }).click();
  await lead.getByLabel('Longest time the lead may take to pay members').fill('30');
  await lead.getByLabel('Swale Good Neighbours (tier 2)').fill('0');
  await lead.getByRole('button', { name: 'Record the terms' }).click();
  await expectAccessible(lead, 'consortium with fair terms');
  assert.equal(await lead.locator('#terms ~ .govuk-warning-text').count(), 0);
  assert.match(await mainText(lead), /1 earlier version is kept/);

  await invited.goto(consortiumUrl);
  assert.match(await mainText(invited), /Swale Good Neighbours has not agreed to version 2 yet/);
  await invited.getByRole('button', { name: 'Agree to version 2 of these terms' }).click();
  await expectAccessible(invited, 'consortium with the terms agreed');
  assert.match(await mainText(invited), /Swale Good Neighbours agreed to version 2 on/);
  await lead.reload();

  await lead.getByRole('link', { name: 'Record the charter' }).click();
  await expectAccessible(lead, 'lead charter form');
  await lead.getByLabel('Yes', { exact: true }).first().check();
  await lead.getByLabel('If it does, what the lead delivers, and where').fill('Befriending in Medway.');
  await lead.locator('#willNotCompete').check();
  await lead.getByRole('button', { name: 'Record the charter' }).click();
  await expectAccessible(lead, 'consortium with its charter');
  await lead.getByLabel('Anyone: list it on the opportunity').check();
  await lead.getByRole('button', { name: 'Save visibility' }).click();
  await lead.getByRole('button', { name: 'Bid as this consortium' }).click();
  await expectAccessible(lead, 'consortium that has bid');

  const officer = await signedInPage(browser, server.baseUrl, buyer.officer, `/opportunities/${opportunityId}`);
  assert.match(await mainText(officer), /Swale and Medway Together/);
  await officer.getByRole('button', { name: 'Mark as closed' }).click();
  await officer.getByRole('link', { name: 'Record the award' }).click();
  await expectAccessible(officer, 'award page with a bidding consortium');
  await officer.getByLabel('Swale and Medway Together').check();
  await officer.getByRole('button', { name: 'Record the award' }).click();
  await expectAccessible(officer, 'opportunity awarded to the consortium');
  assert.match(await mainText(officer), /Medway Community Trust/);

  await invited.reload();
  await expectAccessible(invited, 'consortium after the award, as a member');
  assert.match(await mainText(invited), /Awarded/i);
});
