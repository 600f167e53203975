import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// The alert tables of migration 0006.

export const FREQUENCIES = ['immediately', 'weekly', 'none'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export const alertPreferences = pgTable('alert_preferences', {
  userId: uuid('user_id').primaryKey(),
  frequency: text('frequency').$type<Frequency>().notNull(),
  unsubscribeToken: text('unsubscribe_token').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const alertDigests = pgTable(
  'alert_digests',
  {
    userId: uuid('user_id').notNull(),
    week: text('week').notNull(),
    opportunityIds: uuid('opportunity_ids').array().notNull().default([]),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.week] })],
);
