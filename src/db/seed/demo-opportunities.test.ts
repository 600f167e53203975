import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Agent } from '../../../test/support/agent.ts';
import { sessionCookieFor } from '../../../test/support/factories.ts';
import { ocdsValidators } from '../../../test/support/ocds-schemas.ts';
import { createTestApp, openTestDatabase, type TestContext } from '../../../test/support/test-app.ts';
import type { Database } from '../client.ts';
import { seedDemoData } from './seed.ts';

type Json = Record<string, unknown>;

let context: TestContext;
before(async () => {
  context = await createTestApp();
  await seedDemoData(context.database, 400);
});
after(() => context.close());

const get = async (url: string) => {
  const response = await context.app.inject({ method: 'GET', url });
  assert.equal(response.statusCode, 200, url);
  return response.json() as Json;
};

// What the demo holds, by name and count only: ids and times differ from one run to the next.
const summary = (database: Database) =>
  Promise.all([
    database.query(`SELECT kind, status, count(*)::int AS n FROM opportunities GROUP BY 1, 2 ORDER BY 1, 2`),
    database.query(`SELECT count(*)::int AS lots FROM opportunity_lots`),
    database.query(`SELECT change, count(*)::int AS n FROM opportunity_history GROUP BY 1 ORDER BY 1`),
    database.query(`SELECT count(*)::int AS releases FROM ocds_releases`),
    database.query(
      `SELECT action, count(*)::int AS n FROM audit_log
        WHERE action LIKE 'opportunity.%' OR action LIKE 'consortium.%' GROUP BY 1 ORDER BY 1`,
    ),
    database.query(
      `SELECT c.name, c.status, c.listed, o.name AS member, m.role, m.status AS member_status
         FROM consortia c JOIN consortium_members m ON m.consortium_id = c.id
         JOIN organisations o ON o.id = m.organisation_id ORDER BY c.name, o.name`,
    ),
  ]);

test('the demo public bodies have opportunities at every stage, as their officers made them', async () => {
  const { database } = context;
  const [byStage] = await summary(database);
  assert.deepEqual(byStage, [
    { kind: 'engagement', status: 'published', n: 3 },
    { kind: 'intention', status: 'published', n: 3 },
    { kind: 'opportunity', status: 'awarded', n: 1 },
    { kind: 'opportunity', status: 'closed', n: 2 },
    { kind: 'opportunity', status: 'contract', n: 1 },
    { kind: 'opportunity', status: 'draft', n: 1 },
    { kind: 'opportunity', status: 'published', n: 5 },
  ]);
  const rows = await database.query<{
    title: string;
    buyer: string;
    status: string;
    kind: string;
    weighting: number;
    open: boolean;
    lots: number;
    outcomes: number;
    unknown_outcomes: number;
    created_by: string;
  }>(
    `SELECT p.title, b.name AS buyer, p.status, p.kind, p.social_value_weighting_percent AS weighting,
            p.submission_deadline > now() AS open, u.email AS created_by,
            (SELECT count(*)::int FROM opportunity_lots l WHERE l.opportunity_id = p.id) AS lots,
            (SELECT count(*)::int FROM opportunity_outcomes oo WHERE oo.opportunity_id = p.id) AS outcomes,
            (SELECT count(*)::int FROM opportunity_outcomes oo WHERE oo.opportunity_id = p.id
                AND NOT EXISTS (SELECT 1 FROM impact_outcomes io WHERE io.code = oo.outcome_code)) AS unknown_outcomes
       FROM opportunities p JOIN organisations b ON b.id = p.buyer_organisation_id JOIN users u ON u.id = p.created_by`,
  );
  assert.deepEqual([...new Set(rows.map((row) => row.buyer))].sort(), [
    'Kent County Council',
    'Medway Council',
    'NHS Kent and Medway Integrated Care Board',
  ]);
  for (const row of rows) {
    assert.match(row.title, / \(demo\)$/);
    assert.ok(row.weighting >= 10, row.title);
    assert.ok(row.outcomes > 0 && row.unknown_outcomes === 0, row.title);
    assert.match(row.created_by, /^(procurement|commissioner)\.(kcc|medway|icb)@demo\.example\.org$/);
  }
  const open = rows.filter((row) => row.kind === 'opportunity' && row.status === 'published');
  assert.ok(open.every((row) => row.open));
  assert.equal(open.filter((row) => row.lots > 1).length, 4);
  assert.ok(
    open.every((row) => row.lots > 0),
    'those published without lots are bought as one',
  );
  const past = rows.filter((row) => ['closed', 'awarded', 'contract'].includes(row.status));
  assert.ok(
    past.every((row) => row.open === false),
    'their deadlines have passed',
  );

  const [contract] = await database.query<{ supplier: string }>(
    `SELECT s.name AS supplier FROM contracts c JOIN organisations s ON s.id = c.supplier_organisation_id
      WHERE c.opportunity_id IS NOT NULL`,
  );
  const [winner] = await database.query<{ name: string }>(
    `SELECT o.name FROM organisations o JOIN organisation_members m ON m.organisation_id = o.id
      JOIN users u ON u.id = m.user_id WHERE u.email = 'org.admin5@demo.example.org'`,
  );
  assert.equal(contract?.supplier, winner?.name, 'the award under contract became a ledger contract');
  const [amended] = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM opportunity_history WHERE change = 'amend' AND after ? 'submissionDeadline'`,
  );
  assert.equal(amended?.n, 1, 'one deadline was extended after publication');
});

test('every release and record of the demo opportunities meets the OCDS 1.1.5 schema', async () => {
  const validate = ocdsValidators();
  const releases: Json[] = [];
  for (let page = 1; ; page += 1) {
    const body = await get(`/api/v1/ocds/releases?page=${page}&pageSize=100`);
    assert.ok(validate.releasePackage(body), JSON.stringify(validate.releasePackage.errors?.slice(0, 3)));
    releases.push(...(body.releases as Json[]));
    if (!(body.links as { next?: string }).next) break;
  }
  const ocids = [...new Set(releases.map((release) => release.ocid as string))];
  // Every opportunity but the draft, and each published contract entered directly (a process of its own).
  const [direct] = await context.database.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM contracts WHERE published_at IS NOT NULL AND opportunity_id IS NULL',
  );
  assert.ok((direct?.n ?? 0) > 0, 'the demo has published contracts entered directly');
  assert.equal(ocids.length, 15 + (direct?.n ?? 0));
  const tags = releases.flatMap((release) => release.tag as string[]);
  for (const tag of ['planning', 'tender', 'tenderUpdate', 'award', 'contract'])
    assert.ok(tags.includes(tag), `a release tagged ${tag}`);
  for (const ocid of ocids) {
    const body = await get(`/api/v1/ocds/records/${ocid}`);
    assert.ok(validate.recordPackage(body), `${ocid}: ${JSON.stringify(validate.recordPackage.errors?.slice(0, 3))}`);
  }
});

test('the demo consortia: one fair and listed, one with flagged terms, one with an invitation for org.admin1', async () => {
  const { database } = context;
  const consortia = await database.query<{
    id: string;
    name: string;
    status: string;
    listed: boolean;
    opportunity_status: string;
    flags: { code: string }[] | null;
    accepted: number;
    invited: number;
  }>(
    `SELECT c.id, c.name, c.status, c.listed, p.status AS opportunity_status,
            (SELECT t.flags FROM consortium_terms t WHERE t.consortium_id = c.id ORDER BY t.version DESC LIMIT 1) AS flags,
            (SELECT count(*)::int FROM consortium_members m WHERE m.consortium_id = c.id AND m.status = 'accepted') AS accepted,
            (SELECT count(*)::int FROM consortium_members m WHERE m.consortium_id = c.id AND m.status = 'invited') AS invited
       FROM consortia c JOIN opportunities p ON p.id = c.opportunity_id ORDER BY c.name`,
  );
  const [fair, forming, flagged] = consortia;
  assert.equal(consortia.length, 3);
  assert.ok(consortia.every((consortium) => consortium.opportunity_status === 'published'));
  assert.equal(fair?.name, 'East Kent Befriending Partnership (demo)');
  assert.deepEqual([fair?.status, fair?.listed, fair?.flags, fair?.accepted], ['bid', true, [], 3]);
  assert.equal(flagged?.name, 'Medway Navigators Alliance (demo)');
  assert.deepEqual(
    flagged?.flags?.map((flag) => flag.code),
    ['payment_days_too_long', 'pbr_risk_to_small_member'],
  );
  assert.equal(forming?.name, 'Kent Peer Support Network (demo)');
  assert.deepEqual([forming?.status, forming?.flags, forming?.accepted, forming?.invited], ['forming', null, 2, 1]);

  const [admin1] = await database.query<{ id: string }>(
    `SELECT id FROM users WHERE email = 'org.admin1@demo.example.org'`,
  );
  const agent = new Agent(context.app);
  agent.cookies.set('wc_session', await sessionCookieFor(database, admin1?.id ?? ''));
  const page = await agent.get('/consortia');
  const heading = (text: string) => page.body.indexOf(`<h2 class="govuk-heading-m">${text}</h2>`);
  const invitations = page.body.slice(heading('Invitations'), heading('Your consortia'));
  assert.match(invitations, /Kent Peer Support Network \(demo\)/);
  // The listed consortium shows on its opportunity's public page.
  const [opportunity] = await database.query<{ id: string }>(
    `SELECT opportunity_id AS id FROM consortia WHERE id = $1`,
    [fair?.id],
  );
  const publicPage = await context.app.inject({ url: `/opportunities/${opportunity?.id}` });
  assert.equal(publicPage.statusCode, 200);
  assert.match(publicPage.body, /East Kent Befriending Partnership \(demo\)/);
});

test('the demo requests for partners: two on open opportunities, one answered by org.admin1', async () => {
  const requests = await context.database.query<{ id: string; opportunity_id: string; answers: number }>(
    `SELECT r.id, r.opportunity_id,
            (SELECT count(*)::int FROM partner_request_replies y WHERE y.request_id = r.id) AS answers
       FROM partner_requests r JOIN opportunities p ON p.id = r.opportunity_id
      WHERE r.withdrawn_at IS NULL AND p.status = 'published' ORDER BY r.created_at`,
  );
  assert.deepEqual(
    requests.map((request) => request.answers),
    [1, 0],
  );
  const page = await context.app.inject({ url: `/opportunities/${requests[0]?.opportunity_id}` });
  assert.match(page.body, /Looking for partners/);
  assert.match(page.body, /We run lunch clubs and community transport in Canterbury/);
  const answer = await context.app.inject({ url: `/partner-requests/${requests[0]?.id}` });
  assert.doesNotMatch(answer.body, /Our volunteers already befriend/, 'answers are private');
});

test('the demo opportunities and consortia are the same every time', async () => {
  const second = await openTestDatabase();
  try {
    await seedDemoData(second, 400);
    assert.deepEqual(await summary(second), await summary(context.database));
  } finally {
    await second.drop();
  }
});
