import { and, asc, eq, gte, isNotNull, ne, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisationMembers, organisations, users } from '../../db/schema.ts';
import { opportunities } from '../opportunities/opportunities.tables.ts';
import { alertDigests, alertPreferences, type Frequency } from './alerts.tables.ts';

/**
 * What "fits" means for alerts: the opportunity shares a service or a district with a voluntary or community
 * organisation the person belongs to. Public bodies' members are buyers, not suppliers, so theirs do not count.
 */
const fits: SQL = and(
  ne(organisations.sector, 'public'),
  or(
    sql`${organisations.services} && ${opportunities.services}`,
    sql`${organisations.districts} && ${opportunities.districts}`,
  ),
) as SQL;

export async function findPreference(executor: Executor, userId: string) {
  const [row] = await executor.select().from(alertPreferences).where(eq(alertPreferences.userId, userId));
  return row;
}

export async function savePreference(executor: Executor, userId: string, frequency: Frequency, newToken: string) {
  await executor
    .insert(alertPreferences)
    .values({ userId, frequency, unsubscribeToken: newToken })
    .onConflictDoUpdate({ target: alertPreferences.userId, set: { frequency, updatedAt: new Date() } });
}

export async function findByUnsubscribeToken(executor: Executor, token: string) {
  const [row] = await executor
    .select({ userId: alertPreferences.userId, frequency: alertPreferences.frequency })
    .from(alertPreferences)
    .where(eq(alertPreferences.unsubscribeToken, token));
  return row;
}

const recipient = {
  userId: users.id,
  email: users.email,
  displayName: users.displayName,
  unsubscribeToken: alertPreferences.unsubscribeToken,
};

/** People who want to hear at once about this opportunity: verified addresses whose organisations it fits. */
export const immediateRecipients = (executor: Executor, opportunityId: string) =>
  executor
    .selectDistinct(recipient)
    .from(alertPreferences)
    .innerJoin(users, eq(users.id, alertPreferences.userId))
    .innerJoin(organisationMembers, eq(organisationMembers.userId, users.id))
    .innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
    .innerJoin(opportunities, eq(opportunities.id, opportunityId))
    .where(and(eq(alertPreferences.frequency, 'immediately'), isNotNull(users.emailVerifiedAt), fits));

/** People on the weekly digest who have not had this week's yet. */
export const digestRecipients = (executor: Executor, week: string) =>
  executor
    .select(recipient)
    .from(alertPreferences)
    .innerJoin(users, eq(users.id, alertPreferences.userId))
    .where(
      and(
        eq(alertPreferences.frequency, 'weekly'),
        isNotNull(users.emailVerifiedAt),
        notExists(
          executor
            .select({ one: sql`1` })
            .from(alertDigests)
            .where(and(eq(alertDigests.userId, users.id), eq(alertDigests.week, week))),
        ),
      ),
    )
    .orderBy(asc(users.email));

/** Opportunities published since a moment that fit one of the person's organisations. */
export const fittingSince = (executor: Executor, userId: string, since: Date) =>
  executor
    .selectDistinct({
      id: opportunities.id,
      title: opportunities.title,
      submissionDeadline: opportunities.submissionDeadline,
    })
    .from(opportunities)
    .innerJoin(organisationMembers, eq(organisationMembers.userId, userId))
    .innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
    .where(and(eq(opportunities.status, 'published'), gte(opportunities.publicationDate, since), fits))
    .orderBy(asc(opportunities.title));

/** Claims a person's digest for a week; false when it was already sent, so a second run sends nothing. */
export async function claimDigest(executor: Executor, userId: string, week: string, opportunityIds: string[]) {
  const rows = await executor
    .insert(alertDigests)
    .values({ userId, week, opportunityIds })
    .onConflictDoNothing()
    .returning({ userId: alertDigests.userId });
  return rows.length === 1;
}

/** Gives a claim back when its mail could not be sent, so that the next run tries again. */
export async function releaseDigest(executor: Executor, userId: string, week: string) {
  await executor.delete(alertDigests).where(and(eq(alertDigests.userId, userId), eq(alertDigests.week, week)));
}
