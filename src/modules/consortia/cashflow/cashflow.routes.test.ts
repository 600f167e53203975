import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestContext } from '../../../../test/support/test-app.ts';
import { shareContract } from './cashflow.check.ts';
import { buildTestConsortium, MEDWAY, SWALE } from './test-consortium.ts';

// The cash-flow check through its page: a case worked by hand, the at-risk flag, who may see and record what,
// the error summary for bad input, and the schedule kept as versions.

let context: TestContext;
let fixture: Awaited<ReturnType<typeof buildTestConsortium>>;
const page = () => `/consortia/${fixture.id}/cashflow`;

// 12 monthly payments of £120,000 in all, paid by the buyer 30 days after each month, nothing on results.
const schedule = {
  contractValue: '120,000',
  periods: '12',
  periodLength: 'monthly',
  buyerPaymentDays: '30',
  resultsPercent: '0',
  resultsLagDays: '0',
};

before(async () => {
  context = await createTestApp();
  fixture = await buildTestConsortium(context);
  const { database } = context;
  // The partner is a social SME with £50,000 a year; the lead a large charity with £1,000,000.
  await database.query('UPDATE organisations SET income_pence = 5000000 WHERE id = $1', [
    fixture.organisations.partner,
  ]);
  await database.query('UPDATE organisations SET income_pence = 100000000 WHERE id = $1', [fixture.organisations.lead]);
});
after(() => context.close());

test('only members see the check: outsiders and those invited but not yet in get 404', async () => {
  for (const role of ['outsider', 'invitee'] as const) {
    const agent = await fixture.agentFor(role);
    assert.equal((await agent.get(page())).statusCode, 404, `hidden from the ${role}`);
    assert.equal((await agent.post(page(), schedule, { from: '/' })).statusCode, 404, `${role} cannot record`);
  }
  const visitor = await (await fixture.agentFor()).get(page());
  assert.notEqual(visitor.statusCode, 200);
  assert.doesNotMatch(visitor.body, /Cash flow check/);
  const partner = await (await fixture.agentFor('partner')).get(page());
  assert.equal(partner.statusCode, 200);
  assert.match(partner.body, /The contract’s payment schedule has not been recorded yet/);
  assert.match(partner.body, /No fair terms have been recorded/);
  assert.match(partner.body, /No work has been allocated to members yet/);
  assert.doesNotMatch(partner.body, /name="contractValue"/, 'only the lead records the schedule');
});

test('only the lead records the schedule; bad input gets the error summary with what to fix', async () => {
  const partner = await fixture.agentFor('partner');
  assert.equal((await partner.post(page(), schedule, { from: page() })).statusCode, 403);
  assert.equal((await partner.post(page(), {}, { from: page() })).statusCode, 403);

  const lead = await fixture.agentFor('lead');
  // Before any schedule: the form starts from the opportunity (£250,000 over 24 months), paid in 30 days.
  const first = (await lead.get(page())).body;
  assert.match(first, /We have filled this in from the opportunity/);
  for (const [field, value] of [
    ['contractValue', '250000'],
    ['periods', '24'],
    ['buyerPaymentDays', '30'],
    ['resultsPercent', '0'],
    ['resultsLagDays', '0'],
  ])
    assert.match(first, new RegExp(`name="${field}" type="text" value="${value}"`), field);
  assert.match(first, /value="monthly" checked/);
  assert.doesNotMatch((await partner.get(page())).body, /We have filled this in/, 'only the lead has the form');

  const empty = await lead.post(page(), {}, { from: page() });
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /There is a problem/);
  for (const message of [
    'Enter the contract’s total value in pounds',
    'Enter how many payments the buyer makes over the contract',
    'Choose whether the buyer pays monthly or quarterly',
    'Enter how many days the buyer takes to pay after each period ends',
    'Enter the share of each payment the buyer makes only on results, or 0 if none is',
  ]) {
    assert.ok(empty.body.includes(message), message);
  }
  const wrong = await lead.post(
    page(),
    { ...schedule, contractValue: 'lots', periods: '0', resultsPercent: '120', resultsLagDays: '1000' },
    { from: page() },
  );
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.body, /Contract value must be an amount in pounds/);
  assert.match(wrong.body, /Number of payments must be a whole number from 1 to 120/);
  assert.match(wrong.body, /Share paid on results must be a percentage from 0 to 100/);
  assert.match(wrong.body, /Results lag must be a whole number of days from 0 to 730/);
  assert.match(wrong.body, /value="lots"/, 'what was typed is kept');

  assert.equal((await lead.post(page(), schedule, { from: page() })).statusCode, 303);
  const [audit] = await context.database.query<{ action: string; details: { version: number } }>(
    `SELECT action, details FROM audit_log WHERE subject_id = $1 AND action = 'consortium.payment_schedule'`,
    [fixture.id],
  );
  assert.equal(audit?.details.version, 1);
});

test('each member’s gap, worked by hand, with the member that cannot carry it flagged', async () => {
  const { consortia, actors, organisations, lotId } = fixture;
  const noAllocation = await (await fixture.agentFor('partner')).get(page());
  assert.match(noAllocation.body, /No work has been allocated/);
  // Half the lot each: £60,000, so £5,000 a month over 12 months.
  await consortia.allocate(
    fixture.id,
    [
      { lot_id: lotId, district: SWALE, organisation_id: organisations.partner },
      { lot_id: lotId, district: MEDWAY, organisation_id: organisations.lead },
    ],
    actors.lead,
  );
  await consortia.recordTerms(
    fixture.id,
    {
      maxPaymentDays: 30,
      managementFeeBasisPoints: 500,
      referralAllocation: 'rotation',
      pbrShares: [{ memberId: organisations.partner, atRiskBasisPoints: 0 }],
      riskSharing: 'Shared in proportion to the work.',
      exitNoticeDays: 90,
      exitTerms: 'Three months’ notice.',
    },
    actors.lead,
  );
  const body = (await (await fixture.agentFor('partner')).get(page())).body;
  // The partner spends £5,000 a month from day 1; month 1 is paid to the lead on day 60 (30 + 30) and passed on
  // on day 90, at the close of the day: by then three months are spent, £15,000, 30% of its £50,000 income.
  const partnerRow = /partner charity \(Partner\)[\s\S]*?<\/tr>/.exec(body)?.[0] ?? '';
  for (const cell of [
    '50% (£60,000)',
    '£15,000',
    'Day 90',
    '30%',
    'Tier 4',
    'At risk',
    'more than 25% of its annual income',
  ]) {
    assert.ok(partnerRow.includes(cell), `partner: ${cell}`);
  }
  // The lead is paid on day 60 with two months spent, £10,000: 1% of £1,000,000.
  const leadRow = /lead charity \(Lead\)[\s\S]*?<\/tr>/.exec(body)?.[0] ?? '';
  for (const cell of ['50% (£60,000)', '£10,000', 'Day 60', '1%', 'Tier 5', 'Can carry it']) {
    assert.ok(leadRow.includes(cell), `lead: ${cell}`);
  }
  assert.doesNotMatch(leadRow, /At risk/);
  assert.match(body, /1 member is at risk/);
  assert.match(body, /30 days, from the fair terms \(version 1\)/);
});

test('a results-based share at risk makes the gap longer; a private income stays private to others', async () => {
  const { consortia, actors, organisations } = fixture;
  await context.database.query('UPDATE organisations SET income_private = true WHERE id = $1', [organisations.partner]);
  const lead = await fixture.agentFor('lead');
  const withResults = { ...schedule, resultsPercent: '20', resultsLagDays: '90' };
  assert.equal((await lead.post(page(), withResults, { from: page() })).statusCode, 303);
  await consortia.recordTerms(
    fixture.id,
    {
      maxPaymentDays: 30,
      managementFeeBasisPoints: 500,
      referralAllocation: 'rotation',
      pbrShares: [{ memberId: organisations.partner, atRiskBasisPoints: 20_00 }],
      riskSharing: 'Shared in proportion to the work.',
      exitNoticeDays: 90,
      exitTerms: 'Three months’ notice.',
    },
    actors.lead,
  );
  // The partner gets £4,000 of each month on day 90, 120, … and the other £1,000 90 days later. On day 180 it
  // has spent six months (£30,000) and been paid £4,000 × 3 = £12,000 plus nothing yet on results: £18,000;
  // from then on each day's pay of £5,000 a month balances what it spends, so day 180 is the peak.
  const partnerSees = (await (await fixture.agentFor('partner')).get(page())).body;
  const partnerRow = /partner charity \(Partner\)[\s\S]*?<\/tr>/.exec(partnerSees)?.[0] ?? '';
  assert.ok(partnerRow.includes('£18,000'), partnerRow);
  assert.ok(partnerRow.includes('Day 180'));
  assert.ok(partnerRow.includes('36%'), 'its own people see the share of its income');
  const leadSees = (await lead.get(page())).body;
  const seenByLead = /partner charity \(Partner\)[\s\S]*?<\/tr>/.exec(leadSees)?.[0] ?? '';
  assert.ok(seenByLead.includes('Income kept private'));
  assert.ok(seenByLead.includes('At risk'), 'the flag still shows');
  assert.match(leadSees, /Version 2, recorded by .*1 earlier version is kept/);
  await assert.rejects(
    context.database.query('DELETE FROM consortium_payment_schedules WHERE consortium_id = $1', [fixture.id]),
    /kept as history/,
  );
});

test('the contract is shared out by allocated value to the penny, or by cells when lots have no value', () => {
  const members = [
    { organisation_id: 'a', cells: 1, value_pence: 1 },
    { organisation_id: 'b', cells: 1, value_pence: 1 },
    { organisation_id: 'c', cells: 1, value_pence: 1 },
  ];
  const byValue = shareContract(100, members);
  assert.equal(byValue.byValue, true);
  assert.deepEqual(
    byValue.shares.map((share) => share.sharePence),
    [34, 33, 33],
  );
  const byCells = shareContract(
    90_00,
    members.map((member, index) => ({ ...member, value_pence: 0, cells: index + 1 })),
  );
  assert.equal(byCells.byValue, false);
  assert.deepEqual(
    byCells.shares.map((share) => [share.sharePence, share.shareBasisPoints]),
    [
      [15_00, 1667],
      [30_00, 3333],
      [45_00, 5000],
    ],
  );
  assert.deepEqual(shareContract(100, [{ organisation_id: 'a', cells: 0, value_pence: 0 }]).shares, []);
});
