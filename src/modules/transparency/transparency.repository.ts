import type { SqlRunner } from '../../db/client.ts';

// The public transparency SQL for contract lists and pages (the totals are in totals.repository.ts). Every query
// joins contracts on `published_at IS NOT NULL` and leaves out commitments that a correction has replaced
// (`superseded_by IS NULL`): nothing unpublished is ever read here.

export type ContractFilters = { q: string; district: string; tier: string; theme: string };

export type ContractListRow = {
  id: string;
  title: string;
  buyer_name: string;
  supplier_name: string;
  tier: number | null;
  districts: string[];
  start_date: string | null;
  end_date: string | null;
  published_at: Date;
  verified_pence: number;
  unverified_pence: number;
};

function contractWhere(filters: ContractFilters) {
  const params: unknown[] = [];
  const where = ['c.published_at IS NOT NULL'];
  if (filters.q) {
    params.push(`%${filters.q.replace(/[\\%_]/g, '\\$&')}%`);
    where.push(`(c.title ILIKE $${params.length} OR s.name ILIKE $${params.length})`);
  }
  if (filters.district) {
    params.push([filters.district]);
    where.push(`c.districts @> $${params.length}::text[]`);
  }
  if (filters.tier) {
    params.push(Number(filters.tier));
    where.push(`s.tier = $${params.length}`);
  }
  if (filters.theme) {
    params.push(filters.theme);
    where.push(`EXISTS (SELECT 1 FROM social_value_commitments cm
      JOIN impact_measures m ON m.id = cm.measure_id JOIN impact_outcomes o ON o.id = m.outcome_id
      JOIN impact_themes t ON t.id = o.theme_id
      WHERE cm.contract_id = c.id AND cm.superseded_by IS NULL AND t.code = $${params.length})`);
  }
  return { params, where: where.join(' AND ') };
}

/** One page of published contracts, newest first, with each one's social value so far. */
export async function listContracts(sql: SqlRunner, filters: ContractFilters, limit: number, offset: number) {
  const { params, where } = contractWhere(filters);
  const from = `FROM contracts c JOIN organisations s ON s.id = c.supplier_organisation_id WHERE ${where}`;
  const [rows, [count]] = await Promise.all([
    sql.query<ContractListRow>(
      `SELECT c.id, c.title, b.name AS buyer_name, s.name AS supplier_name, s.tier, c.districts,
              c.start_date::text AS start_date, c.end_date::text AS end_date, c.published_at,
              coalesce(v.verified_pence, 0) AS verified_pence, coalesce(v.unverified_pence, 0) AS unverified_pence
         FROM (SELECT c.* ${from} ORDER BY c.published_at DESC, c.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}) c
         JOIN organisations s ON s.id = c.supplier_organisation_id
         JOIN organisations b ON b.id = c.buyer_organisation_id
         LEFT JOIN LATERAL (
           SELECT sum(round(verified_quantity * proxy_value_pence))::float8 AS verified_pence,
                  sum(round(unverified_quantity * proxy_value_pence))::float8 AS unverified_pence
             FROM social_value_commitments WHERE contract_id = c.id AND superseded_by IS NULL) v ON true
        ORDER BY c.published_at DESC, c.id`,
      [...params, limit, offset],
    ),
    sql.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params),
  ]);
  return { rows, total: count?.n ?? 0 };
}

export type PublishedContract = {
  id: string;
  opportunity_id: string | null;
  title: string;
  description: string;
  buyer_id: string;
  buyer_name: string;
  supplier_id: string;
  supplier_name: string;
  tier: number | null;
  value_pence: number | null;
  start_date: string | null;
  end_date: string | null;
  districts: string[];
  published_at: Date;
  framework_title: string;
  framework_version: number;
};

const CONTRACT_SQL = `
  SELECT c.id, c.opportunity_id, c.title, c.description, b.id AS buyer_id, b.name AS buyer_name, s.id AS supplier_id,
         s.name AS supplier_name, s.tier, c.value_pence::float8 AS value_pence, c.start_date::text AS start_date,
         c.end_date::text AS end_date, c.districts, c.published_at, v.title AS framework_title, v.version AS framework_version
    FROM contracts c
    JOIN organisations b ON b.id = c.buyer_organisation_id
    JOIN organisations s ON s.id = c.supplier_organisation_id
    JOIN impact_framework_versions v ON v.id = c.framework_version_id
   WHERE c.published_at IS NOT NULL`;

/** A published contract; undefined for one that does not exist or is not published. */
export async function findPublishedContract(sql: SqlRunner, id: string) {
  const [row] = await sql.query<PublishedContract>(`${CONTRACT_SQL} AND c.id = $1`, [id]);
  return row;
}

/** The published contracts made from one opportunity's awards. */
export const publishedContractsOfOpportunity = (sql: SqlRunner, opportunityId: string) =>
  sql.query<PublishedContract>(`${CONTRACT_SQL} AND c.opportunity_id = $1 ORDER BY c.published_at, c.id`, [
    opportunityId,
  ]);

export type CommitmentRow = {
  id: string;
  contract_id: string;
  measure_code: string;
  measure_title: string;
  unit: string;
  outcome_title: string;
  theme_title: string;
  target_quantity: number;
  reporting_period: 'month' | 'quarter' | 'year';
  proxy_value_pence: number | null;
  proxy_source: string;
  verified_quantity: number;
  unverified_quantity: number;
  created_at: Date;
};

/** The current commitments of some published contracts (all of them for null), in the framework's order. */
export const commitmentsOf = (sql: SqlRunner, contractIds: string[] | null) =>
  sql.query<CommitmentRow>(
    `SELECT cm.id, cm.contract_id, m.code AS measure_code, m.title AS measure_title, m.unit,
            o.title AS outcome_title, t.title AS theme_title, cm.target_quantity::float8 AS target_quantity,
            cm.reporting_period, cm.proxy_value_pence::float8 AS proxy_value_pence, m.proxy_source,
            cm.verified_quantity::float8 AS verified_quantity, cm.unverified_quantity::float8 AS unverified_quantity,
            cm.created_at
       FROM social_value_commitments cm
       JOIN contracts c ON c.id = cm.contract_id AND c.published_at IS NOT NULL
       JOIN impact_measures m ON m.id = cm.measure_id
       JOIN impact_outcomes o ON o.id = m.outcome_id
       JOIN impact_themes t ON t.id = o.theme_id
      WHERE cm.superseded_by IS NULL AND ($1::uuid[] IS NULL OR cm.contract_id = ANY($1::uuid[]))
      ORDER BY c.published_at, cm.contract_id, t.position, o.position, m.position, cm.created_at, cm.id`,
    [contractIds],
  );

export type ResultRow = {
  id: string;
  commitment_id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  quantity: number;
  narrative: string;
  status: 'submitted' | 'queried' | 'verified';
  submitted_at: Date;
  verified_at: Date | null;
  latest_seq: string | null;
  latest_hash: string | null;
};

/** The results for current commitments of some published contracts (all for null), by commitment and period. */
export const resultsOf = (sql: SqlRunner, contractIds: string[] | null) =>
  sql.query<ResultRow>(
    `SELECT r.id, r.commitment_id, r.contract_id, r.period_start::text AS period_start,
            r.period_end::text AS period_end, r.quantity::float8 AS quantity, r.narrative, r.status, r.submitted_at,
            r.verified_at, l.seq::text AS latest_seq, l.hash AS latest_hash
       FROM social_value_results r
       JOIN contracts c ON c.id = r.contract_id AND c.published_at IS NOT NULL
       JOIN social_value_commitments cm ON cm.id = r.commitment_id AND cm.superseded_by IS NULL
       LEFT JOIN social_value_ledger l ON l.id = r.latest_entry_id
      WHERE $1::uuid[] IS NULL OR r.contract_id = ANY($1::uuid[])
      ORDER BY r.contract_id, r.commitment_id, r.period_start, r.submitted_at`,
    [contractIds],
  );

export type EvidenceRow = { result_id: string; file_name: string; size_bytes: number; sha256: string };

/** What is known of each evidence file, without its content. */
export const evidenceOf = (sql: SqlRunner, contractId: string) =>
  sql.query<EvidenceRow>(
    `SELECT e.result_id, e.file_name, e.size_bytes, e.sha256
       FROM social_value_evidence e JOIN social_value_results r ON r.id = e.result_id
      WHERE r.contract_id = $1 ORDER BY e.uploaded_at, e.file_name`,
    [contractId],
  );

export type LedgerEntryRow = {
  seq: string;
  id: string;
  kind: string;
  subject_id: string | null;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
};

/** The contract's ledger entries in chain order: their hashes, so anyone can check them against the chain. */
export const ledgerEntriesOf = (sql: SqlRunner, contractId: string) =>
  sql.query<LedgerEntryRow>(
    `SELECT seq::text AS seq, id, kind, subject_id, recorded_at, previous_hash, hash
       FROM social_value_ledger WHERE contract_id = $1 ORDER BY social_value_ledger.seq`,
    [contractId],
  );

export type ContractName = { id: string; title: string; buyer_name: string; supplier_name: string };

/** Names of every published contract and its parties, for the results download. */
export const publishedContractNames = (sql: SqlRunner) =>
  sql.query<ContractName>(
    `SELECT c.id, c.title, b.name AS buyer_name, s.name AS supplier_name
       FROM contracts c
       JOIN organisations b ON b.id = c.buyer_organisation_id
       JOIN organisations s ON s.id = c.supplier_organisation_id
      WHERE c.published_at IS NOT NULL`,
  );
