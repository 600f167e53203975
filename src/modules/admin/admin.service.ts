import type { Database } from '../../db/client.ts';
import { listAudit, recordAudit } from '../../platform/audit.ts';
import { findOutboxMessage, listOutbox } from '../../platform/mail.ts';
import type { GlobalRole } from '../../platform/sessions.ts';
import { findUserById } from '../accounts/accounts.repository.ts';
import * as repository from './admin.repository.ts';

export const AUDIT_PAGE_SIZE = 50;

/** What hub admins do: find people, grant roles, read the audit log and the outbox. */
export function adminService({ database }: { database: Database }) {
  const { db } = database;
  return {
    searchUsers: (query: string) => repository.searchUsers(db, query),

    async userWithRoles(id: string) {
      const user = await findUserById(db, id);
      return user ? { ...user, roles: await repository.rolesOf(db, id) } : undefined;
    },

    /** Makes the person's roles exactly `wanted`; records what was granted and revoked. */
    async setRoles(userId: string, wanted: GlobalRole[], actor: { userId: string; ip: string }) {
      return db.transaction(async (tx) => {
        const current = await repository.rolesOf(tx, userId);
        const granted = wanted.filter((role) => !current.includes(role));
        const revoked = current.filter((role) => !wanted.includes(role));
        await repository.grantRoles(tx, userId, granted, actor.userId);
        await repository.revokeRoles(tx, userId, revoked);
        if (granted.length + revoked.length > 0) {
          await recordAudit(tx, {
            actorUserId: actor.userId,
            action: 'user.roles_changed',
            subjectType: 'user',
            subjectId: userId,
            details: { granted, revoked },
            ip: actor.ip,
          });
        }
        return { granted, revoked };
      });
    },

    async auditPage(page: number) {
      const { rows, total } = await listAudit(db, { limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE });
      return { rows, total, page, pageCount: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)) };
    },

    outbox: () => listOutbox(db, { limit: 100 }),
    outboxMessage: (id: string) => findOutboxMessage(db, id),
  };
}
