import { availableParallelism } from 'node:os';
import type { Database, SqlRunner } from '../../db/client.ts';
import { type ChainBreak, checkLink, GENESIS_HASH } from './hash-chain.ts';
import { BATCH_SQL, type BlockFormat, copySql, malformedBreak } from './ledger.blocks.ts';
import { blockChecker } from './ledger.verify.pool.ts';

export type LedgerProblem =
  | ChainBreak
  | { seq: number | null; id: string | null; problem: 'head' | 'evidence'; message: string };
export type Verification =
  | { holds: true; entries: number; evidenceFiles: number }
  | { holds: false; entries: number; problem: LedgerProblem };

/** Below this many entries, starting threads costs more than it saves. */
const THREADS_FROM_ENTRIES = 50_000;
/** COPY text is handed on in blocks of about this many bytes. */
const COPY_BLOCK_BYTES = 1 << 20;

export type VerifyOptions = {
  batchSize?: number;
  /** Threads that hash; by default one per core for a long chain and none for a short one. */
  workers?: number;
};

/**
 * Recomputes the whole chain in seq order, a batch at a time (keyset pagination on seq, so each batch is an index
 * range and memory stays flat), and stops at the first entry that does not hold. Then checks that the chain ends
 * where the head says it does, and that every evidence file still has the SHA-256 its ledger entry recorded.
 * All of it reads one snapshot, so entries appended meanwhile are neither half seen nor mistaken for a break.
 */
export async function verifyLedger(
  database: Database,
  { batchSize = 20_000, workers }: VerifyOptions = {},
): Promise<Verification> {
  return database.transaction(async (tx) => {
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    // Times written the one way isoFromPostgres reads them, whatever the server's settings.
    await tx.exec("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'");
    const head = await readHead(tx);
    const threads = workers ?? (head.seq >= THREADS_FROM_ENTRIES ? availableParallelism() : 0);
    const chain = await checkChain(tx, batchSize, threads);
    if ('problem' in chain) return { holds: false, entries: chain.entries, problem: chain.problem };
    const headProblem = checkHead(head, chain.entries, chain.lastHash);
    if (headProblem) return { holds: false, entries: chain.entries, problem: headProblem };
    const evidence = await checkEvidence(tx);
    if ('problem' in evidence) return { holds: false, entries: chain.entries, problem: evidence.problem };
    return { holds: true, entries: chain.entries, evidenceFiles: evidence.files };
  });
}

type ChainResult = { entries: number; lastHash: string } | { entries: number; problem: LedgerProblem };
type Block = { format: BlockFormat; text: string };

/**
 * Reads blocks while earlier ones are checked (a few ahead per thread), and takes their results in order: each
 * block's first entry is checked here against the block before it, the rest were checked with the block.
 */
async function checkChain(tx: SqlRunner, batchSize: number, threads: number): Promise<ChainResult> {
  const checker = blockChecker(threads);
  const ahead = Math.max(2, threads * 2);
  const pending: ReturnType<typeof checker.check>[] = [];
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  const settle = async (): Promise<ChainResult | null> => {
    const result = await (pending.shift() as (typeof pending)[number]);
    const { first } = result;
    const problem = 'malformed' in first ? malformedBreak(first) : checkLink(first, expectedSeq, previousHash);
    if (problem) return { entries: expectedSeq - 1, problem };
    if (result.problem) return { entries: result.problem.entriesBefore, problem: result.problem.problem };
    expectedSeq = result.lastSeq + 1;
    previousHash = result.lastHash;
    return null;
  };
  try {
    const blocks = tx.copyTo ? copiedBlocks(tx.copyTo, batchSize * 5) : aggregatedBlocks(tx, batchSize);
    for await (const block of blocks) {
      pending.push(checker.check(block.format, block.text));
      if (pending.length >= ahead) {
        const stop = await settle();
        if (stop) return stop;
      }
    }
    while (pending.length) {
      const stop = await settle();
      if (stop) return stop;
    }
    return { entries: expectedSeq - 1, lastHash: previousHash };
  } finally {
    await Promise.allSettled(pending);
    await checker.close();
  }
}

/** Batches as one string_agg text each; the next is asked for before this one is handed on. */
async function* aggregatedBlocks(tx: SqlRunner, batchSize: number): AsyncGenerator<Block> {
  type Page = { batch: string | null; entries: number | string; last: number | string | null };
  const batchAfter = (seq: number) => tx.query<Page>(BATCH_SQL, [seq, batchSize]);
  let pending: Promise<Page[]> | null = batchAfter(0);
  try {
    while (pending) {
      const [page]: Page[] = await pending;
      if (!page?.batch) return;
      pending = Number(page.entries) === batchSize ? batchAfter(Number(page.last)) : null;
      yield { format: 'aggregated', text: page.batch };
    }
  } finally {
    await pending?.catch(() => undefined);
  }
}

/**
 * On PostgreSQL: each batch as COPY … TO STDOUT, the cheapest way out of the server, read as it streams so the
 * server writes the rest while the entries that have arrived are hashed. Rows end with a newline and columns
 * with a tab; both are escaped inside values, so they only ever separate.
 */
async function* copiedBlocks(
  copy: (statement: string) => AsyncIterable<Buffer>,
  batchSize: number,
): AsyncGenerator<Block> {
  let afterSeq = 0;
  for (;;) {
    const stream = copy(copySql(afterSeq, batchSize));
    let parts: Buffer[] = [];
    let size = 0;
    let rows = 0;
    let lastLine = '';
    const block = (data: Buffer, end: number): Block => {
      const text = data.toString('utf8', 0, end);
      rows += countLines(text);
      lastLine = text.slice(text.lastIndexOf('\n') + 1);
      return { format: 'copy', text };
    };
    // Read by hand rather than with for…of, which would destroy the stream when a break stops this early.
    const chunks = stream[Symbol.asyncIterator]();
    let finished = false;
    try {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        parts.push(next.value);
        size += next.value.length;
        if (size < COPY_BLOCK_BYTES) continue;
        const data = Buffer.concat(parts, size);
        const end = data.lastIndexOf(0x0a);
        const rest = data.subarray(end + 1);
        parts = [rest];
        size = rest.length;
        if (end >= 0) yield block(data, end);
      }
      const data = Buffer.concat(parts, size);
      const end = data.lastIndexOf(0x0a);
      if (end >= 0) yield block(data, end);
      finished = true;
    } finally {
      // Stopped early at a break: read the rest, so the connection is ready for the transaction to end.
      if (!finished) {
        let next = await chunks.next();
        while (!next.done) next = await chunks.next();
      }
    }
    if (rows < batchSize) return;
    afterSeq = Number(lastLine.slice(0, lastLine.indexOf('\t')));
  }
}

function countLines(text: string): number {
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

type Head = { seq: number; hash: string | null };
async function readHead(runner: SqlRunner): Promise<Head> {
  const [head] = await runner.query<{ seq: number | string; hash: string }>(
    'SELECT seq, hash FROM social_value_ledger_head',
  );
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: null };
}

function checkHead(head: Head, lastSeq: number, lastHash: string): LedgerProblem | null {
  const headSeq = head.seq;
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
  if (head.hash !== null && head.hash !== lastHash)
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
