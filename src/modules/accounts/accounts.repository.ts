import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { accountTokens, users } from '../../db/schema.ts';
import { hashToken, newToken } from '../../platform/tokens.ts';

export type TokenPurpose = 'verify_email' | 'reset_password';

export async function findUserByEmail(executor: Executor, email: string) {
  const [user] = await executor.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return user;
}

export async function findUserById(executor: Executor, id: string) {
  const [user] = await executor.select().from(users).where(eq(users.id, id));
  return user;
}

export async function insertUser(
  executor: Executor,
  values: { email: string; displayName: string; passwordHash: string; emailVerified?: boolean; isDemo?: boolean },
) {
  const [user] = await executor
    .insert(users)
    .values({
      email: values.email,
      displayName: values.displayName,
      passwordHash: values.passwordHash,
      emailVerifiedAt: values.emailVerified ? sql`now()` : null,
      isDemo: values.isDemo ?? false,
    })
    .returning();
  if (!user) throw new Error('insert into users returned no row');
  return user;
}

export async function setPasswordHash(executor: Executor, userId: string, passwordHash: string) {
  await executor.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, userId));
}

export async function markEmailVerified(executor: Executor, userId: string) {
  await executor
    .update(users)
    .set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`, updatedAt: sql`now()` })
    .where(eq(users.id, userId));
}

/** Issues a single-use link token. Older unused tokens for the same purpose stop working. */
export async function issueToken(
  executor: Executor,
  userId: string,
  purpose: TokenPurpose,
  lifetimeMinutes: number,
): Promise<string> {
  const token = newToken();
  await executor
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
  await executor.insert(accountTokens).values({
    tokenHash: hashToken(token),
    userId,
    purpose,
    expiresAt: sql`now() + make_interval(mins => ${lifetimeMinutes})`,
  });
  return token;
}

/** Marks a token used and returns its user id, or undefined when it is unknown, used or expired. */
export async function consumeToken(executor: Executor, token: string, purpose: TokenPurpose) {
  const [row] = await executor
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
      ),
    )
    .returning({ userId: accountTokens.userId });
  return row?.userId;
}

/** True when the token would be accepted, without using it up (to show the form behind a link). */
export async function isTokenUsable(executor: Executor, token: string, purpose: TokenPurpose) {
  const [row] = await executor
    .select({ userId: accountTokens.userId })
    .from(accountTokens)
    .where(
      and(
        eq(accountTokens.tokenHash, hashToken(token)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
      ),
    );
  return row !== undefined;
}
