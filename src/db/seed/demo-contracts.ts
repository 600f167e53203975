import type { Actor } from '../../modules/ledger/contracts.rules.ts';
import { contractsService } from '../../modules/ledger/contracts.service.ts';
import { socialValueService } from '../../modules/ledger/social-value.service.ts';
import type { Database } from '../client.ts';

// A few demo contracts between the demo public bodies and the organisations of the demo org admins, with
// commitments and results in every state. They go through the services, so the ledger's chain is real and
// `verify-ledger` checks it like any other.

type DemoContract = {
  buyer: string;
  officer: string;
  supplierAdmin: string;
  title: string;
  valuePence: number;
  publish: boolean;
};

const CONTRACTS: DemoContract[] = [
  {
    buyer: 'Kent County Council',
    officer: 'procurement.kcc@demo.example.org',
    supplierAdmin: 'org.admin1@demo.example.org',
    title: 'Community befriending for older people (demo)',
    valuePence: 18_000_000,
    publish: true,
  },
  {
    buyer: 'Medway Council',
    officer: 'procurement.medway@demo.example.org',
    supplierAdmin: 'org.admin2@demo.example.org',
    title: 'Youth employability support in Medway (demo)',
    valuePence: 9_500_000,
    publish: false,
  },
  {
    buyer: 'NHS Kent and Medway Integrated Care Board',
    officer: 'commissioner.icb@demo.example.org',
    supplierAdmin: 'org.admin3@demo.example.org',
    title: 'Social prescribing link workers (demo)',
    valuePence: 24_000_000,
    publish: true,
  },
];

const evidence = (name: string) => ({
  fileName: name,
  content: Buffer.from(`Demo evidence: ${name}. Invented for the demonstration; not a real record.\n`),
});

async function actorFor(database: Database, email: string, buyingStaff: boolean): Promise<Actor | undefined> {
  const [row] = await database.query<{ id: string; organisations: string[] }>(
    `SELECT u.id, coalesce(array_agg(m.organisation_id) FILTER (WHERE m.organisation_id IS NOT NULL), '{}') AS organisations
       FROM users u LEFT JOIN organisation_members m ON m.user_id = u.id WHERE u.email = $1 GROUP BY u.id`,
    [email],
  );
  return row && { userId: row.id, ip: '127.0.0.1', organisationIds: row.organisations, buyingStaff };
}

/** Adds the demo contracts; returns how many were made (none without a framework or the demo people). */
export async function seedDemoContracts(database: Database): Promise<number> {
  const [version] = await database.query<{ id: string }>(
    'SELECT id FROM impact_framework_versions ORDER BY version DESC LIMIT 1',
  );
  if (!version) return 0;
  const measures = await database.query<{ id: string }>(
    'SELECT id FROM impact_measures WHERE version_id = $1 ORDER BY proxy_value_pence IS NULL, code LIMIT 6',
    [version.id],
  );
  const contracts = contractsService({ database });
  const socialValue = socialValueService({ database });
  let made = 0;
  for (const [index, demo] of CONTRACTS.entries()) {
    const officer = await actorFor(database, demo.officer, true);
    const deliverer = await actorFor(database, demo.supplierAdmin, false);
    const [buyerId] = officer?.organisationIds ?? [];
    const [supplierId] = deliverer?.organisationIds ?? [];
    const first = measures[(index * 2) % measures.length]?.id;
    const second = measures[(index * 2 + 1) % measures.length]?.id;
    if (!officer || !deliverer || !buyerId || !supplierId || !first || !second) continue;
    const contract = await contracts.create(
      {
        buyerOrganisationId: buyerId,
        supplierOrganisationId: supplierId,
        title: demo.title,
        description: 'An invented contract for the demonstration.',
        valuePence: demo.valuePence,
        startDate: '2025-04-01',
        endDate: '2027-03-31',
      },
      officer,
    );
    const main = await socialValue.addCommitment(
      contract.id,
      { measureId: first, targetQuantity: String(40 + index * 10), reportingPeriod: 'quarter' },
      officer,
    );
    const extra = await socialValue.addCommitment(
      contract.id,
      { measureId: second, targetQuantity: String(200 + index * 50), reportingPeriod: 'year' },
      officer,
    );
    const quarter = (start: string, end: string, quantity: string) => ({
      commitmentId: main,
      periodStart: start,
      periodEnd: end,
      quantity,
      narrative: 'Delivered as planned (demo).',
    });
    const q1 = await socialValue.submitResult(
      contract.id,
      quarter('2025-04-01', '2025-06-30', String(8 + index)),
      [evidence('q1-return.txt')],
      deliverer,
    );
    await socialValue.verify(contract.id, q1, 'Checked against the quarterly return (demo).', officer);
    const q2 = await socialValue.submitResult(
      contract.id,
      quarter('2025-07-01', '2025-09-30', String(12 + index)),
      [evidence('q2-return.txt')],
      deliverer,
    );
    await socialValue.query(contract.id, q2, 'Please split the figure by district (demo).', officer);
    // The second contract's query is left for its deliverer to answer.
    if (index !== 1) {
      await socialValue.respond(
        contract.id,
        q2,
        {
          message: 'Split attached; one case was counted twice (demo).',
          periodStart: '2025-07-01',
          periodEnd: '2025-09-30',
          quantity: String(11 + index),
          narrative: 'Corrected after the buyer’s query (demo).',
        },
        [evidence('q2-by-district.csv')],
        deliverer,
      );
      await socialValue.verify(contract.id, q2, '', officer);
    }
    await socialValue.submitResult(
      contract.id,
      { ...quarter('2025-04-01', '2026-03-31', String(150 + index * 20)), commitmentId: extra },
      [],
      deliverer,
    );
    if (demo.publish) await contracts.publish(contract.id, officer);
    made += 1;
  }
  return made;
}
