import { randomUUID } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { canonicalJson, entryHash, GENESIS_HASH, type JsonValue } from './hash-chain.ts';
import { type EntryKind, type LedgerRow, ledger, ledgerHead } from './ledger.tables.ts';

// Any fixed number: it names the lock that puts appends to the ledger one after another.
export const LEDGER_LOCK = 727_005;

export type NewEntry = {
  contractId: string;
  kind: EntryKind;
  subjectId?: string | null;
  correctsId?: string | null;
  actorUserId: string | null;
  body: { [key: string]: JsonValue };
  recordedAt?: Date;
};

/**
 * Appends one entry to the chain inside the caller's transaction, which also writes the current-state rows that
 * follow from it, so the entry and its effects are kept together or not at all. The transaction-scoped lock
 * makes concurrent appends wait their turn, so two can never take the same seq or link to the same predecessor;
 * it is released at commit or rollback.
 */
export async function appendEntry(tx: Executor, entry: NewEntry): Promise<LedgerRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LEDGER_LOCK})`);
  const [last] = await tx
    .select({ seq: ledger.seq, hash: ledger.hash })
    .from(ledger)
    .orderBy(desc(ledger.seq))
    .limit(1);
  // Milliseconds, as the hash reads them back: a Date holds no finer time.
  const recordedAt = new Date(entry.recordedAt ?? Date.now());
  const row = {
    seq: Number(last?.seq ?? 0) + 1,
    id: randomUUID(),
    contractId: entry.contractId,
    kind: entry.kind,
    subjectId: entry.subjectId ?? null,
    correctsId: entry.correctsId ?? null,
    actorUserId: entry.actorUserId,
    recordedAt,
    body: canonicalJson(entry.body),
    previousHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = entryHash({ ...row, recordedAt: recordedAt.toISOString() });
  const [inserted] = await tx
    .insert(ledger)
    .values({ ...row, hash })
    .returning();
  await tx
    .insert(ledgerHead)
    .values({ singleton: true, seq: row.seq, hash })
    .onConflictDoUpdate({ target: ledgerHead.singleton, set: { seq: row.seq, hash, updatedAt: sql`now()` } });
  if (!inserted) throw new Error('the ledger entry was not written');
  return inserted;
}
