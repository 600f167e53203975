import type { SqlRunner } from '../../db/client.ts';
import { type ChainBreak, checkEntry, GENESIS_HASH, type StoredEntry } from './hash-chain.ts';

export type LedgerProblem =
  | ChainBreak
  | { seq: number | null; id: string | null; problem: 'head' | 'evidence'; message: string };
export type Verification =
  | { holds: true; entries: number; evidenceFiles: number }
  | { holds: false; entries: number; problem: LedgerProblem };

// Each batch comes back as one JSON text, an array of rows that are themselves arrays of the columns in the order
// they are hashed, then the stored hash. One value per batch spares the driver a million rows of parsing, and
// JSON.parse gives back exactly the stored strings. recorded_at is formatted by the database as
// Date.toISOString writes it, which is what was hashed.
const BATCH_SQL = `SELECT coalesce(json_agg(json_build_array(seq, id, contract_id, kind, subject_id, corrects_id,
    actor_user_id, to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), body, previous_hash,
    hash) ORDER BY seq), '[]')::text AS batch
  FROM (SELECT * FROM social_value_ledger WHERE seq > $1 ORDER BY seq LIMIT $2) AS page`;

type Row = [
  number,
  string,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string,
  string,
  string,
  string,
];

const toEntry = (row: Row): StoredEntry => ({
  seq: row[0],
  id: row[1],
  contractId: row[2],
  kind: row[3],
  subjectId: row[4],
  correctsId: row[5],
  actorUserId: row[6],
  recordedAt: row[7],
  body: row[8],
  previousHash: row[9],
  hash: row[10],
});

/**
 * Recomputes the whole chain in seq order, a batch at a time (keyset pagination on seq, so each batch is an index
 * range and memory stays flat), and stops at the first entry that does not hold. Then checks that the chain ends
 * where the head says it does, and that every evidence file still has the SHA-256 its ledger entry recorded.
 */
export async function verifyLedger(runner: SqlRunner, { batchSize = 20_000 } = {}): Promise<Verification> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let afterSeq = 0;
  for (;;) {
    const [page] = await runner.query<{ batch: string }>(BATCH_SQL, [afterSeq, batchSize]);
    const rows = JSON.parse(page?.batch ?? '[]') as Row[];
    for (const row of rows) {
      const entry = toEntry(row);
      const problem = checkEntry(entry, expectedSeq, previousHash);
      if (problem) return { holds: false, entries: expectedSeq - 1, problem };
      expectedSeq = entry.seq + 1;
      previousHash = entry.hash;
    }
    if (rows.length < batchSize) break;
    afterSeq = expectedSeq - 1;
  }
  const entries = expectedSeq - 1;
  const headProblem = await checkHead(runner, entries, previousHash);
  if (headProblem) return { holds: false, entries, problem: headProblem };
  const evidence = await checkEvidence(runner);
  if ('problem' in evidence) return { holds: false, entries, problem: evidence.problem };
  return { holds: true, entries, evidenceFiles: evidence.files };
}

async function checkHead(runner: SqlRunner, lastSeq: number, lastHash: string): Promise<LedgerProblem | null> {
  const [head] = await runner.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM social_value_ledger_head',
  );
  const headSeq = head ? Number(head.seq) : 0;
  const problem = (message: string): LedgerProblem => ({ seq: headSeq || null, id: null, problem: 'head', message });
  if (headSeq > lastSeq)
    return problem(
      `The chain ends at entry ${lastSeq} but the ledger's head is entry ${headSeq}: ` +
        `entr${headSeq - lastSeq > 1 ? `ies ${lastSeq + 1}–${headSeq} are` : `y ${headSeq} is`} missing from the end.`,
    );
  if (headSeq < lastSeq)
    return problem(
      `The chain goes on to entry ${lastSeq} but the ledger's head is entry ${headSeq}: ` +
        'entries were added without going through the service.',
    );
  if (head && head.hash !== lastHash)
    return problem(`The hash of entry ${lastSeq} is not the one the ledger's head recorded: it was re-hashed.`);
  return null;
}

type EvidenceRow = {
  id: string;
  entry_id: string;
  file_name: string;
  sha256: string;
  actual: string;
  seq: number | string | null;
  body: string | null;
};

/** Every evidence file against the SHA-256 in the (already verified) body of the entry that added it. */
async function checkEvidence(runner: SqlRunner): Promise<{ files: number } | { problem: LedgerProblem }> {
  let files = 0;
  let afterId = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    // The database hashes the content, so the files themselves never leave it.
    const rows = await runner.query<EvidenceRow>(
      `SELECT e.id, e.entry_id, e.file_name, e.sha256, encode(sha256(e.content), 'hex') AS actual, l.seq, l.body
         FROM social_value_evidence e LEFT JOIN social_value_ledger l ON l.id = e.entry_id
        WHERE e.id > $1 ORDER BY e.id LIMIT 500`,
      [afterId],
    );
    for (const row of rows) {
      const problem = (message: string) => ({
        problem: {
          seq: row.seq === null ? null : Number(row.seq),
          id: row.entry_id,
          problem: 'evidence' as const,
          message,
        },
      });
      const recorded = recordedSha256(row.body, row.id);
      if (row.seq === null || recorded === undefined)
        return problem(`Evidence file “${row.file_name}” (${row.id}) is not in the ledger entry it names.`);
      if (row.actual !== recorded || row.sha256 !== recorded)
        return problem(
          `Evidence file “${row.file_name}” (${row.id}) of entry ${row.seq} was changed: ` +
            'its SHA-256 is not the one the ledger recorded.',
        );
      files += 1;
    }
    if (rows.length < 500) return { files };
    afterId = rows[rows.length - 1]?.id ?? afterId;
  }
}

function recordedSha256(body: string | null, evidenceId: string): string | undefined {
  if (body === null) return undefined;
  const parsed = JSON.parse(body) as { evidence?: { id?: unknown; sha256?: unknown }[] };
  const item = (parsed.evidence ?? []).find((file) => file.id === evidenceId);
  return typeof item?.sha256 === 'string' ? item.sha256 : undefined;
}
