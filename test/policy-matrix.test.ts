import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { upsertMember } from '../src/modules/organisations/organisations.repository.ts';
import type { PolicyName } from '../src/platform/policies.ts';
import type { GlobalRole } from '../src/platform/sessions.ts';
import { Agent } from './support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from './support/factories.ts';
import { createTestApp, type TestContext } from './support/test-app.ts';

// The policy each route must declare. A new route fails this test until it is added here, on purpose.
const expectedPolicies: Record<string, PolicyName> = {
  'GET /': 'public',
  'GET /accessibility': 'public',
  'GET /privacy': 'public',
  'GET /cookies': 'public',
  'GET /health': 'public',
  'GET /consortia': 'public',
  'GET /opportunities/:id/consortia/new': 'signedIn',
  'POST /opportunities/:id/consortia/new': 'signedIn',
  'GET /consortia/:id': 'public',
  'POST /consortia/:id/members': 'signedIn',
  'POST /consortia/:id/members/:organisationId/answer': 'signedIn',
  'POST /consortia/:id/allocations': 'signedIn',
  'GET /consortia/:id/terms': 'signedIn',
  'POST /consortia/:id/terms': 'signedIn',
  'POST /consortia/:id/terms/agree': 'signedIn',
  'GET /consortia/:id/partners': 'signedIn',
  'GET /consortia/:id/charter': 'signedIn',
  'POST /consortia/:id/charter': 'signedIn',
  'POST /consortia/:id/decisions': 'signedIn',
  'POST /consortia/:id/listing': 'signedIn',
  'POST /consortia/:id/bid': 'signedIn',
  'POST /consortia/:id/documents': 'signedIn',
  'GET /consortia/:id/documents/:documentId': 'signedIn',
  'GET /consortia/:id/cashflow': 'signedIn',
  'POST /consortia/:id/cashflow': 'signedIn',
  'GET /consortia/:id/rating': 'signedIn',
  'POST /consortia/:id/rating': 'signedIn',
  'GET /opportunities/:id/consortium-suggestion': 'signedIn',
  'GET /opportunities/:id/partners/new': 'signedIn',
  'POST /opportunities/:id/partners/new': 'signedIn',
  'GET /partner-requests/:id': 'public',
  'POST /partner-requests/:id/replies': 'signedIn',
  'POST /partner-requests/:id/withdraw': 'signedIn',
  'GET /partner-requests/:id/partners': 'signedIn',
  'GET /admin/consortia/fair-terms': 'hubAdmin',
  'POST /admin/consortia/fair-terms': 'hubAdmin',
  'GET /opportunities': 'public',
  'GET /opportunities/:id': 'public',
  'GET /opportunities.atom': 'public',
  'GET /opportunities/:id/deadline.ics': 'public',
  'GET /opportunities/:id/organisations-that-fit': 'buyingStaff',
  'GET /organisations/:id/opportunities': 'organisationMember',
  'POST /organisations/:id/calendar': 'organisationMember',
  'GET /calendars/:token/deadlines.ics': 'public',
  'GET /opportunities/mine': 'buyingStaff',
  'GET /opportunities/new': 'buyingStaff',
  'POST /opportunities/new': 'buyingStaff',
  'GET /opportunities/:id/edit': 'buyingStaff',
  'POST /opportunities/:id/edit': 'buyingStaff',
  'POST /opportunities/:id/lots': 'buyingStaff',
  'POST /opportunities/:id/lots/remove': 'buyingStaff',
  'POST /opportunities/:id/status': 'buyingStaff',
  'GET /opportunities/:id/award': 'buyingStaff',
  'POST /opportunities/:id/award': 'buyingStaff',
  'POST /opportunities/:id/documents': 'buyingStaff',
  'GET /opportunities/:id/documents/:documentId': 'public',
  'POST /opportunities/:id/questions': 'signedIn',
  'POST /opportunities/:id/questions/:questionId/answer': 'buyingStaff',
  'GET /register': 'public',
  'POST /register': 'public',
  'GET /register/check-your-email': 'public',
  'GET /verify-email/:token': 'public',
  'GET /verify-email/resend': 'public',
  'POST /verify-email/resend': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': 'signedIn',
  'GET /forgot-password': 'public',
  'POST /forgot-password': 'public',
  'GET /forgot-password/check-your-email': 'public',
  'GET /reset-password/:token': 'public',
  'POST /reset-password/:token': 'public',
  'GET /account': 'signedIn',
  'GET /account/password': 'signedIn',
  'POST /account/password': 'signedIn',
  'GET /account/alerts': 'signedIn',
  'POST /account/alerts': 'signedIn',
  'GET /alerts/unsubscribe/:token': 'public',
  'POST /alerts/unsubscribe/:token': 'public',
  'GET /directory': 'public',
  'GET /organisations/new': 'signedIn',
  'POST /organisations/new': 'signedIn',
  'GET /organisations/:id': 'public',
  'GET /organisations/:id/edit': 'organisationAdmin',
  'POST /organisations/:id/edit': 'organisationAdmin',
  'POST /organisations/:id/verification': 'hubAdmin',
  'GET /directory.csv': 'public',
  'GET /api/v1/organisations': 'public',
  'GET /api/v1/organisations/:id': 'public',
  'GET /organisations/:id/members': 'organisationMember',
  'GET /organisations/:id/impact': 'organisationMember',
  'GET /organisations/:id/impact/outcomes': 'organisationAdmin',
  'POST /organisations/:id/impact/outcomes': 'organisationAdmin',
  'GET /organisations/:id/impact/results': 'organisationAdmin',
  'POST /organisations/:id/impact/results': 'organisationAdmin',
  'POST /organisations/:id/impact/results/remove': 'organisationAdmin',
  'GET /impact/coverage': 'commissioningInsight',
  'GET /impact/coverage.csv': 'commissioningInsight',
  'GET /impact/compare': 'public',
  'POST /organisations/:id/invitations': 'organisationAdmin',
  'GET /invitations/:token': 'public',
  'POST /invitations/:token': 'signedIn',
  'GET /admin': 'hubAdmin',
  'GET /admin/users': 'hubAdmin',
  'GET /admin/users/:id/roles': 'hubAdmin',
  'POST /admin/users/:id/roles': 'hubAdmin',
  'GET /admin/audit': 'hubAdmin',
  'GET /admin/outbox': 'hubAdmin',
  'GET /admin/outbox/:id': 'hubAdmin',
  'GET /admin/imports/organisations': 'hubAdmin',
  'POST /admin/imports/organisations': 'hubAdmin',
  'GET /openreferral/services': 'public',
  'GET /openreferral/services/:id': 'public',
  'GET /openreferral/organizations': 'public',
  'GET /admin/imports/ocds': 'hubAdmin',
  'POST /admin/imports/ocds': 'hubAdmin',
  'GET /admin/ocds/parties': 'hubAdmin',
  'POST /admin/ocds/parties/:ocid/:partyId': 'hubAdmin',
  'GET /api/v1/ocds/releases': 'public',
  'GET /api/v1/ocds/records/:ocid': 'public',
  'GET /impact': 'public',
  'GET /impact/framework/versions/:version': 'public',
  'GET /impact/framework/versions/:version/framework.json': 'public',
  'GET /impact/framework/versions/:version/framework.csv': 'public',
  'GET /admin/impact/framework': 'hubAdmin',
  'POST /admin/impact/framework': 'hubAdmin',
  'GET /contracts': 'signedIn',
  'GET /contracts/new': 'buyingStaff',
  'POST /contracts/new': 'buyingStaff',
  'GET /contracts/:id': 'signedIn',
  'POST /contracts/:id/publish': 'signedIn',
  'POST /contracts/:id/commitments': 'signedIn',
  'GET /contracts/:id/commitments/:commitmentId/correct': 'signedIn',
  'POST /contracts/:id/commitments/:commitmentId/correct': 'signedIn',
  'GET /contracts/:id/results/new': 'signedIn',
  'POST /contracts/:id/results': 'signedIn',
  'GET /contracts/:id/results/:resultId': 'signedIn',
  'POST /contracts/:id/results/:resultId/query': 'signedIn',
  'POST /contracts/:id/results/:resultId/verify': 'signedIn',
  'POST /contracts/:id/results/:resultId/respond': 'signedIn',
  'GET /contracts/:id/evidence/:evidenceId': 'signedIn',
  'GET /admin/ledger': 'hubAdmin',
  'POST /admin/ledger': 'hubAdmin',
  'GET /social-value': 'public',
  'GET /social-value.csv': 'public',
  'GET /social-value/results.csv': 'public',
  'GET /social-value/contracts/:id': 'public',
  'GET /social-value/contracts/:id/results.csv': 'public',
};

type ActorName =
  | 'visitor'
  | 'member of another organisation'
  | 'org member'
  | 'org admin'
  | 'commissioner'
  | 'procurement officer'
  | 'trustee candidate'
  | 'hub admin';

const everyone: ActorName[] = [
  'visitor',
  'member of another organisation',
  'org member',
  'org admin',
  'commissioner',
  'procurement officer',
  'trustee candidate',
  'hub admin',
];
const signedIn = everyone.filter((actor) => actor !== 'visitor');

// Who each policy lets in, for routes about "the" organisation (the one the org member and admin belong to).
const allowedBy: Record<PolicyName, ActorName[]> = {
  public: everyone,
  signedIn,
  hubAdmin: ['hub admin'],
  organisationMember: ['org member', 'org admin', 'hub admin'],
  organisationAdmin: ['org admin'],
  buyingStaff: ['commissioner', 'procurement officer'],
  commissioningInsight: ['commissioner', 'procurement officer', 'hub admin'],
};

let context: TestContext;
const sessions = new Map<ActorName, string | undefined>();
let organisationId = '';

before(async () => {
  context = await createTestApp();
  const { database } = context;
  const theOrganisation = await buildOrganisation(database);
  organisationId = theOrganisation.id;
  const person = async (roles: GlobalRole[] = []) => (await buildUser(database, { roles })).id;
  const otherMember = await person();
  await buildOrganisation(database, { members: [{ id: otherMember }] });
  const member = await person();
  const admin = await person();
  await upsertMember(database.db, organisationId, member, 'member');
  await upsertMember(database.db, organisationId, admin, 'admin');
  const ids: Record<Exclude<ActorName, 'visitor'>, string> = {
    'member of another organisation': otherMember,
    'org member': member,
    'org admin': admin,
    commissioner: await person(['commissioner']),
    'procurement officer': await person(['procurement_officer']),
    'trustee candidate': await person(['trustee_candidate']),
    'hub admin': await person(['hub_admin']),
  };
  sessions.set('visitor', undefined);
  for (const [actor, id] of Object.entries(ids)) sessions.set(actor as ActorName, id);
});
after(() => context.close());

test('every route declares the policy this matrix expects', () => {
  const declared = Object.fromEntries(
    context.app
      .routePolicies()
      .filter((route) => !route.asset)
      .map((route) => [`${route.method} ${route.url}`, route.policy]),
  );
  assert.deepEqual(declared, expectedPolicies);
});

test('static assets are public and need no session', () => {
  const assets = context.app.routePolicies().filter((route) => route.asset);
  assert.ok(assets.length >= 3);
  for (const asset of assets) assert.equal(asset.policy, 'public');
});

for (const [route, policy] of Object.entries(expectedPolicies)) {
  test(`${route} lets in exactly whom ${policy} allows`, async () => {
    const [method, pattern = ''] = route.split(' ');
    const url = pattern
      .replace(':slug(consortia)', 'consortia')
      .replace(':version', '1')
      .replace(':id', organisationId)
      .replace(':token', 'not-a-real-token');
    for (const [index, actor] of everyone.entries()) {
      // Each actor gets its own network address and a fresh session, so rate limits and sign-outs do not leak.
      const agent = new Agent(context.app, `10.1.${index}.1`);
      const userId = sessions.get(actor);
      if (userId) agent.cookies.set('wc_session', await sessionCookieFor(context.database, userId));
      const response = method === 'GET' ? await agent.get(url) : await agent.post(url, {});
      const deniedVisitor =
        response.statusCode === 401 ||
        (response.statusCode === 303 && String(response.headers.location).startsWith('/sign-in?next='));
      const denied = response.statusCode === 403 || deniedVisitor;
      const expectAllowed = allowedBy[policy].includes(actor);
      assert.equal(
        !denied,
        expectAllowed,
        `${actor}: ${method} ${url} answered ${response.statusCode} ${response.headers.location ?? ''}`,
      );
      assert.notEqual(response.statusCode, 500, `${actor}: ${method} ${url} must never answer 500`);
      if (denied && actor !== 'visitor') assert.equal(response.statusCode, 403);
    }
  });
}
