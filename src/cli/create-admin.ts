import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { findUserByEmail, insertUser, issueToken } from '../modules/accounts/accounts.repository.ts';
import { emailField } from '../modules/accounts/accounts.schema.ts';
import { grantRoles } from '../modules/admin/admin.repository.ts';
import { recordAudit } from '../platform/audit.ts';
import type { Mailer } from '../platform/mail.ts';
import { hashPassword } from '../platform/passwords.ts';
import { paths } from '../platform/paths.ts';

const SET_PASSWORD_LINK_MINUTES = 24 * 60;

/**
 * Makes a person a hub admin, creating their account if needed. There is never a default password: a new
 * account gets a single-use link to choose one, printed here and sent by mail.
 */
export async function createAdmin(
  { config, database, mailer }: { config: Config; database: Database; mailer: Mailer },
  rawEmail: string,
  displayName: string | undefined,
): Promise<{ email: string; created: boolean; link: string | undefined }> {
  const parsed = emailField.safeParse(rawEmail);
  if (!parsed.success)
    throw new Error(`"${rawEmail}" is not an email address. Usage: create-admin name@example.org [--name "Full Name"]`);
  const email = parsed.data;
  const { db } = database;
  const result = await db.transaction(async (tx) => {
    const existing = await findUserByEmail(tx, email);
    const user =
      existing ??
      (await insertUser(tx, {
        email,
        displayName: displayName ?? email.split('@')[0] ?? email,
        // Unguessable and never shown: the only way in is the link below.
        passwordHash: await hashPassword(randomBytes(32).toString('hex')),
        emailVerified: true,
      }));
    await grantRoles(tx, user.id, ['hub_admin'], null);
    await recordAudit(tx, {
      actorUserId: null,
      action: 'user.roles_changed',
      subjectType: 'user',
      subjectId: user.id,
      details: { granted: ['hub_admin'], via: 'command line' },
    });
    const token = existing ? undefined : await issueToken(tx, user.id, 'reset_password', SET_PASSWORD_LINK_MINUTES);
    return { created: !existing, token };
  });
  const link = result.token ? `${config.baseUrl}${paths.account.resetPassword({ token: result.token })}` : undefined;
  if (link) {
    await mailer.send({
      to: email,
      subject: 'You are a hub admin on Working Connections',
      text: `An account has been created for you as a hub admin on Working Connections.\n\nChoose your password:\n\n${link}\n\nThe link works once and expires in 24 hours.\n\nWorking Connections`,
    });
  }
  return { email, created: result.created, link };
}
