import type { Database } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Mailer } from '../../platform/mail.ts';
import { hashPassword, verifyPassword } from '../../platform/passwords.ts';
import { paths } from '../../platform/paths.ts';
import { endOtherSessions, endSession, startSession } from '../../platform/sessions.ts';
import { accountMail } from './accounts.mail.ts';
import * as repository from './accounts.repository.ts';
import type { RegisterInput } from './accounts.schema.ts';

const VERIFY_LINK_MINUTES = 24 * 60;
const RESET_LINK_MINUTES = 60;

export type AccountsDeps = { database: Database; mailer: Mailer; baseUrl: string };
type Actor = { userId: string | null; ip: string };

/** Accounts: registration, e-mail verification, sign-in and passwords. Mail goes out after the write commits. */
export function accountsService({ database, mailer, baseUrl }: AccountsDeps) {
  const { db } = database;
  const link = (path: string) => `${baseUrl}${path}`;

  async function sendVerification(user: { id: string; email: string; displayName: string }) {
    const token = await repository.issueToken(db, user.id, 'verify_email', VERIFY_LINK_MINUTES);
    await mailer.send(
      accountMail.verifyEmail(user.email, user.displayName, link(paths.account.verifyEmail({ token }))),
    );
  }

  return {
    /** The answer is the same whether or not the address has an account, so it cannot be used to find accounts. */
    async register(input: RegisterInput, actor: Actor): Promise<void> {
      // Hashing first keeps the response time the same for new and existing addresses.
      const passwordHash = await hashPassword(input.password);
      const existing = await repository.findUserByEmail(db, input.email);
      if (existing) {
        await mailer.send(
          accountMail.alreadyRegistered(
            input.email,
            link(paths.account.signIn()),
            link(paths.account.forgotPassword()),
          ),
        );
        return;
      }
      const user = await db.transaction(async (tx) => {
        const created = await repository.insertUser(tx, { ...input, passwordHash });
        await recordAudit(tx, {
          actorUserId: created.id,
          action: 'account.registered',
          subjectType: 'user',
          subjectId: created.id,
          ip: actor.ip,
        });
        return created;
      });
      await sendVerification(user);
    },

    async verifyEmail(token: string, actor: Actor): Promise<boolean> {
      return db.transaction(async (tx) => {
        const userId = await repository.consumeToken(tx, token, 'verify_email');
        if (!userId) return false;
        await repository.markEmailVerified(tx, userId);
        await recordAudit(tx, {
          actorUserId: userId,
          action: 'account.email_verified',
          subjectType: 'user',
          subjectId: userId,
          ip: actor.ip,
        });
        return true;
      });
    },

    async resendVerification(email: string): Promise<void> {
      const user = await repository.findUserByEmail(db, email);
      if (user && !user.emailVerifiedAt) await sendVerification(user);
    },

    /** Returns a new session's cookie value, or why sign-in failed. */
    async signIn(email: string, password: string, actor: Actor) {
      const user = await repository.findUserByEmail(db, email);
      const passwordMatches = await verifyPassword(user?.passwordHash, password);
      if (!user || !passwordMatches) {
        await recordAudit(db, {
          actorUserId: user?.id ?? null,
          action: 'session.sign_in_failed',
          subjectType: 'user',
          subjectId: user?.id,
          details: { email },
          ip: actor.ip,
        });
        return { ok: false as const, reason: 'invalid' as const };
      }
      if (!user.emailVerifiedAt) return { ok: false as const, reason: 'unverified' as const };
      const sessionToken = await db.transaction(async (tx) => {
        const token = await startSession(tx, user.id);
        await recordAudit(tx, {
          actorUserId: user.id,
          action: 'session.signed_in',
          subjectType: 'user',
          subjectId: user.id,
          ip: actor.ip,
        });
        return token;
      });
      return { ok: true as const, sessionToken };
    },

    async signOut(sessionToken: string, actor: Actor): Promise<void> {
      await db.transaction(async (tx) => {
        await endSession(tx, sessionToken);
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'session.signed_out',
          subjectType: 'user',
          subjectId: actor.userId,
          ip: actor.ip,
        });
      });
    },

    async requestPasswordReset(email: string): Promise<void> {
      const user = await repository.findUserByEmail(db, email);
      if (!user) return;
      const token = await repository.issueToken(db, user.id, 'reset_password', RESET_LINK_MINUTES);
      await mailer.send(accountMail.resetPassword(user.email, link(paths.account.resetPassword({ token }))));
    },

    isResetLinkUsable: (token: string) => repository.isTokenUsable(db, token, 'reset_password'),

    /** Sets the new password and signs the person out everywhere. False when the link is used or expired. */
    async resetPassword(token: string, password: string, actor: Actor): Promise<boolean> {
      const passwordHash = await hashPassword(password);
      const user = await db.transaction(async (tx) => {
        const userId = await repository.consumeToken(tx, token, 'reset_password');
        if (!userId) return undefined;
        await repository.setPasswordHash(tx, userId, passwordHash);
        // Following the e-mailed link proves the address too.
        await repository.markEmailVerified(tx, userId);
        await endOtherSessions(tx, userId);
        await recordAudit(tx, {
          actorUserId: userId,
          action: 'account.password_reset',
          subjectType: 'user',
          subjectId: userId,
          ip: actor.ip,
        });
        return repository.findUserById(tx, userId);
      });
      if (user) await mailer.send(accountMail.passwordChanged(user.email));
      return user !== undefined;
    },

    /** False when the current password is wrong. Other sessions end; this one stays. */
    async changePassword(
      user: { id: string; email: string; sessionId: string },
      currentPassword: string,
      password: string,
      actor: Actor,
    ): Promise<boolean> {
      const stored = await repository.findUserById(db, user.id);
      if (!stored || !(await verifyPassword(stored.passwordHash, currentPassword))) return false;
      const passwordHash = await hashPassword(password);
      await db.transaction(async (tx) => {
        await repository.setPasswordHash(tx, user.id, passwordHash);
        await endOtherSessions(tx, user.id, user.sessionId);
        await recordAudit(tx, {
          actorUserId: user.id,
          action: 'account.password_changed',
          subjectType: 'user',
          subjectId: user.id,
          ip: actor.ip,
        });
      });
      await mailer.send(accountMail.passwordChanged(user.email));
      return true;
    },
  };
}
