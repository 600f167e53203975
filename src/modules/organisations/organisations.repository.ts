import { and, asc, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisationInvitations, organisationMembers, organisations, users } from '../../db/schema.ts';
import type { OrganisationRole } from '../../platform/sessions.ts';
import { hashToken } from '../../platform/tokens.ts';
import type { CreateOrganisationInput } from './organisations.schema.ts';

export async function insertOrganisation(
  executor: Executor,
  input: CreateOrganisationInput & { createdBy: string | null; isDemo?: boolean },
) {
  const [row] = await executor.insert(organisations).values(input).returning();
  if (!row) throw new Error('insert into organisations returned no row');
  return row;
}

export async function findOrganisation(executor: Executor, id: string) {
  const [row] = await executor.select().from(organisations).where(eq(organisations.id, id));
  return row;
}

export async function listOrganisations(executor: Executor, { limit, offset }: { limit: number; offset: number }) {
  const [rows, [total]] = await Promise.all([
    executor
      .select({ id: organisations.id, name: organisations.name, isDemo: organisations.isDemo })
      .from(organisations)
      .orderBy(asc(sql`lower(${organisations.name})`), asc(organisations.id))
      .limit(limit)
      .offset(offset),
    executor.select({ count: count() }).from(organisations),
  ]);
  return { rows, total: total?.count ?? 0 };
}

export async function upsertMember(executor: Executor, organisationId: string, userId: string, role: OrganisationRole) {
  await executor
    .insert(organisationMembers)
    .values({ organisationId, userId, role })
    .onConflictDoUpdate({ target: [organisationMembers.organisationId, organisationMembers.userId], set: { role } });
}

export async function listMembers(executor: Executor, organisationId: string) {
  return executor
    .select({ userId: users.id, displayName: users.displayName, email: users.email, role: organisationMembers.role })
    .from(organisationMembers)
    .innerJoin(users, eq(users.id, organisationMembers.userId))
    .where(eq(organisationMembers.organisationId, organisationId))
    .orderBy(asc(users.displayName));
}

export async function organisationsOfUser(executor: Executor, userId: string) {
  return executor
    .select({ id: organisations.id, name: organisations.name, role: organisationMembers.role })
    .from(organisationMembers)
    .innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
    .where(eq(organisationMembers.userId, userId))
    .orderBy(asc(organisations.name));
}

export async function insertInvitation(
  executor: Executor,
  values: {
    organisationId: string;
    email: string;
    role: OrganisationRole;
    tokenHash: string;
    invitedBy: string;
    days: number;
  },
) {
  const [row] = await executor
    .insert(organisationInvitations)
    .values({ ...values, expiresAt: sql`now() + make_interval(days => ${values.days})` })
    .returning({ id: organisationInvitations.id });
  if (!row) throw new Error('insert into organisation_invitations returned no row');
  return row;
}

export async function pendingInvitations(executor: Executor, organisationId: string) {
  return executor
    .select({
      id: organisationInvitations.id,
      email: organisationInvitations.email,
      role: organisationInvitations.role,
      expiresAt: organisationInvitations.expiresAt,
    })
    .from(organisationInvitations)
    .where(
      and(
        eq(organisationInvitations.organisationId, organisationId),
        isNull(organisationInvitations.acceptedAt),
        gt(organisationInvitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(organisationInvitations.createdAt));
}

/** An invitation that can still be accepted, with its organisation's name. */
export async function findOpenInvitation(executor: Executor, token: string) {
  const [row] = await executor
    .select({
      id: organisationInvitations.id,
      organisationId: organisationInvitations.organisationId,
      organisationName: organisations.name,
      email: organisationInvitations.email,
      role: organisationInvitations.role,
    })
    .from(organisationInvitations)
    .innerJoin(organisations, eq(organisations.id, organisationInvitations.organisationId))
    .where(
      and(
        eq(organisationInvitations.tokenHash, hashToken(token)),
        isNull(organisationInvitations.acceptedAt),
        gt(organisationInvitations.expiresAt, sql`now()`),
      ),
    );
  return row ? { ...row, role: row.role as OrganisationRole } : undefined;
}

/** Marks it accepted; false when someone else got there first. */
export async function markInvitationAccepted(executor: Executor, invitationId: string, userId: string) {
  const rows = await executor
    .update(organisationInvitations)
    .set({ acceptedAt: sql`now()`, acceptedBy: userId })
    .where(and(eq(organisationInvitations.id, invitationId), isNull(organisationInvitations.acceptedAt)))
    .returning({ id: organisationInvitations.id });
  return rows.length === 1;
}
