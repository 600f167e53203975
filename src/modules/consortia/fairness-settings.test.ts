import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { buildUser, sessionCookieFor } from '../../../test/support/factories.ts';
import { createTestApp, type TestContext } from '../../../test/support/test-app.ts';
import { currentFairnessDefaults } from './fairness-settings.ts';
import { FAIRNESS_DEFAULTS, flagTerms } from './terms/index.ts';

// The hub admin moves the lines the fair-terms checks draw; the reasons stay, and new terms are judged by them.

let context: TestContext;
let agent: Agent;
const page = '/admin/consortia/fair-terms';
before(async () => {
  context = await createTestApp();
  const admin = await buildUser(context.database, { roles: ['hub_admin'] });
  agent = new Agent(context.app);
  agent.cookies.set('wc_session', await sessionCookieFor(context.database, admin.id));
});
after(() => context.close());

const terms = {
  maxPaymentDays: 45,
  managementFeeBasisPoints: 12_00,
  referralAllocation: 'rotation' as const,
  pbrShares: [],
  riskSharing: 'Shared.',
  exitNoticeDays: 90,
  exitTerms: 'Notice.',
};

test('the built-in defaults stand until the hub changes them; bad input is refused with the error summary', async () => {
  const shown = await agent.get(page);
  assert.equal(shown.statusCode, 200);
  assert.match(shown.body, /Regulation 113 of the Public Contracts Regulations 2015/);
  assert.deepEqual(await currentFairnessDefaults(context.database), FAIRNESS_DEFAULTS);
  const bad = await agent.post(page, { maxPaymentDays: 'thirty', maxManagementFeePercent: '150' }, { from: page });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /There is a problem/);
  assert.match(bad.body, /The longest payment time must be a whole number of days from 0 to 365, like 30/);
  assert.match(bad.body, /The highest management fee must be a percentage from 0 to 100/);
});

test('new values are saved, audited, and used to judge terms', async () => {
  const before = flagTerms(terms, [], await currentFairnessDefaults(context.database));
  assert.deepEqual(
    before.map((flag) => flag.code),
    ['payment_days_too_long'],
  );
  const saved = await agent.post(
    page,
    {
      maxPaymentDays: '60',
      maxManagementFeePercent: '10',
      tiersWithoutPbrRisk: ['1', '2'],
      unfairReferralAllocations: 'lead_discretion',
      minExitNoticeDays: '60',
      maxCashGapPercent: '20',
    },
    { from: page },
  );
  assert.equal(saved.statusCode, 303);
  const defaults = await currentFairnessDefaults(context.database);
  assert.equal(defaults.maxPaymentDays.value, 60);
  assert.equal(defaults.maxManagementFeeBasisPoints.value, 10_00);
  assert.deepEqual(defaults.tiersWithoutPbrRisk.value, [1, 2]);
  assert.equal(defaults.maxCashGapShareOfIncomeBasisPoints.value, 20_00);
  assert.equal(defaults.maxPaymentDays.rationale, FAIRNESS_DEFAULTS.maxPaymentDays.rationale);
  assert.deepEqual(
    flagTerms(terms, [], defaults).map((flag) => flag.code),
    ['management_fee_too_high'],
  );
  const [audit] = await context.database.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE action = 'consortia.fairness-defaults'`,
  );
  assert.ok(audit);
  assert.match((await agent.get(page)).body, /value="60"/);
});
