import {
  type ChainBreak,
  checkLink,
  hashedText,
  hashedTextFromStored,
  isoFromPostgres,
  type LinkedEntry,
} from './hash-chain.ts';

// A block of stored ledger entries, as one text read from the database, parsed and checked on its own: every
// entry against its own hash and against the entry before it in the block. Only the block's first entry depends
// on what came before, so blocks can be checked side by side (on worker threads) and stitched together in order.

/** The formats a block arrives in: a string_agg text (any database) or COPY … TO STDOUT text (PostgreSQL). */
export type BlockFormat = 'aggregated' | 'copy';

export type BlockEntry = LinkedEntry | { seq: number; id: string; malformed: true };

export type BlockResult = {
  /** Checked by whoever knows the entry before the block. */
  first: BlockEntry;
  count: number;
  lastSeq: number;
  lastHash: string;
  /** The first entry after `first` that does not hold, and how many entries precede it. */
  problem: { entriesBefore: number; problem: ChainBreak } | null;
};

const ROW = '\u001e';
const FIELD = '\u001f';

/**
 * One batch of the chain as one text, with how many entries it holds and the last one's seq: entries separated by RS, their columns by US, the body as a JSON string
 * (to_json never leaves a control character such as RS or US unescaped, and escapes as JSON.stringify does) and
 * recorded_at in UTC. One value per batch spares the driver a row per entry, and the few functions per
 * row keep the database's share small. A null id is written as nothing: a uuid is never empty.
 */
export const BATCH_SQL = `SELECT string_agg(concat_ws(chr(31), seq, id, contract_id, kind, coalesce(subject_id::text, ''),
    coalesce(corrects_id::text, ''), coalesce(actor_user_id::text, ''),
    recorded_at, previous_hash, hash, to_json(body)::text),
    chr(30) ORDER BY seq) AS batch, count(*) AS entries, max(seq) AS last
  FROM (SELECT * FROM social_value_ledger WHERE seq > $1 ORDER BY seq LIMIT $2) AS page`;

/** The same columns for COPY … TO STDOUT, whose text format escapes tabs and newlines inside values. */
export const copySql = (afterSeq: number, limit: number) =>
  `COPY (SELECT seq, id, contract_id, kind, subject_id, corrects_id, actor_user_id,
               recorded_at, body, previous_hash, hash
             FROM social_value_ledger WHERE seq > ${afterSeq} ORDER BY seq LIMIT ${limit}) TO STDOUT`;

export const malformedBreak = (entry: { seq: number; id: string }): ChainBreak => ({
  seq: entry.seq,
  id: entry.id,
  problem: 'changed',
  message: `Entry ${entry.seq} (${entry.id}) was changed: it holds characters the service never writes.`,
});

const orNull = (value: string | undefined) => (value ? value : null);

function aggregatedEntry(row: string): BlockEntry {
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
  if (fields.length !== 11) return { seq: Number(seq), id, malformed: true };
  const text = hashedTextFromStored({
    seq: Number(seq),
    id,
    contractId,
    kind,
    subjectId: orNull(subject),
    correctsId: orNull(corrects),
    actorUserId: orNull(actor),
    recordedAt: isoFromPostgres(recordedAt),
    bodyJson,
    previousHash,
  });
  return { seq: Number(seq), id, previousHash, hash, text };
}

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const copyValue = (field: string | undefined) => {
  if (field === undefined || field === '\\N') return null;
  return field.includes('\\') ? field.replace(/\\(.)/gs, (_, char: string) => COPY_ESCAPES[char] ?? char) : field;
};

function copiedEntry(line: string): BlockEntry {
  const fields = line.split('\t');
  const [
    seq = '0',
    id = '',
    contractId = '',
    kind,
    subject,
    corrects,
    actor,
    recordedAt = '',
    body,
    previousHash,
    hash,
  ] = fields;
  if (fields.length !== 11) return { seq: Number(seq), id, malformed: true };
  const content = {
    seq: Number(seq),
    id,
    contractId,
    kind: copyValue(kind) ?? '',
    subjectId: copyValue(subject),
    correctsId: copyValue(corrects),
    actorUserId: copyValue(actor),
    recordedAt: isoFromPostgres(recordedAt),
    body: copyValue(body) ?? '',
    previousHash: copyValue(previousHash) ?? '',
  };
  return {
    seq: content.seq,
    id,
    previousHash: content.previousHash,
    hash: copyValue(hash) ?? '',
    text: hashedText(content),
  };
}

/** The entries of a block; a row whose columns cannot be told apart is kept as malformed. */
export function parseBlock(format: BlockFormat, text: string): BlockEntry[] {
  return format === 'copy' ? text.split('\n').map(copiedEntry) : text.split(ROW).map(aggregatedEntry);
}

/** Checks every entry of a non-empty block but the first against the one before it. */
export function checkBlock(entries: BlockEntry[]): BlockResult {
  const first = entries[0] as BlockEntry;
  let previous = first;
  for (let at = 1; at < entries.length && !('malformed' in previous); at++) {
    const entry = entries[at] as BlockEntry;
    const problem = 'malformed' in entry ? malformedBreak(entry) : checkLink(entry, previous.seq + 1, previous.hash);
    if (problem)
      return {
        first,
        count: at,
        lastSeq: previous.seq,
        lastHash: previous.hash,
        problem: { entriesBefore: previous.seq, problem },
      };
    previous = entry;
  }
  const last = 'malformed' in previous ? { seq: previous.seq, hash: '' } : previous;
  return { first, count: entries.length, lastSeq: last.seq, lastHash: last.hash, problem: null };
}
