import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../platform/passwords.ts';
import type { Database } from '../client.ts';
import { seedDemoConsortia } from './demo-consortia.ts';
import { seedDemoContracts } from './demo-contracts.ts';
import { seedDemoOpportunities } from './demo-opportunities.ts';
import { generateDemoOrganisations } from './demo-organisations.ts';
import { seedDemoOutcomes } from './demo-outcomes.ts';
import { seedDemoPartnerRequests } from './demo-partners.ts';

export const DEMO_ORGANISATION_COUNT = 12_000;
const BATCH = 1000;

type DemoPerson = { email: string; name: string; roles: string[]; organisation?: string; orgRole?: 'admin' | 'member' };

// Commissioners and buyers work for real public bodies; the people themselves are invented.
const PUBLIC_BODIES = ['Kent County Council', 'Medway Council', 'NHS Kent and Medway Integrated Care Board'];

const DEMO_PEOPLE: DemoPerson[] = [
  { email: 'hub.admin@demo.example.org', name: 'Hana Hub (demo)', roles: ['hub_admin'] },
  {
    email: 'commissioner.kcc@demo.example.org',
    name: 'Kiran Commissioner (demo)',
    roles: ['commissioner'],
    organisation: 'Kent County Council',
    orgRole: 'member',
  },
  {
    email: 'procurement.kcc@demo.example.org',
    name: 'Pat Procurement (demo)',
    roles: ['procurement_officer'],
    organisation: 'Kent County Council',
    orgRole: 'member',
  },
  {
    email: 'commissioner.medway@demo.example.org',
    name: 'Morgan Commissioner (demo)',
    roles: ['commissioner'],
    organisation: 'Medway Council',
    orgRole: 'member',
  },
  {
    email: 'procurement.medway@demo.example.org',
    name: 'Mo Procurement (demo)',
    roles: ['procurement_officer'],
    organisation: 'Medway Council',
    orgRole: 'member',
  },
  {
    email: 'commissioner.icb@demo.example.org',
    name: 'Nia Commissioner (demo)',
    roles: ['commissioner'],
    organisation: 'NHS Kent and Medway Integrated Care Board',
    orgRole: 'member',
  },
  {
    email: 'procurement.icb@demo.example.org',
    name: 'Noor Procurement (demo)',
    roles: ['procurement_officer'],
    organisation: 'NHS Kent and Medway Integrated Care Board',
    orgRole: 'member',
  },
  { email: 'trustee@demo.example.org', name: 'Tomi Trustee (demo)', roles: ['trustee_candidate'] },
];
const DEMO_ORG_ADMINS = 10;

export type SeedResult = {
  organisations: number;
  people: { email: string; roles: string; organisation: string }[];
  password: string;
  milliseconds: number;
};

export async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.query<{ empty: boolean }>(
    'SELECT NOT EXISTS (SELECT 1 FROM organisations) AND NOT EXISTS (SELECT 1 FROM users) AS empty',
  );
  return row?.empty ?? false;
}

/**
 * Fills an empty database with the deterministic demo dataset, in one transaction. Every demo person shares one
 * password, made at random for this run and printed by the caller: there is no fixed demo password.
 */
export async function seedDemoData(database: Database, count = DEMO_ORGANISATION_COUNT): Promise<SeedResult> {
  const started = performance.now();
  if (!(await isEmpty(database)))
    throw new Error('The database already has data: the demo data is only added to an empty database.');
  const password = randomBytes(9).toString('base64url');
  const passwordHash = await hashPassword(password);
  const organisations = generateDemoOrganisations(count);
  const people: SeedResult['people'] = [];

  await database.transaction(async (tx) => {
    const [hubAdmin] = await tx.query<{ id: string }>(
      `INSERT INTO users (email, display_name, password_hash, email_verified_at, is_demo) VALUES ($1, $2, $3, now(), true) RETURNING id`,
      [DEMO_PEOPLE[0]?.email, DEMO_PEOPLE[0]?.name, passwordHash],
    );
    const columns =
      'name, legal_form, description, income_pence, income_private, districts, wards, services, activities, beneficiaries, assurances, founded_year, staff_count, volunteer_count, website, public_email, public_phone, contact_name, contact_email, contact_phone, charity_number, company_number, search_keywords, is_demo';
    for (let start = 0; start < organisations.length; start += BATCH) {
      const batch = organisations.slice(start, start + BATCH);
      await tx.query(
        `INSERT INTO organisations (${columns}, verified_at, verified_by)
         SELECT ${columns}, CASE WHEN (j->>'verified')::boolean THEN now() END, CASE WHEN (j->>'verified')::boolean THEN $2::uuid END
           FROM json_array_elements($1::json) AS j, json_populate_record(null::organisations, j)`,
        [JSON.stringify(batch), hubAdmin?.id],
      );
    }
    await seedDemoOutcomes(tx);
    const bodies = await tx.query<{ id: string; name: string }>(
      `INSERT INTO organisations (name, sector, description, is_demo)
       SELECT name, 'public', 'A public body that commissions and buys services in Kent and Medway.', true FROM unnest($1::text[]) AS name
       RETURNING id, name`,
      [PUBLIC_BODIES],
    );
    const orgIds = new Map(bodies.map((body) => [body.name, body.id]));
    const firstOrganisations = await tx.query<{ id: string; name: string }>(
      `SELECT id, name FROM organisations WHERE sector = 'vcse' AND tier BETWEEN 2 AND 4 ORDER BY md5(name) LIMIT $1`,
      [DEMO_ORG_ADMINS],
    );
    const everyone: DemoPerson[] = [
      ...DEMO_PEOPLE.slice(1),
      ...firstOrganisations.map((organisation, index) => ({
        email: `org.admin${index + 1}@demo.example.org`,
        name: `Org Admin ${index + 1} (demo)`,
        roles: [],
        organisation: organisation.name,
        orgRole: 'admin' as const,
      })),
    ];
    for (const organisation of firstOrganisations) orgIds.set(organisation.name, organisation.id);
    people.push({ email: DEMO_PEOPLE[0]?.email ?? '', roles: 'hub admin', organisation: '' });
    for (const person of everyone) {
      const [user] = await tx.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash, email_verified_at, is_demo) VALUES ($1, $2, $3, now(), true) RETURNING id`,
        [person.email, person.name, passwordHash],
      );
      for (const role of person.roles)
        await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [user?.id, role]);
      if (person.organisation) {
        await tx.query('INSERT INTO organisation_members (organisation_id, user_id, role) VALUES ($1, $2, $3)', [
          orgIds.get(person.organisation),
          user?.id,
          person.orgRole,
        ]);
      }
      people.push({
        email: person.email,
        roles: person.roles.join(', ').replace('_', ' ') || `org ${person.orgRole}`,
        organisation: person.organisation ?? '',
      });
    }
    await tx.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [hubAdmin?.id, 'hub_admin']);
    await tx.query(
      `INSERT INTO audit_log (action, subject_type, details) VALUES ('demo.seeded', 'database', $1::jsonb)`,
      [JSON.stringify({ organisations: organisations.length, people: people.length })],
    );
  });
  // Through the services, after the people exist, so that the ledger's chain is the real thing.
  await seedDemoContracts(database);
  const forConsortia = await seedDemoOpportunities(database);
  await seedDemoConsortia(database, forConsortia);
  await seedDemoPartnerRequests(database, forConsortia);
  // Fresh statistics, so that the planner picks the search indexes from the first query on.
  await database.exec('ANALYZE organisations, organisation_outcomes');
  return {
    organisations: organisations.length,
    people,
    password,
    milliseconds: Math.round(performance.now() - started),
  };
}

export function describeSeed(result: SeedResult): string {
  const lines = result.people.map(
    (person) => `  ${person.email.padEnd(40)} ${person.roles}${person.organisation ? ` (${person.organisation})` : ''}`,
  );
  return [
    `Demo data: ${result.organisations} organisations and ${result.people.length} people, added in ${(result.milliseconds / 1000).toFixed(1)} s.`,
    `Every demo person signs in with the password ${result.password}`,
    ...lines,
  ].join('\n');
}
