import { and, asc, desc, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisationInvitations, organisationMembers, organisations, users } from '../../db/schema.ts';
import type { OrganisationRole } from '../../platform/sessions.ts';
import { hashToken } from '../../platform/tokens.ts';
import { searchKeywordsFor } from './catalogue.ts';
import type { CreateOrganisationInput } from './organisations.schema.ts';
import type { ProfileInput } from './profile.schema.ts';

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

/** The table's columns for a profile, with the search keywords that go with its codes. */
export function profileColumns(profile: ProfileInput) {
  return {
    name: profile.name,
    legalForm: profile.legalForm,
    description: profile.description,
    incomePence: profile.income,
    incomePrivate: profile.incomePrivate,
    districts: profile.districts,
    wards: profile.wards,
    services: profile.services,
    activities: profile.activities,
    beneficiaries: profile.beneficiaries,
    assurances: profile.assurances,
    foundedYear: profile.foundedYear,
    staffCount: profile.staffCount,
    volunteerCount: profile.volunteerCount,
    website: profile.website,
    publicEmail: profile.publicEmail,
    publicPhone: profile.publicPhone,
    contactName: profile.contactName,
    contactEmail: profile.contactEmail,
    contactPhone: profile.contactPhone,
    charityNumber: profile.charityNumber,
    companyNumber: profile.companyNumber,
    searchKeywords: searchKeywordsFor(profile),
  };
}

export async function updateProfile(executor: Executor, id: string, profile: ProfileInput) {
  const [row] = await executor
    .update(organisations)
    .set({ ...profileColumns(profile), updatedAt: sql`now()` })
    .where(eq(organisations.id, id))
    .returning({ id: organisations.id });
  return row !== undefined;
}

/** Another organisation already using this charity or company number, if any. */
export async function findIdentifierClash(
  executor: Executor,
  identifiers: { charityNumber: string | null; companyNumber: string | null },
  exceptId?: string,
) {
  const clauses = [
    identifiers.charityNumber ? eq(organisations.charityNumber, identifiers.charityNumber) : undefined,
    identifiers.companyNumber ? eq(organisations.companyNumber, identifiers.companyNumber) : undefined,
  ].filter((clause) => clause !== undefined);
  if (clauses.length === 0) return undefined;
  const [row] = await executor
    .select({
      id: organisations.id,
      name: organisations.name,
      charityNumber: organisations.charityNumber,
      companyNumber: organisations.companyNumber,
    })
    .from(organisations)
    .where(and(or(...clauses), exceptId ? ne(organisations.id, exceptId) : undefined));
  return row;
}

export async function setVerified(executor: Executor, id: string, verifiedBy: string | null) {
  await executor
    .update(organisations)
    .set({ verifiedAt: verifiedBy ? sql`now()` : null, verifiedBy, updatedAt: sql`now()` })
    .where(eq(organisations.id, id));
}
