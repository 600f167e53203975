import type { Database, SqlRunner } from '../../db/client.ts';
import { isoToMicros } from '../../db/copy-binary.ts';
import { type ChainBreak, checkLink, GENESIS_HASH, hashedBytes, isoFromPostgres } from './hash-chain.ts';
import { COPIED_COLUMNS, type CopiedEntry, CopiedLedger } from './ledger.copied.ts';

export type LedgerProblem =
  | ChainBreak
  | { seq: number | null; id: string | null; problem: 'head' | 'evidence'; message: string };
export type Verification =
  | { holds: true; entries: number; evidenceFiles: number }
  | { holds: false; entries: number; problem: LedgerProblem };

const ROW = '\u001e';
const FIELD = '\u001f';

/**
 * One batch of the chain as one text, for PGlite: entries separated by RS, their columns by US, the body as a JSON
 * string (to_json never leaves a control character such as RS or US unescaped) and recorded_at in UTC. One value
 * per batch spares the driver a row per entry. A null id is written as nothing: a uuid is never empty. Each entry's
 * hashed bytes are then made from its columns by hashedBytes, as when it was appended.
 */
export const BATCH_SQL = `SELECT string_agg(concat_ws(chr(31), seq, id, contract_id, kind, coalesce(subject_id::text, ''),
    coalesce(corrects_id::text, ''), coalesce(actor_user_id::text, ''),
    recorded_at, previous_hash, hash, to_json(body)::text),
    chr(30) ORDER BY seq) AS batch
  FROM (SELECT * FROM social_value_ledger WHERE seq > $1 ORDER BY seq LIMIT $2) AS page`;

const orNull = (value: string | undefined) => (value ? value : null);

/** The entries of one batch; a row whose columns cannot be told apart is reported as changed. */
function linkedEntries(batch: string): Batch {
  return batch.split(ROW).map((row) => {
    const fields = row.split(FIELD);
    const [
      seq = '0',
      id = '',
      contractId = '',
      kind = '',
      subject,
      corrects,
      actor,
      recordedAt = '',
      previousHash = '',
      hash = '',
      bodyJson = '',
    ] = fields;
    const number = Number(seq);
    const recordedAtIso = isoFromPostgres(recordedAt);
    // A seq beyond what a number holds exactly, or a time outside the years 1-9999, was never written here.
    if (fields.length !== 11 || !Number.isSafeInteger(number) || isoToMicros(recordedAtIso) === undefined)
      return { seq: Number.isSafeInteger(number) ? number : 0, id, malformed: true as const };
    const hashed = hashedBytes({
      seq: number,
      id,
      contractId,
      kind,
      subjectId: orNull(subject),
      correctsId: orNull(corrects),
      actorUserId: orNull(actor),
      recordedAt: recordedAtIso,
      body: JSON.parse(bodyJson) as string,
      previousHash,
    });
    return { seq: number, id, previousHash, hash, hashed };
  });
}

/**
 * Recomputes the whole chain in seq order, a batch at a time (keyset pagination on seq, so each batch is an index
 * range and memory stays flat), and stops at the first entry that does not hold. Then checks that the chain ends
 * where the head says it does, and that every evidence file still has the SHA-256 its ledger entry recorded.
 * All of it reads one snapshot, so entries appended meanwhile are neither half seen nor mistaken for a break.
 */
export async function verifyLedger(database: Database, { batchSize = 20_000 } = {}): Promise<Verification> {
  return database.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // Times written the one way isoFromPostgres reads them, whatever the server's settings.
    await tx.exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'");
    const chain = await checkChain(tx, batchSize);
    if ('problem' in chain) return { holds: false, entries: chain.entries, problem: chain.problem };
    const headProblem = await checkHead(tx, chain.entries, chain.lastHash);
    if (headProblem) return { holds: false, entries: chain.entries, problem: headProblem };
    const evidence = await checkEvidence(tx);
    if ('problem' in evidence) return { holds: false, entries: chain.entries, problem: evidence.problem };
    return { holds: true, entries: chain.entries, evidenceFiles: evidence.files };
  });
}

const malformed = (entry: { seq: number; id: string }): LedgerProblem => ({
  seq: entry.seq,
  id: entry.id,
  problem: 'changed',
  message: `Entry ${entry.seq} (${entry.id}) was changed: it holds a value the service never writes.`,
});

type ChainResult = { entries: number; lastHash: string } | { entries: number; problem: LedgerProblem };
type Batch = CopiedEntry[];

async function checkChain(tx: SqlRunner, batchSize: number): Promise<ChainResult> {
  // Texts are hashed in UTF-8 as they arrive (ledger.copied.ts); on a UTF8 database they arrive as stored.
  const [encoding] = tx.copyOut ? await tx.query<{ server_encoding: string }>('SHOW server_encoding') : [];
  if (tx.copyOut && encoding?.server_encoding === 'UTF8') return checkCopied(tx, tx.copyOut, batchSize * 5);
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  for await (const entries of aggregatedBatches(tx, batchSize)) {
    for (const entry of entries) {
      if ('malformed' in entry) return { entries: expectedSeq - 1, problem: malformed(entry) };
      const problem = checkLink(entry, expectedSeq, previousHash);
      if (problem) return { entries: expectedSeq - 1, problem };
      expectedSeq = entry.seq + 1;
      previousHash = entry.hash;
    }
  }
  return { entries: expectedSeq - 1, lastHash: previousHash };
}

/** Batches as one string_agg text each; the next is asked for before this one is hashed. */
async function* aggregatedBatches(tx: SqlRunner, batchSize: number): AsyncGenerator<Batch> {
  const batchAfter = (seq: number) => tx.query<{ batch: string | null }>(BATCH_SQL, [seq, batchSize]);
  let pending: ReturnType<typeof batchAfter> | null = batchAfter(0);
  try {
    while (pending) {
      const [page] = await pending;
      if (!page?.batch) return;
      const entries = linkedEntries(page.batch);
      pending = entries.length === batchSize ? batchAfter(entries[entries.length - 1]?.seq ?? 0) : null;
      yield entries;
    }
  } finally {
    await pending?.catch(() => undefined);
  }
}

/**
 * On PostgreSQL: the whole table in one binary COPY, in the order it is stored, so the server neither sorts nor
 * walks an index; each row is checked as it streams in (ledger.copied.ts). An append-only table is stored in seq
 * order but for a few rows written where rolled-back ones were freed: rows read before their turn wait for it
 * (up to READ_AHEAD of them). The first row that still does not follow, whether out of place or a break, hands
 * the rest of the check to seq order, a batch at a time from the last entry that held, which tells the two apart
 * and names the first break as a check in seq order from the start would.
 */
async function checkCopied(tx: SqlRunner, copy: Copy, batchSize: number): Promise<ChainResult> {
  // A scan of a large table may otherwise start where another scan of it has got to, out of seq order.
  await tx.exec('SET LOCAL synchronize_seqscans = off');
  let chain = new CopiedLedger(1, GENESIS_HASH, { readAhead: READ_AHEAD });
  const stored = await copyUntilBreak(copy, `SELECT ${COPIED_COLUMNS} FROM social_value_ledger`, chain);
  if (!stored.stop) return { entries: chain.expectedSeq - 1, lastHash: chain.previousHash };
  for (;;) {
    const after = chain.expectedSeq - 1;
    chain = new CopiedLedger(chain.expectedSeq, chain.previousHash);
    const batch = await copyUntilBreak(
      copy,
      `SELECT ${COPIED_COLUMNS} FROM social_value_ledger WHERE seq > ${after} ORDER BY seq LIMIT ${batchSize}`,
      chain,
    );
    const entries = chain.expectedSeq - 1;
    if (batch.stop) {
      const problem = 'malformed' in batch.stop ? null : checkLink(batch.stop, chain.expectedSeq, chain.previousHash);
      return { entries, problem: problem ?? malformed(batch.stop) };
    }
    if (entries - after < batchSize) return { entries, lastHash: chain.previousHash };
  }
}

type Copy = Required<SqlRunner>['copyOut'];
/** Rows read before their turn in storage order that are kept for it: about 4 MB of ledger rows. */
const READ_AHEAD = 10_000;

/** Streams the rows of the query through the chain; the first that does not follow, or null. */
async function copyUntilBreak(copy: Copy, query: string, chain: CopiedLedger): Promise<{ stop: CopiedEntry | null }> {
  let stop: CopiedEntry | null = null;
  // After a break the rest of the data is read past, so the connection is ready for what comes next.
  await copy(`COPY (${query}) TO STDOUT (FORMAT binary)`, (chunk, from, to) => {
    stop ??= chain.check(chunk, from, to);
  });
  return { stop: stop ?? chain.end() };
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
