import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../test/support/opportunity-factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';

// A consortium from forming to listing, through its pages: who may see and do what at each step, the error
// summary for bad input, the unfair-terms flags, and the history kept of terms and decisions.

const SWALE = 'E07000113';
const MEDWAY = 'E06000035';

let context: TestContext;
let opportunityId = '';
let lotId = '';
const people = { lead: '', partner: '', outsider: '' };
const organisations = { lead: '', partner: '', outsider: '' };
let consortiumId = '';

before(async () => {
  context = await createTestApp();
  const { database } = context;
  const buyer = await buildBuyer(database);
  const opportunities = opportunitiesService({ database });
  const created = await opportunities.create(buyer.body.id, opportunityInput(), buyer.actor);
  opportunityId = created.id;
  const lot = await opportunities.addLot(
    opportunityId,
    { title: 'Befriending', description: '', valuePence: 120_000_00, districts: [SWALE, MEDWAY] },
    buyer.actor,
  );
  lotId = lot.id;
  await opportunities.transition(opportunityId, 'publish', buyer.actor);
  for (const role of ['lead', 'partner', 'outsider'] as const) {
    const user = await buildUser(database);
    people[role] = user.id;
    const organisation = await buildOrganisation(database, { name: `${role} charity`, members: [{ id: user.id }] });
    organisations[role] = organisation.id;
  }
  // A small partner (tier 2): payment-by-results risk passed to it is flagged.
  await database.query('UPDATE organisations SET income_pence = 500000 WHERE id = $1', [organisations.partner]);
});
after(() => context.close());

const agentFor = async (userId?: string) => {
  const agent = new Agent(context.app);
  if (userId) agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
  return agent;
};
const page = () => `/consortia/${consortiumId}`;

test('a lead forms a consortium; bad input gets the error summary; others cannot see it', async () => {
  const lead = await agentFor(people.lead);
  const form = `/opportunities/${opportunityId}/consortia/new`;
  assert.equal((await lead.get(form)).statusCode, 200);
  const empty = await lead.post(form, { name: '' }, { from: form });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /There is a problem/);
  assert.match(empty.body, /Enter a name for the consortium/);
  const notMine = await lead.post(
    form,
    { name: 'Swale Together', leadOrganisationId: organisations.outsider },
    { from: form },
  );
  assert.equal(notMine.statusCode, 400);
  assert.match(notMine.body, /Choose an organisation you belong to as the lead/);

  const formed = await lead.post(
    form,
    { name: 'Swale Together', leadOrganisationId: organisations.lead },
    { from: form },
  );
  assert.equal(formed.statusCode, 303);
  consortiumId = String(formed.headers.location).split('/').at(-1) ?? '';
  assert.equal((await lead.get(page())).statusCode, 200);
  for (const who of [undefined, people.outsider, people.partner]) {
    assert.equal((await (await agentFor(who)).get(page())).statusCode, 404, `hidden from ${who ?? 'a visitor'}`);
  }
  const [audit] = await context.database.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id LIMIT 1`,
    [consortiumId],
  );
  assert.equal(audit?.action, 'consortium.create');
});

test('only the lead invites; the invited organisation answers for itself, once', async () => {
  const lead = await agentFor(people.lead);
  const outsider = await agentFor(people.outsider);
  const invite = { organisationId: organisations.partner, role: 'partner' };
  assert.equal((await outsider.post(`${page()}/members`, invite, { from: '/' })).statusCode, 404);
  const found = await lead.get(`${page()}?find=partner`);
  assert.match(found.body, /partner charity/);
  assert.equal((await lead.post(`${page()}/members`, invite, { from: page() })).statusCode, 303);
  const again = await lead.post(`${page()}/members`, invite, { from: page() });
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /already a member or has been invited/);

  const partner = await agentFor(people.partner);
  const invited = await partner.get(page());
  assert.equal(invited.statusCode, 200);
  assert.match(invited.body, /partner charity is invited to join/);
  assert.doesNotMatch(invited.body, /id="decisions"/, 'the private space waits for acceptance');
  assert.equal((await partner.post(`${page()}/decisions`, { decision: 'Hello' }, { from: page() })).statusCode, 403);
  const answer = `${page()}/members/${organisations.partner}/answer`;
  assert.equal((await outsider.post(answer, { answer: 'accept' }, { from: '/' })).statusCode, 404);
  const blank = await partner.post(answer, {}, { from: page() });
  assert.equal(blank.statusCode, 400);
  assert.match(blank.body, /Choose whether to accept or decline the invitation/);
  assert.equal((await partner.post(answer, { answer: 'accept' }, { from: page() })).statusCode, 303);
  const twice = await partner.post(answer, { answer: 'decline' }, { from: page() });
  assert.equal(twice.statusCode, 403, 'no invitation is left to answer');

  const member = await partner.get(page());
  assert.match(member.body, /id="decisions"/);
  assert.equal(
    (await partner.post(`${page()}/decisions`, { decision: 'Weekly calls on Mondays.' }, { from: page() })).statusCode,
    303,
  );
  assert.match((await lead.get(page())).body, /Weekly calls on Mondays\./);
});

test('documents are for members only: added, listed and downloaded by them, hidden from everyone else', async () => {
  const partner = await agentFor(people.partner);
  const pdf = Buffer.from('%PDF-1.4\n% draft bid\n%%EOF\n', 'latin1');
  const none = await partner.postMultipart(`${page()}/documents`, page(), {});
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /Select a file/);
  const wrong = await partner.postMultipart(`${page()}/documents`, page(), {}, [
    { field: 'document', name: 'bid.exe', content: Buffer.from('MZ') },
  ]);
  assert.equal(wrong.statusCode, 400);
  const added = await partner.postMultipart(`${page()}/documents`, page(), {}, [
    { field: 'document', name: 'draft-bid.pdf', content: pdf },
  ]);
  assert.equal(added.statusCode, 303);
  const listed = (await (await agentFor(people.lead)).get(page())).body;
  const href = /href="(\/consortia\/[^"]+\/documents\/[^"]+)">draft-bid\.pdf/.exec(listed)?.[1];
  assert.ok(href, 'the document is listed for members');
  const download = await (await agentFor(people.lead)).get(href);
  assert.equal(download.statusCode, 200);
  assert.deepEqual(download.rawPayload, pdf);
  assert.match(String(download.headers['content-disposition']), /attachment/);
  assert.equal((await (await agentFor(people.outsider)).get(href)).statusCode, 404);
  const outsider = await agentFor(people.outsider);
  const sneaky = await outsider.postMultipart(`${page()}/documents`, '/', {}, [
    { field: 'document', name: 'x.pdf', content: pdf },
  ]);
  assert.equal(sneaky.statusCode, 404);
});

test('the lead allocates cells to accepted members only', async () => {
  const lead = await agentFor(people.lead);
  const partner = await agentFor(people.partner);
  const cells = { [`cell:${lotId}:${SWALE}`]: organisations.partner, [`cell:${lotId}:${MEDWAY}`]: organisations.lead };
  assert.equal((await partner.post(`${page()}/allocations`, cells, { from: page() })).statusCode, 403);
  const stranger = await lead.post(
    `${page()}/allocations`,
    { [`cell:${lotId}:${SWALE}`]: organisations.outsider },
    { from: page() },
  );
  assert.equal(stranger.statusCode, 400);
  assert.match(stranger.body, /Allocate work only to members who have accepted/);
  assert.equal((await lead.post(`${page()}/allocations`, cells, { from: page() })).statusCode, 303);
  const rows = await context.database.query<{ district: string; organisation_id: string }>(
    'SELECT district, organisation_id FROM consortium_allocations WHERE consortium_id = $1 ORDER BY district',
    [consortiumId],
  );
  assert.deepEqual(rows, [
    { district: MEDWAY, organisation_id: organisations.lead },
    { district: SWALE, organisation_id: organisations.partner },
  ]);
  assert.match((await lead.get(page())).body, /Every lot and district is allocated/);
});

test('terms are flagged against the hub defaults, shown to members, and kept as versions', async () => {
  const lead = await agentFor(people.lead);
  const terms = `${page()}/terms`;
  assert.equal((await (await agentFor(people.partner)).get(terms)).statusCode, 403);
  const empty = await lead.post(terms, {}, { from: terms });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Enter the longest time, in days, the lead may take to pay members/);
  const unfair: Record<string, string> = {
    maxPaymentDays: '45',
    managementFeePercent: '20',
    referralAllocation: 'lead_discretion',
    [`pbr-${organisations.partner}`]: '25',
    riskSharing: 'Members carry their own results.',
    exitNoticeDays: '30',
    exitTerms: 'Either side may leave with notice.',
  };
  assert.equal((await lead.post(terms, unfair, { from: terms })).statusCode, 303);
  const seen = (await (await agentFor(people.partner)).get(page())).body;
  for (const code of ['45 days', 'Why this matters', 'The lead decides']) assert.ok(seen.includes(code), code);
  const [stored] = await context.database.query<{ flags: { code: string }[] }>(
    'SELECT flags FROM consortium_terms WHERE consortium_id = $1 AND version = 1',
    [consortiumId],
  );
  assert.deepEqual(stored?.flags.map((flag) => flag.code).sort(), [
    'exit_notice_too_short',
    'management_fee_too_high',
    'payment_days_too_long',
    'pbr_risk_to_small_member',
    'unfair_referral_allocation',
  ]);

  const fair = {
    ...unfair,
    maxPaymentDays: '30',
    managementFeePercent: '10',
    referralAllocation: 'rotation',
    [`pbr-${organisations.partner}`]: '0',
    exitNoticeDays: '90',
  };
  assert.equal((await lead.post(terms, fair, { from: terms })).statusCode, 303);
  const now = (await lead.get(page())).body;
  assert.doesNotMatch(now, /Why this matters/);
  assert.match(now, /1 earlier version is kept/);
  await assert.rejects(
    context.database.query('UPDATE consortium_terms SET flags = $2 WHERE consortium_id = $1', [consortiumId, '[]']),
    /kept as history/,
  );
});

test('each member agrees to the terms in force; the consortium bids only when every member has', async () => {
  const lead = await agentFor(people.lead);
  const partner = await agentFor(people.partner);
  const agree = `${page()}/terms/agree`;
  const before = (await partner.get(page())).body;
  assert.match(before, /partner charity has not agreed to version 2 yet/);
  assert.match(before, /Agree to version 2 of these terms/);
  const early = await lead.post(`${page()}/bid`, {}, { from: page() });
  assert.equal(early.statusCode, 400);
  assert.match(early.body, /every member’s agreement to the terms in force \(still to agree: partner charity\)/);

  const stale = await partner.post(agree, { version: '1' }, { from: page() });
  assert.equal(stale.statusCode, 400);
  assert.match(stale.body, /govuk-error-summary/);
  assert.match(stale.body, /href="#terms"/);
  assert.match(stale.body, /The terms have changed since you read them: read version 2, then agree to it/);
  const nonsense = await partner.post(agree, { version: 'latest' }, { from: page() });
  assert.equal(nonsense.statusCode, 400);
  assert.match(nonsense.body, /Agree to the terms shown on this page/);
  assert.equal((await (await agentFor(people.outsider)).post(agree, { version: '2' }, { from: '/' })).statusCode, 404);
  const byLead = await lead.post(agree, { version: '2' }, { from: page() });
  assert.equal(byLead.statusCode, 400);
  assert.match(byLead.body, /The lead recorded these terms: it has agreed to them/);

  assert.equal((await partner.post(agree, { version: '2' }, { from: page() })).statusCode, 303);
  const after = (await partner.get(page())).body;
  assert.match(after, /partner charity agreed to version 2 on/);
  assert.doesNotMatch(after, /Agree to version 2 of these terms/);
  const [agreement] = await context.database.query<{ version: number; organisation_id: string }>(
    'SELECT version, organisation_id FROM consortium_terms_agreements WHERE consortium_id = $1',
    [consortiumId],
  );
  assert.deepEqual(agreement, { version: 2, organisation_id: organisations.partner });
  const [audited] = await context.database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM audit_log WHERE action = 'consortium.terms.agree' AND subject_id = $1`,
    [consortiumId],
  );
  assert.equal(audited?.count, 1);
  const stillEarly = await lead.post(`${page()}/bid`, {}, { from: page() });
  assert.match(stillEarly.body, /Before bidding, the consortium needs a lead charter\./, 'only the charter is missing');
});

test('only the lead sets terms, the charter, the bid and the listing: a member is refused, an outsider sees nothing', async () => {
  const partner = await agentFor(people.partner);
  const outsider = await agentFor(people.outsider);
  const counts = () =>
    context.database.query<{ terms: string; charters: string; listed: boolean; status: string }>(
      `SELECT (SELECT count(*) FROM consortium_terms WHERE consortium_id = c.id) AS terms,
              (SELECT count(*) FROM consortium_charters WHERE consortium_id = c.id) AS charters,
              c.listed, c.status
         FROM consortia c WHERE c.id = $1`,
      [consortiumId],
    );
  const before = await counts();
  const charter = { leadDelivers: 'no', leadDelivery: '', conflictsOfInterest: '', willNotCompete: 'yes' };
  const attempts: [string, string, Record<string, string>?][] = [
    ['GET', '/charter'],
    ['POST', '/charter', charter],
    ['GET', '/terms'],
    [
      'POST',
      '/terms',
      {
        maxPaymentDays: '30',
        managementFeePercent: '10',
        referralAllocation: 'rotation',
        riskSharing: 'Shared.',
        exitNoticeDays: '90',
        exitTerms: 'Notice.',
      },
    ],
    ['POST', '/bid', {}],
    ['POST', '/listing', { listed: 'yes' }],
  ];
  for (const [method, path, body] of attempts) {
    const url = `${page()}${path}`;
    const asMember = method === 'GET' ? await partner.get(url) : await partner.post(url, body ?? {}, { from: page() });
    assert.equal(asMember.statusCode, 403, `a member: ${method} ${path}`);
    const asOutsider = method === 'GET' ? await outsider.get(url) : await outsider.post(url, body ?? {}, { from: '/' });
    assert.equal(asOutsider.statusCode, 404, `an outsider: ${method} ${path}`);
  }
  assert.deepEqual(await counts(), before, 'nothing was written');
});

test('once listed, anyone sees the members, terms and charter, but not the private space', async () => {
  const lead = await agentFor(people.lead);
  const charter = `${page()}/charter`;
  const missing = await lead.post(charter, {}, { from: charter });
  assert.equal(missing.statusCode, 400);
  assert.match(missing.body, /Say whether the lead also delivers services itself/);
  const recorded = await lead.post(
    charter,
    { leadDelivers: 'yes', leadDelivery: 'Medway only', conflictsOfInterest: '', willNotCompete: 'yes' },
    { from: charter },
  );
  assert.equal(recorded.statusCode, 303);
  assert.equal(
    (await (await agentFor(people.outsider)).post(`${page()}/listing`, { listed: 'yes' }, { from: '/' })).statusCode,
    404,
  );
  assert.equal((await lead.post(`${page()}/listing`, { listed: 'yes' }, { from: page() })).statusCode, 303);
  const visitor = await (await agentFor()).get(page());
  assert.equal(visitor.statusCode, 200);
  assert.match(visitor.body, /Medway only/);
  assert.match(visitor.body, /partner charity/);
  assert.doesNotMatch(visitor.body, /Weekly calls on Mondays/);
  assert.doesNotMatch(visitor.body, /id="allocations"/);
  assert.doesNotMatch(visitor.body, /_csrf/, 'no forms for a visitor');
  const opportunity = (await (await agentFor(people.outsider)).get(`/opportunities/${opportunityId}`)).body;
  assert.match(opportunity, /Swale Together<\/a>, led by lead charity, 2 members/);
  assert.match(opportunity, /Form a consortium/);
});

test('an address that is not a consortium is not found, even when it looks like an id', async () => {
  const lead = await agentFor(people.lead);
  for (const id of ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '------------------------------------', 'nope']) {
    for (const path of ['', '/terms', '/charter', '/cashflow']) {
      assert.equal((await lead.get(`/consortia/${id}${path}`)).statusCode, 404, `/consortia/${id}${path}`);
    }
  }
});
