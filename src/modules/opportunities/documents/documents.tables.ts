import { customType, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The tables of migration 0006 that belong to an opportunity: its documents and clarification questions.

const at = (name: string) => timestamp(name, { withTimezone: true });
// node-postgres gives a Buffer, PGlite a Uint8Array: both are read back as a Buffer.
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

export const opportunityDocuments = pgTable('opportunity_documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  opportunityId: uuid('opportunity_id').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  content: bytea('content').notNull(),
  uploadedBy: uuid('uploaded_by'),
  uploadedAt: at('uploaded_at').notNull().defaultNow(),
});

export const opportunityQuestions = pgTable('opportunity_questions', {
  id: uuid('id').primaryKey().defaultRandom(),
  opportunityId: uuid('opportunity_id').notNull(),
  askedBy: uuid('asked_by').notNull(),
  question: text('question').notNull(),
  askedAt: at('asked_at').notNull().defaultNow(),
  answer: text('answer'),
  answeredBy: uuid('answered_by'),
  answeredAt: at('answered_at'),
});
