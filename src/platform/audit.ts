import { desc, sql } from 'drizzle-orm';
import type { Executor, SqlRunner } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export type AuditEntry = {
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
};

/** Records a write. Call it in the same transaction as the write, so neither is kept without the other. */
export async function recordAudit(executor: Executor, entry: AuditEntry): Promise<void> {
  await executor.insert(auditLog).values({
    actorUserId: entry.actorUserId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    details: entry.details ?? {},
    ip: entry.ip ?? null,
  });
}

/**
 * recordAudit on a plain SQL connection, for writes made with SQL rather than Drizzle (imports, bulk changes),
 * in the same transaction as the write.
 */
export async function recordAuditSql(runner: SqlRunner, entry: AuditEntry): Promise<void> {
  await runner.query(
    `INSERT INTO audit_log (actor_user_id, action, subject_type, subject_id, details, ip)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
    [
      entry.actorUserId,
      entry.action,
      entry.subjectType,
      entry.subjectId ?? null,
      JSON.stringify(entry.details ?? {}),
      entry.ip ?? null,
    ],
  );
}

export async function listAudit(executor: Executor, { limit, offset }: { limit: number; offset: number }) {
  const [rows, [count]] = await Promise.all([
    executor
      .select({
        id: auditLog.id,
        at: auditLog.at,
        action: auditLog.action,
        subjectType: auditLog.subjectType,
        subjectId: auditLog.subjectId,
        details: auditLog.details,
        ip: auditLog.ip,
        actorEmail: sql<string | null>`(SELECT email FROM users WHERE users.id = ${auditLog.actorUserId})`,
      })
      .from(auditLog)
      .orderBy(desc(auditLog.id))
      .limit(limit)
      .offset(offset),
    executor.select({ total: sql<number>`count(*)::int` }).from(auditLog),
  ]);
  return { rows, total: count?.total ?? 0 };
}
