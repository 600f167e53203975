import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { userRoles, users } from '../../db/schema.ts';
import type { GlobalRole } from '../../platform/sessions.ts';

const USERS_PAGE_SIZE = 100;

export async function searchUsers(executor: Executor, query: string) {
  const pattern = `%${query.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return executor
    .select({
      id: users.id,
      email: users.email,
      displayName: users.displayName,
      emailVerifiedAt: users.emailVerifiedAt,
      roles: sql<
        GlobalRole[]
      >`coalesce((SELECT array_agg(${userRoles.role} ORDER BY ${userRoles.role}) FROM ${userRoles} WHERE ${userRoles.userId} = ${users.id}), '{}')`,
    })
    .from(users)
    .where(query ? sql`(${users.email} ILIKE ${pattern} OR ${users.displayName} ILIKE ${pattern})` : undefined)
    .orderBy(asc(users.email))
    .limit(USERS_PAGE_SIZE);
}

export async function rolesOf(executor: Executor, userId: string): Promise<GlobalRole[]> {
  const rows = await executor.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  return rows.map((row) => row.role as GlobalRole);
}

export async function grantRoles(executor: Executor, userId: string, roles: GlobalRole[], grantedBy: string | null) {
  if (roles.length === 0) return;
  await executor
    .insert(userRoles)
    .values(roles.map((role) => ({ userId, role, grantedBy })))
    .onConflictDoNothing();
}

export async function revokeRoles(executor: Executor, userId: string, roles: GlobalRole[]) {
  if (roles.length === 0) return;
  await executor.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.role, roles)));
}
