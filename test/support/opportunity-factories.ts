import type { Database } from '../../src/db/client.ts';
import type { OpportunityInput } from '../../src/modules/opportunities/opportunities.schema.ts';
import type { Actor } from '../../src/modules/opportunities/opportunities.service.ts';
import { buildOrganisation, buildUser } from './factories.ts';

// Test data shared by this module's tests: a public body with a procurement officer, and a full opportunity.

export async function buildBuyer(database: Database) {
  const officer = await buildUser(database, { roles: ['procurement_officer'] });
  const body = await buildOrganisation(database, { members: [{ id: officer.id }] });
  await database.query(`UPDATE organisations SET sector = 'public' WHERE id = $1`, [body.id]);
  const actor: Actor = { userId: officer.id, ip: '127.0.0.1', organisationIds: [body.id] };
  return { officer, body, actor };
}

export const inAWeek = () => new Date(Date.now() + 7 * 24 * 60 * 60 * 1000);

export const opportunityInput = (overrides: Partial<OpportunityInput> = {}): OpportunityInput => ({
  kind: 'opportunity',
  procurementType: 'tender',
  title: 'Community support for older people in Swale',
  description: 'Befriending and practical help at home.',
  outcomesSought: 'Fewer emergency admissions; less loneliness.',
  districts: ['E07000113'],
  services: [],
  outcomeCodes: [],
  valuePence: 25_000_000,
  durationMonths: 24,
  plannedDate: null,
  clarificationDeadline: null,
  submissionDeadline: inAWeek(),
  suitableForVcse: true,
  suitableForSme: true,
  reservedForVcse: false,
  socialValueWeightingPercent: 20,
  ...overrides,
});
