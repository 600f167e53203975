import { and, eq, gt, lte, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.ts';
import { organisationMembers, sessions, userRoles, users } from '../db/schema.ts';
import { hashToken, newToken } from './tokens.ts';

export const SESSION_COOKIE = 'wc_session';
export const SESSION_DAYS = 14;

export const GLOBAL_ROLES = ['commissioner', 'procurement_officer', 'trustee_candidate', 'hub_admin'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];
export type OrganisationRole = 'member' | 'admin';

/** The signed-in person, as every policy and page sees them. */
export type CurrentUser = {
  id: string;
  email: string;
  displayName: string;
  sessionId: string;
  roles: ReadonlySet<GlobalRole>;
  /** organisation id → their role in it */
  memberships: ReadonlyMap<string, OrganisationRole>;
};

/** Starts a session and returns the secret for the cookie; only its hash is stored. */
export async function startSession(executor: Executor, userId: string): Promise<string> {
  const token = newToken();
  // Expired sessions are swept here, person by person, so the table never needs a separate clean-up job.
  await executor.delete(sessions).where(and(eq(sessions.userId, userId), lte(sessions.expiresAt, sql`now()`)));
  await executor.insert(sessions).values({
    id: hashToken(token),
    userId,
    expiresAt: sql`now() + make_interval(days => ${SESSION_DAYS})`,
  });
  return token;
}

export async function endSession(executor: Executor, token: string): Promise<void> {
  await executor.delete(sessions).where(eq(sessions.id, hashToken(token)));
}

/** Signs a person out everywhere, except (optionally) the session they are using. */
export async function endOtherSessions(executor: Executor, userId: string, keepSessionId?: string): Promise<void> {
  await executor
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
}

/** One round trip: the session, its person, their roles and memberships. */
export async function findCurrentUser(executor: Executor, token: string): Promise<CurrentUser | null> {
  const sessionId = hashToken(token);
  const [row] = await executor
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      roles: sql<
        GlobalRole[]
      >`coalesce((SELECT array_agg(${userRoles.role}) FROM ${userRoles} WHERE ${userRoles.userId} = ${users.id}), '{}')`,
      memberships: sql<
        [string, OrganisationRole][] | null
      >`(SELECT json_agg(json_build_array(${organisationMembers.organisationId}, ${organisationMembers.role})) FROM ${organisationMembers} WHERE ${organisationMembers.userId} = ${users.id})`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, sql`now()`)));
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    sessionId,
    roles: new Set(row.roles),
    memberships: new Map(row.memberships ?? []),
  };
}
