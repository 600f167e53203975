import { createHash, randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/client.ts';
import { buildOrganisation } from './factories.ts';
import type { TestFramework } from './impact-factories.ts';

// Published (or unpublished) contracts with social value commitments and results for the public transparency
// tests, written straight into migration 0011's current-state tables, so that totals can be checked against sums
// worked out by hand. The ledger rows added here only give results and evidence the entries they point at: their
// hashes chain in seq order but are not the ledger service's hashes, and the ledger head is not kept, so do not
// mix these with the ledger service in one database. Commitments' verified and unverified quantities are kept in
// step with the results added here, as the ledger service keeps them.

export type TestContract = { id: string; supplierId: string; buyerId: string };
export type TestCommitment = { id: string; contractId: string; proxyPence: number | null };

const ZERO_HASH = '0'.repeat(64);

/** Appends one entry after the last one in the ledger, returning its id, seq and hash. */
export async function appendTestEntry(
  database: Database,
  contractId: string,
  kind: 'commitment' | 'result' | 'query' | 'response' | 'verification' | 'correction',
  subjectId: string | null,
  body: Record<string, unknown> = {},
) {
  const [last] = await database.query<{ last_seq: string; hash: string }>(
    'SELECT seq::text AS last_seq, hash FROM social_value_ledger ORDER BY seq DESC LIMIT 1',
  );
  const seq = Number(last?.last_seq ?? 0) + 1;
  const previousHash = last?.hash ?? ZERO_HASH;
  const id = randomUUID();
  const text = JSON.stringify({ kind, subjectId, ...body });
  const hash = createHash('sha256').update(`${previousHash}${id}${text}`).digest('hex');
  await database.query(
    `INSERT INTO social_value_ledger (seq, id, contract_id, kind, subject_id, recorded_at, body, previous_hash, hash)
     VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8)`,
    [seq, id, contractId, kind, subjectId, text, previousHash, hash],
  );
  return { id, seq, hash };
}

export async function buildContract(
  database: Database,
  framework: Pick<TestFramework, 'versionId'>,
  options: {
    title?: string;
    published?: boolean;
    districts?: string[];
    supplierIncomePence?: number | null;
    supplierId?: string;
    buyerId?: string;
    opportunityId?: string | null;
    awardId?: string | null;
    startDate?: string | null;
    endDate?: string | null;
    valuePence?: number | null;
  } = {},
): Promise<TestContract> {
  const buyerId = options.buyerId ?? (await buildOrganisation(database)).id;
  let supplierId = options.supplierId;
  if (!supplierId) {
    supplierId = (await buildOrganisation(database)).id;
    await database.query('UPDATE organisations SET income_pence = $2 WHERE id = $1', [
      supplierId,
      options.supplierIncomePence === undefined ? 50_000_00 : options.supplierIncomePence,
    ]);
  }
  const [row] = await database.query<{ id: string }>(
    `INSERT INTO contracts (opportunity_id, award_id, buyer_organisation_id, supplier_organisation_id, title,
       description, value_pence, start_date, end_date, districts, framework_version_id, published_at)
     VALUES ($1, $2, $3, $4, $5, 'Delivered for tests.', $6, $7, $8, $9, $10,
       CASE WHEN $11::boolean THEN now() END)
     RETURNING id`,
    [
      options.opportunityId ?? null,
      options.awardId ?? null,
      buyerId,
      supplierId,
      options.title ?? `Test contract ${randomUUID().slice(0, 6)}`,
      options.valuePence === undefined ? 120_000_00 : options.valuePence,
      options.startDate === undefined ? '2026-04-01' : options.startDate,
      options.endDate === undefined ? '2028-03-31' : options.endDate,
      options.districts ?? [],
      framework.versionId,
      options.published ?? true,
    ],
  );
  if (!row) throw new Error('insert returned no contract');
  return { id: row.id, supplierId, buyerId };
}

/** A commitment; its proxy is the measure's own unless one is given (null for none). */
export async function addCommitment(
  database: Database,
  contract: Pick<TestContract, 'id'>,
  options: {
    measureId: string;
    target: number;
    period?: 'month' | 'quarter' | 'year';
    proxyPence?: number | null;
    supersededBy?: string | null;
  },
): Promise<TestCommitment> {
  const entry = await appendTestEntry(database, contract.id, 'commitment', null, { measureId: options.measureId });
  const [row] = await database.query<{ proxy: string | null }>(
    `INSERT INTO social_value_commitments (id, contract_id, measure_id, target_quantity, reporting_period,
       proxy_value_pence, superseded_by)
     SELECT $1, $2, m.id, $4, $5, CASE WHEN $6::boolean THEN $7::bigint ELSE m.proxy_value_pence END, $8
       FROM impact_measures m WHERE m.id = $3
     RETURNING proxy_value_pence::text AS proxy`,
    [
      entry.id,
      contract.id,
      options.measureId,
      options.target,
      options.period ?? 'quarter',
      options.proxyPence !== undefined,
      options.proxyPence ?? null,
      options.supersededBy ?? null,
    ],
  );
  if (!row) throw new Error(`no measure ${options.measureId}`);
  return { id: entry.id, contractId: contract.id, proxyPence: row.proxy === null ? null : Number(row.proxy) };
}

/** A result for a period, with its quantity counted as verified or not yet verified on its commitment. */
export async function addResult(
  database: Database,
  commitment: Pick<TestCommitment, 'id' | 'contractId'>,
  options: {
    periodStart: string;
    periodEnd: string;
    quantity: number;
    status?: 'submitted' | 'queried' | 'verified';
    narrative?: string;
    evidence?: { fileName: string; content: string }[];
  },
) {
  const status = options.status ?? 'submitted';
  const entry = await appendTestEntry(database, commitment.contractId, 'result', commitment.id, {
    quantity: options.quantity,
  });
  const latest =
    status === 'submitted'
      ? entry
      : await appendTestEntry(
          database,
          commitment.contractId,
          status === 'verified' ? 'verification' : 'query',
          entry.id,
        );
  await database.query(
    `INSERT INTO social_value_results (id, commitment_id, contract_id, period_start, period_end, quantity, narrative,
       status, latest_entry_id, submitted_at, verified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), CASE WHEN $8 = 'verified' THEN now() END)`,
    [
      entry.id,
      commitment.id,
      commitment.contractId,
      options.periodStart,
      options.periodEnd,
      options.quantity,
      options.narrative ?? '',
      status,
      latest.id,
    ],
  );
  const column = status === 'verified' ? 'verified_quantity' : 'unverified_quantity';
  await database.query(`UPDATE social_value_commitments SET ${column} = ${column} + $2 WHERE id = $1`, [
    commitment.id,
    options.quantity,
  ]);
  for (const file of options.evidence ?? []) {
    const content = Buffer.from(file.content);
    await database.query(
      `INSERT INTO social_value_evidence (result_id, entry_id, file_name, content_type, size_bytes, sha256, content)
       VALUES ($1, $2, $3, 'application/pdf', $4, $5, $6)`,
      [entry.id, entry.id, file.fileName, content.length, createHash('sha256').update(content).digest('hex'), content],
    );
  }
  return { id: entry.id, entryHash: latest.hash };
}
