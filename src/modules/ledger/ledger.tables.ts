import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  numeric,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

// The tables of migrations 0011 and 0014, typed for this module's queries.

const at = (name: string) => timestamp(name, { withTimezone: true });
// node-postgres gives a Buffer, PGlite a Uint8Array: both are read back as a Buffer.
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const ENTRY_KINDS = ['commitment', 'result', 'query', 'response', 'verification', 'correction'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];
export const REPORTING_PERIODS = ['month', 'quarter', 'year'] as const;
export type ReportingPeriod = (typeof REPORTING_PERIODS)[number];
export const RESULT_STATUSES = ['submitted', 'queried', 'verified'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const contracts = pgTable('contracts', {
  id: uuid('id').primaryKey().defaultRandom(),
  opportunityId: uuid('opportunity_id'),
  awardId: uuid('award_id'),
  buyerOrganisationId: uuid('buyer_organisation_id').notNull(),
  supplierOrganisationId: uuid('supplier_organisation_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  valuePence: bigint('value_pence', { mode: 'number' }),
  startDate: date('start_date', { mode: 'string' }),
  endDate: date('end_date', { mode: 'string' }),
  districts: text('districts').array().notNull().default([]),
  frameworkVersionId: uuid('framework_version_id').notNull(),
  publishedAt: at('published_at'),
  createdBy: uuid('created_by'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const ledger = pgTable('social_value_ledger', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  id: uuid('id').notNull(),
  contractId: uuid('contract_id').notNull(),
  kind: text('kind').$type<EntryKind>().notNull(),
  subjectId: uuid('subject_id'),
  correctsId: uuid('corrects_id'),
  actorUserId: uuid('actor_user_id'),
  recordedAt: at('recorded_at').notNull(),
  body: text('body').notNull(),
  previousHash: text('previous_hash').notNull(),
  hash: text('hash').notNull(),
});

export const ledgerHead = pgTable('social_value_ledger_head', {
  singleton: boolean('singleton').primaryKey().default(true),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const commitments = pgTable('social_value_commitments', {
  id: uuid('id').primaryKey(),
  contractId: uuid('contract_id').notNull(),
  measureId: uuid('measure_id').notNull(),
  targetQuantity: numeric('target_quantity').notNull(),
  reportingPeriod: text('reporting_period').$type<ReportingPeriod>().notNull(),
  proxyValuePence: bigint('proxy_value_pence', { mode: 'number' }),
  verifiedQuantity: numeric('verified_quantity').notNull().default('0'),
  unverifiedQuantity: numeric('unverified_quantity').notNull().default('0'),
  supersededBy: uuid('superseded_by'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const results = pgTable('social_value_results', {
  id: uuid('id').primaryKey(),
  commitmentId: uuid('commitment_id').notNull(),
  contractId: uuid('contract_id').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  periodEnd: date('period_end', { mode: 'string' }).notNull(),
  quantity: numeric('quantity').notNull(),
  narrative: text('narrative').notNull().default(''),
  status: text('status').$type<ResultStatus>().notNull(),
  latestEntryId: uuid('latest_entry_id').notNull(),
  submittedBy: uuid('submitted_by'),
  submittedAt: at('submitted_at').notNull(),
  verifiedAt: at('verified_at'),
});

export const evidence = pgTable('social_value_evidence', {
  id: uuid('id').primaryKey().defaultRandom(),
  resultId: uuid('result_id').notNull(),
  entryId: uuid('entry_id').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  content: bytea('content').notNull(),
  uploadedAt: at('uploaded_at').notNull().defaultNow(),
});

export type Contract = typeof contracts.$inferSelect;
export type LedgerRow = typeof ledger.$inferSelect;
export type Commitment = typeof commitments.$inferSelect;
export type Result = typeof results.$inferSelect;

// The parts of migration 0010's framework that contracts read: which version is current, and its measures.
export const frameworkVersions = pgTable('impact_framework_versions', {
  id: uuid('id').primaryKey(),
  version: integer('version').notNull(),
  title: text('title').notNull(),
});

export const measures = pgTable('impact_measures', {
  id: uuid('id').primaryKey(),
  versionId: uuid('version_id').notNull(),
  code: text('code').notNull(),
  title: text('title').notNull(),
  unit: text('unit').notNull(),
  proxyValuePence: bigint('proxy_value_pence', { mode: 'number' }),
  proxySource: text('proxy_source').notNull(),
  position: integer('position').notNull(),
});
