import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { buildProfile, buildPublisher } from '../../../../test/support/matching-factories.ts';
import { latestMail, mailCount } from '../../../../test/support/outbox.ts';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { opportunitiesService } from '../../opportunities/opportunities.service.ts';

// Looking for partners through the pages: posting on an open opportunity, the error summary, answers kept
// private between the two organisations, withdrawing, and the ranking of partners that fill the requester's gaps.

const SWALE = 'E07000113';
const DOVER = 'E07000108';
const THANET = 'E07000114';
const MAIDSTONE = 'E07000110';
const HOUSING = '107';
const HEALTH = '103';
const CONNECTED = 'SVM-O4.2';

let context: TestContext;
let publisher: Awaited<ReturnType<typeof buildPublisher>>;
let opportunityId = '';
const lots = { coast: '', thanet: '' };
const people = { requester: '', helper: '', small: '', outsider: '', twoOrgs: '' };
const organisations = { requester: '', helper: '', small: '', nearby: '', outsider: '', second: '' };
let requestId = '';
let formedConsortium = '';

before(async () => {
  context = await createTestApp();
  const { database } = context;
  publisher = await buildPublisher(database);
  const opportunities = opportunitiesService({ database });
  const created = await publisher.publish(
    { services: [HOUSING, HEALTH], districts: [SWALE, DOVER, THANET], outcomeCodes: [CONNECTED] },
    { publish: false },
  );
  opportunityId = created.id;
  const addLot = async (title: string, valuePence: number, districts: string[]) =>
    (await opportunities.addLot(opportunityId, { title, description: '', valuePence, districts }, publisher.actor)).id;
  lots.coast = await addLot('Swale and Dover', 50_000_00, [SWALE, DOVER]);
  lots.thanet = await addLot('Thanet', 200_000_00, [THANET]);
  await opportunities.transition(opportunityId, 'publish', publisher.actor);

  for (const person of Object.keys(people) as (keyof typeof people)[]) people[person] = (await buildUser(database)).id;
  const profile = async (
    name: string,
    services: string[],
    districts: string[],
    incomePence: number | null,
    members: string[] = [],
  ) =>
    (
      await buildProfile(
        database,
        { name, services, districts, incomePence },
        members.map((id) => ({ id })),
      )
    ).id;
  organisations.requester = await profile('Swale Housing Trust', [HOUSING], [SWALE], 100_000_00, [people.requester]);
  // Fills every gap, verified, with its policies: first.
  organisations.helper = await profile('Dover Health Partners', [HEALTH], [DOVER, THANET], 300_000_00, [
    people.helper,
    people.twoOrgs,
  ]);
  await database.query(
    `UPDATE organisations SET verified_at = now(), assurances = '{safeguarding,public_liability,living_wage}'
      WHERE id = $1`,
    [organisations.helper],
  );
  await database.query(
    `INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind) VALUES ($1, $2, 'core')`,
    [organisations.helper, CONNECTED],
  );
  // Fills the service gap in one area, adds value to the outcome, but is small for a lot of £50,000: second.
  organisations.small = await profile('Thanet Health Group', [HEALTH], [THANET], 5_000_00, [people.small]);
  await database.query(
    `INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind) VALUES ($1, $2, 'value_adding')`,
    [organisations.small, CONNECTED],
  );
  // Only covers an area the requester does not: third.
  organisations.nearby = await profile('Dover Housing Co-op', [HOUSING], [DOVER], null);
  // Not candidates: the same as the requester; the right service in the wrong area; a public body.
  await profile('Swale Housing Twin', [HOUSING], [SWALE], 100_000_00);
  await profile('Maidstone Health', [HEALTH], [MAIDSTONE], 100_000_00);
  organisations.outsider = await profile('Outsider Charity', [HEALTH], [THANET], null, [people.outsider]);
  organisations.second = await profile('Second Charity', [HEALTH], [SWALE], null, [people.twoOrgs]);
});
after(() => context.close());

const agentFor = async (userId?: string) => {
  const agent = new Agent(context.app);
  if (userId) agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
  return agent;
};
const form = () => `/opportunities/${opportunityId}/partners/new`;
const page = () => `/partner-requests/${requestId}`;
const auditActions = async (id: string) =>
  (
    await context.database.query<{ action: string }>('SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY id', [
      id,
    ])
  ).map((row) => row.action);

test('a member posts a request; bad input gets the error summary with the values kept', async () => {
  const requester = await agentFor(people.requester);
  const blank = await requester.get(form());
  assert.equal(blank.statusCode, 200);
  assert.match(blank.body, /You are posting for <strong>Swale Housing Trust<\/strong>/);
  assert.match(blank.body, /Swale and Dover/);
  assert.doesNotMatch(blank.body, /Maidstone/, 'only the opportunity’s areas are offered');

  const empty = await requester.post(
    form(),
    { organisationId: organisations.requester, districts: [DOVER], message: '' },
    { from: form() },
  );
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /There is a problem/);
  assert.match(empty.body, /href="#message">Say what kind of partner you are looking for/);
  assert.match(empty.body, new RegExp(`value="${DOVER}" checked`), 'the areas chosen are kept');

  const elsewhere = await requester.post(
    form(),
    { organisationId: organisations.requester, districts: MAIDSTONE, message: 'Partners wanted' },
    { from: form() },
  );
  assert.equal(elsewhere.statusCode, 400);
  assert.match(elsewhere.body, /Choose areas this opportunity is delivered in/);
  assert.match(elsewhere.body, /Partners wanted<\/textarea>/);
  const junk = await requester.post(
    form(),
    { organisationId: 'nonsense', lotIds: 'nonsense', services: '999', message: 'x'.repeat(2001) },
    { from: form() },
  );
  assert.equal(junk.statusCode, 400);
  for (const message of [
    /Choose the organisation that is looking for partners/,
    /Choose lots from the list/,
    /Choose services from the list/,
    /2,000 characters or fewer/,
  ])
    assert.match(junk.body, message);

  const posted = await requester.post(
    form(),
    {
      organisationId: organisations.requester,
      lotIds: lots.coast,
      services: HEALTH,
      message: 'We run housing advice in Swale and want health partners for Dover.',
    },
    { from: form() },
  );
  assert.equal(posted.statusCode, 303);
  requestId = String(posted.headers.location).split('/').at(-1) ?? '';
  assert.deepEqual(await auditActions(requestId), ['partner_request.create']);

  const shown = await (await agentFor()).get(`/opportunities/${opportunityId}`);
  assert.match(shown.body, /Looking for partners/);
  assert.match(shown.body, new RegExp(`href="/organisations/${organisations.requester}">Swale Housing Trust`));
  assert.match(shown.body, /Swale and Dover/);
  assert.match(shown.body, /Health and saving lives/);
  assert.match(shown.body, /want health partners for Dover/);
  assert.doesNotMatch(shown.body, /Post that you are looking for partners/, 'visitors are not offered the form');
  const member = await (await agentFor(people.outsider)).get(`/opportunities/${opportunityId}`);
  assert.match(member.body, /Post that you are looking for partners/);
  assert.match(member.body, new RegExp(`href="/partner-requests/${requestId}#answer"`));
});

test('only members of the organisation post for it', async () => {
  const outsider = await agentFor(people.outsider);
  const forSomeoneElse = await outsider.post(
    form(),
    { organisationId: organisations.requester, message: 'Pretending to be them' },
    { from: form() },
  );
  assert.equal(forSomeoneElse.statusCode, 400);
  assert.match(forSomeoneElse.body, /Choose a voluntary or community organisation you are a member of/);
  const buyer = await agentFor(publisher.officer.id);
  const page = await buyer.get(form());
  assert.match(page.body, /Only a voluntary or community organisation can look for partners/);
  const visitor = await agentFor();
  const signIn = await visitor.get(form());
  assert.equal(signIn.statusCode, 303);
  assert.match(String(signIn.headers.location), /^\/sign-in\?next=/);
});

test('no requests after the opportunity closes or its deadline passes', async () => {
  const requester = await agentFor(people.requester);
  const closed = await publisher.publish({});
  await opportunitiesService({ database: context.database }).transition(closed.id, 'close', publisher.actor);
  const late = await publisher.publish({});
  await context.database.query(
    `UPDATE opportunities SET submission_deadline = now() - interval '1 hour' WHERE id = $1`,
    [late.id],
  );
  const draft = await publisher.publish({}, { publish: false });
  for (const id of [closed.id, late.id, draft.id, 'not-an-id']) {
    const url = `/opportunities/${id}/partners/new`;
    assert.equal((await requester.get(url)).statusCode, 404, url);
    const post = await requester.post(url, { organisationId: organisations.requester, message: 'Hi' }, { from: '/' });
    assert.equal(post.statusCode, 404, url);
  }
  const shown = await requester.get(`/opportunities/${late.id}`);
  assert.doesNotMatch(shown.body, /Looking for partners/);
});

test('answers are private to the requester and to the organisation answering', async () => {
  const helper = await agentFor(people.helper);
  const empty = await helper.post(`${page()}/replies`, { organisationId: organisations.helper }, { from: page() });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /href="#message">Enter your answer/);
  const answered = await helper.post(
    `${page()}/replies`,
    { organisationId: organisations.helper, message: 'We deliver health services in Dover: call us.' },
    { from: page() },
  );
  assert.equal(answered.statusCode, 303);
  const twoOrgs = await agentFor(people.twoOrgs);
  const choose = await twoOrgs.get(page());
  assert.match(choose.body, /Which organisation are you answering for\?/);
  assert.equal(
    (
      await twoOrgs.post(
        `${page()}/replies`,
        { organisationId: organisations.second, message: 'Second Charity can help in Swale.' },
        { from: page() },
      )
    ).statusCode,
    303,
  );

  const requester = await (await agentFor(people.requester)).get(page());
  assert.match(requester.body, /We deliver health services in Dover/);
  assert.match(requester.body, /Second Charity can help in Swale/);
  const own = await helper.get(page());
  assert.match(own.body, /Your answers/);
  assert.match(own.body, /We deliver health services in Dover/);
  assert.doesNotMatch(own.body, /Second Charity can help/, 'another organisation’s answer stays hidden');
  for (const who of [people.outsider, people.small, undefined]) {
    const other = await (await agentFor(who)).get(page());
    assert.equal(other.statusCode, 200);
    assert.doesNotMatch(other.body, /We deliver health services|Second Charity can help/, `hidden from ${who}`);
  }
  assert.deepEqual((await auditActions(requestId)).slice(1), ['partner_request.reply', 'partner_request.reply']);

  const emailOf = async (userId: string) =>
    (await context.database.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId]))[0]?.email ??
    '';
  const requesterMail = await latestMail(context.database, await emailOf(people.requester));
  assert.equal(requesterMail.subject, 'Second Charity has answered your request for partners');
  assert.match(requesterMail.textBody, /Second Charity can help in Swale\./);
  assert.equal(requesterMail.path, page());
  assert.equal(await mailCount(context.database, await emailOf(people.requester)), 2, 'one mail for each answer');
  assert.equal(await mailCount(context.database, await emailOf(people.helper)), 0, 'the answering side is not told');
});

test('an organisation cannot answer its own request, nor for an organisation it is not in', async () => {
  const requester = await agentFor(people.requester);
  const own = await requester.get(page());
  assert.doesNotMatch(own.body, /Send your answer/);
  const self = await requester.post(
    `${page()}/replies`,
    { organisationId: organisations.requester, message: 'Talking to ourselves' },
    { from: page() },
  );
  assert.equal(self.statusCode, 400);
  assert.match(self.body, /Your organisation posted this request, so it cannot answer it/);
  const pretend = await (await agentFor(people.outsider)).post(
    `${page()}/replies`,
    { organisationId: organisations.helper, message: 'Pretending' },
    { from: page() },
  );
  assert.equal(pretend.statusCode, 400);
  assert.match(pretend.body, /Choose a voluntary or community organisation you are a member of/);
});

test('partner search ranks organisations by the gaps they fill, and says why', async () => {
  const requester = await agentFor(people.requester);
  const ranked = async (url: string) => {
    const response = await requester.get(url);
    assert.equal(response.statusCode, 200);
    const names = [...response.body.matchAll(/<h2 class="govuk-heading-s[^"]*">\d+\. <a[^>]*>([^<]+)<\/a>/g)];
    return { body: response.body, names: names.map((match) => match[1]) };
  };
  // The first request wants health partners for the lot in Swale and Dover only.
  const narrow = await ranked(`${page()}/partners`);
  assert.deepEqual(narrow.names, ['Dover Health Partners', 'Second Charity']);

  const posted = await requester.post(
    form(),
    { organisationId: organisations.requester, message: 'Partners wanted for any part of this.' },
    { from: form() },
  );
  const wide = await ranked(`${String(posted.headers.location)}/partners`);
  assert.match(wide.body, /Services: Health and saving lives/);
  assert.match(wide.body, /Areas: Dover and Thanet/);
  assert.match(wide.body, /Outcomes as core impact: “Connected communities”/);
  // 15: the service, two areas, the outcome as core, 60% ready, and its size suits a £50,000 lot;
  // 5: the service and Thanet; 4: the service, Thanet, the outcome as value-adding, but too small for £50,000;
  // 3: the service only (Swale is covered already); 2: Dover only (housing is covered already).
  assert.deepEqual(wide.names, [
    'Dover Health Partners',
    'Outsider Charity',
    'Thanet Health Group',
    'Second Charity',
    'Dover Housing Co-op',
  ]);
  for (const reason of [
    'Offers Health and saving lives, which you lack',
    'Serves Dover and Thanet, which you do not cover',
    'Delivers “Connected communities” as core impact, which you do not',
    'Ready to bid: 60% (a profile verified by the hub, Safeguarding policy, Public liability insurance and Living Wage employer)',
    'Tier 4, social SME (£25,000 to £500,000): could take on a lot of this value (£50,000)',
    'Adds value to “Connected communities”, which you do not deliver as core',
    'Tier 2, one-staff group (£1,000 to £10,000): a lot of £50,000 is more than it usually takes on (up to £25,000)',
    'Serves Dover, which you do not cover',
    'Ready to bid: 0%',
    'Tier not known: it has not given its income',
  ])
    assert.ok(wide.body.includes(reason), reason);
  assert.doesNotMatch(wide.body, /Swale Housing Twin|Maidstone Health|>Swale Housing Trust</);
  assert.deepEqual((await ranked(`${String(posted.headers.location)}/partners?page=2`)).names, []);
  assert.equal((await requester.get(`${page()}/partners?page=banana`)).statusCode, 200);
});

test('the lead of a consortium forming for the opportunity invites partners straight from the results', async () => {
  const requester = await agentFor(people.requester);
  const search = `${page()}/partners`;
  assert.doesNotMatch((await requester.get(search)).body, /Invite as a partner/);
  const formed = await requester.post(
    `/opportunities/${opportunityId}/consortia/new`,
    { name: 'Swale Health and Housing', leadOrganisationId: organisations.requester },
    { from: `/opportunities/${opportunityId}/consortia/new` },
  );
  const consortium = String(formed.headers.location);
  const offered = await requester.get(search);
  assert.match(offered.body, new RegExp(`action="${consortium}/members"`));
  assert.match(offered.body, /Invite as a partner/);
  const invited = await requester.post(
    `${consortium}/members`,
    { organisationId: organisations.helper, role: 'partner' },
    { from: search },
  );
  assert.equal(invited.statusCode, 303);
  assert.match((await requester.get(search)).body, /Already a member of Swale Health and Housing, or invited to it/);
  formedConsortium = consortium;
});

test('the lead finds partners for its consortium without posting a request: what none of its members has', async () => {
  const requester = await agentFor(people.requester);
  const partnersPage = `${formedConsortium}/partners`;
  assert.match((await requester.get(formedConsortium)).body, /Find partners who complement this consortium/);
  const before = await requester.get(partnersPage);
  assert.equal(before.statusCode, 200);
  assert.match(before.body, /<h1 class="govuk-heading-l">Partners that complement Swale Health and Housing<\/h1>/);
  assert.match(before.body, /Services: Health and saving lives/);
  assert.match(before.body, /Areas: Dover and Thanet/);
  const ranked = [
    ...before.body.matchAll(/<h2 class="govuk-heading-s govuk-!-margin-bottom-1">\d+\. <a [^>]+>([^<]+)</g),
  ];
  assert.equal(ranked[0]?.[1], 'Dover Health Partners');
  assert.match(before.body, /Already a member of Swale Health and Housing, or invited to it/);
  assert.match(before.body, new RegExp(`href="${formedConsortium}">Back to Swale Health and Housing`));

  // Invited is not yet in: once the helper accepts, the consortium lacks nothing the opportunity asks for.
  const helper = await agentFor(people.helper);
  assert.equal((await helper.get(partnersPage)).statusCode, 403, 'invited, not yet a member: not the lead');
  const answered = await helper.post(
    `${formedConsortium}/members/${organisations.helper}/answer`,
    { answer: 'accept' },
    { from: formedConsortium },
  );
  assert.equal(answered.statusCode, 303);
  assert.equal((await helper.get(partnersPage)).statusCode, 403, 'a member, not the lead');
  const after = await requester.get(partnersPage);
  assert.match(after.body, /already offers every service, covers every area and delivers every outcome/);
  assert.equal((await (await agentFor(people.outsider)).get(partnersPage)).statusCode, 404);
  const visitor = await (await agentFor()).get(partnersPage);
  assert.equal(visitor.statusCode, 303);
  assert.match(String(visitor.headers.location), /^\/sign-in/);
});

test('only the requester’s members search and withdraw; a withdrawn request is kept but closed', async () => {
  const helper = await agentFor(people.helper);
  assert.equal((await helper.get(`${page()}/partners`)).statusCode, 403);
  assert.equal((await helper.post(`${page()}/withdraw`, {}, { from: page() })).statusCode, 403);
  const visitor = await agentFor();
  assert.equal((await visitor.get(`${page()}/partners`)).statusCode, 303);

  const requester = await agentFor(people.requester);
  assert.equal((await requester.post(`${page()}/withdraw`, {}, { from: page() })).statusCode, 303);
  const withdrawn = await requester.get(page());
  assert.match(withdrawn.body, /Withdrawn/);
  assert.match(withdrawn.body, /We deliver health services in Dover/, 'the answers are kept');
  const again = await requester.post(`${page()}/withdraw`, {}, { from: page() });
  assert.equal(again.statusCode, 400);
  assert.match(again.body, /already been withdrawn/);
  const late = await helper.post(
    `${page()}/replies`,
    { organisationId: organisations.helper, message: 'Still interested' },
    { from: page() },
  );
  assert.equal(late.statusCode, 400);
  assert.match(late.body, /This request has been withdrawn/);
  const opportunity = await visitor.get(`/opportunities/${opportunityId}`);
  assert.doesNotMatch(opportunity.body, /want health partners for Dover/);
  assert.equal((await auditActions(requestId)).at(-1), 'partner_request.withdraw');
  const [row] = await context.database.query<{ withdrawn: boolean }>(
    'SELECT withdrawn_at IS NOT NULL AS withdrawn FROM partner_requests WHERE id = $1',
    [requestId],
  );
  assert.equal(row?.withdrawn, true);
});

test('unknown requests are not found, whoever asks, and never a server error', async () => {
  const member = await agentFor(people.requester);
  for (const id of ['00000000-0000-4000-8000-000000000000', 'nonsense']) {
    assert.equal((await member.get(`/partner-requests/${id}`)).statusCode, 404);
    assert.equal((await (await agentFor()).get(`/partner-requests/${id}`)).statusCode, 404);
    assert.equal((await member.get(`/partner-requests/${id}/partners`)).statusCode, 404);
    assert.equal((await member.post(`/partner-requests/${id}/withdraw`, {}, { from: '/' })).statusCode, 404);
    const reply = { organisationId: organisations.requester, message: 'Hello' };
    assert.equal((await member.post(`/partner-requests/${id}/replies`, reply, { from: '/' })).statusCode, 404);
  }
  const noToken = await member.post(`${page()}/withdraw`, {}, { csrf: false });
  assert.equal(noToken.statusCode, 403, 'forms need the CSRF token');
});
