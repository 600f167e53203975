import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

// The tables of migration 0005 and the OCDS release store of 0004, typed for this module's queries.

const at = (name: string) => timestamp(name, { withTimezone: true });

/** A JSON document kept as its text (migration 0030): parsed when read, serialised when written. */
const jsonText = customType<{ data: Record<string, unknown>; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => JSON.parse(value) as Record<string, unknown>,
});

export const STATUSES = ['draft', 'published', 'closed', 'awarded', 'contract', 'completed', 'terminated'] as const;
export type OpportunityStatus = (typeof STATUSES)[number];
export const KINDS = ['intention', 'engagement', 'opportunity'] as const;
export type OpportunityKind = (typeof KINDS)[number];
export const PROCUREMENT_TYPES = ['tender', 'grant', 'sla', 'call_off'] as const;
export type ProcurementType = (typeof PROCUREMENT_TYPES)[number];

export const opportunities = pgTable('opportunities', {
  id: uuid('id').primaryKey().defaultRandom(),
  buyerOrganisationId: uuid('buyer_organisation_id').notNull(),
  kind: text('kind').$type<OpportunityKind>().notNull(),
  procurementType: text('procurement_type').$type<ProcurementType>().notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  outcomesSought: text('outcomes_sought').notNull().default(''),
  districts: text('districts').array().notNull().default([]),
  services: text('services').array().notNull().default([]),
  valuePence: bigint('value_pence', { mode: 'number' }),
  durationMonths: integer('duration_months'),
  plannedDate: date('planned_date', { mode: 'string' }),
  publicationDate: at('publication_date'),
  clarificationDeadline: at('clarification_deadline'),
  submissionDeadline: at('submission_deadline'),
  suitableForVcse: boolean('suitable_for_vcse').notNull().default(false),
  suitableForSme: boolean('suitable_for_sme').notNull().default(false),
  reservedForVcse: boolean('reserved_for_vcse').notNull().default(false),
  socialValueWeightingPercent: integer('social_value_weighting_percent').notNull().default(10),
  status: text('status').$type<OpportunityStatus>().notNull().default('draft'),
  ocid: text('ocid').notNull(),
  createdBy: uuid('created_by'),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const opportunityLots = pgTable('opportunity_lots', {
  id: uuid('id').primaryKey().defaultRandom(),
  opportunityId: uuid('opportunity_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  valuePence: bigint('value_pence', { mode: 'number' }),
  districts: text('districts').array().notNull().default([]),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const opportunityAwards = pgTable('opportunity_awards', {
  id: uuid('id').primaryKey().defaultRandom(),
  opportunityId: uuid('opportunity_id').notNull(),
  organisationId: uuid('organisation_id').notNull(),
  valuePence: bigint('value_pence', { mode: 'number' }),
  awardedAt: at('awarded_at').notNull().defaultNow(),
  /** Set when the award went to a consortium, whose lead is the organisation. */
  consortiumId: uuid('consortium_id'),
  /** The lots the award covers; none for the whole opportunity. */
  lotIds: uuid('lot_ids').array().notNull().default([]),
});

export const opportunityHistory = pgTable('opportunity_history', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  opportunityId: uuid('opportunity_id').notNull(),
  actorUserId: uuid('actor_user_id'),
  at: at('at').notNull().defaultNow(),
  change: text('change').notNull(),
  before: jsonb('before').$type<Record<string, unknown>>().notNull(),
  after: jsonb('after').$type<Record<string, unknown>>().notNull(),
});

export const ocdsReleases = pgTable('ocds_releases', {
  ocid: text('ocid').notNull(),
  releaseId: text('release_id').notNull(),
  date: at('date').notNull(),
  tags: text('tags').array().notNull(),
  source: text('source').$type<'platform' | 'import'>().notNull(),
  /** The publisher, licence and extensions of the package the release came in (migration 0025). */
  packageId: bigint('package_id', { mode: 'number' }),
  // Kept as written (migrations 0013 and 0030).
  release: jsonText('release').notNull(),
});

// Migration 0010: the impact framework outcomes an opportunity asks for, by code.
export const opportunityOutcomes = pgTable(
  'opportunity_outcomes',
  { opportunityId: uuid('opportunity_id').notNull(), outcomeCode: text('outcome_code').notNull() },
  (table) => [primaryKey({ columns: [table.opportunityId, table.outcomeCode] })],
);

export type Opportunity = typeof opportunities.$inferSelect;
export type OpportunityLot = typeof opportunityLots.$inferSelect;

export const ocdsRecords = pgTable('ocds_records', {
  ocid: text('ocid').primaryKey(),
  compiledRelease: jsonText('compiled_release').notNull(),
  releaseCount: integer('release_count').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});
