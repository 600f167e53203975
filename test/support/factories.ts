import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/client.ts';
import { insertUser } from '../../src/modules/accounts/accounts.repository.ts';
import { grantRoles } from '../../src/modules/admin/admin.repository.ts';
import { insertOrganisation, upsertMember } from '../../src/modules/organisations/organisations.repository.ts';
import { hashPassword } from '../../src/platform/passwords.ts';
import { type GlobalRole, startSession } from '../../src/platform/sessions.ts';

export const TEST_PASSWORD = 'correct horse battery staple';
// Hashing is deliberately slow; one hash serves every factory-made person.
const testPasswordHash = hashPassword(TEST_PASSWORD);

export async function buildUser(
  database: Database,
  options: { email?: string; displayName?: string; roles?: GlobalRole[]; verified?: boolean } = {},
) {
  const email = options.email ?? `person-${randomBytes(4).toString('hex')}@example.org`;
  const user = await insertUser(database.db, {
    email,
    displayName: options.displayName ?? 'Test Person',
    passwordHash: await testPasswordHash,
    emailVerified: options.verified ?? true,
  });
  await grantRoles(database.db, user.id, options.roles ?? [], null);
  return { ...user, password: TEST_PASSWORD };
}

export async function buildOrganisation(
  database: Database,
  options: { name?: string; admins?: { id: string }[]; members?: { id: string }[] } = {},
) {
  const organisation = await insertOrganisation(database.db, {
    name: options.name ?? `Test Organisation ${randomBytes(3).toString('hex')}`,
    charityNumber: null,
    companyNumber: null,
    createdBy: null,
  });
  for (const admin of options.admins ?? []) await upsertMember(database.db, organisation.id, admin.id, 'admin');
  for (const member of options.members ?? []) await upsertMember(database.db, organisation.id, member.id, 'member');
  return organisation;
}

/** A signed-in agent for a person, without going through the (rate-limited) sign-in form. */
export async function sessionCookieFor(database: Database, userId: string): Promise<string> {
  return startSession(database.db, userId);
}
