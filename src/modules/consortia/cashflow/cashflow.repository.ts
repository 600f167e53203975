import type { SqlRunner } from '../../../db/client.ts';

// The SQL of the cash-flow check: the contract's payment schedule (kept as versions), and what it needs from the
// consortium: each member's income and allocated work, and the latest fair terms.

export type PeriodLength = 'monthly' | 'quarterly';

export type PaymentSchedule = {
  version: number;
  contract_value_pence: number;
  periods: number;
  period_length: PeriodLength;
  buyer_payment_days: number;
  results_basis_points: number;
  results_lag_days: number;
  recorded_at: Date;
  recorded_by_name: string;
};

export type NewPaymentSchedule = Omit<PaymentSchedule, 'version' | 'recorded_at' | 'recorded_by_name'>;

/**
 * What the contract is known to be worth, and for how long: the consortium's awards' value; else, when it was
 * awarded lots each with a value, theirs; else the opportunity's value, unless it was awarded only some lots.
 */
export async function contractBasis(sql: SqlRunner, consortiumId: string) {
  const [row] = await sql.query<{ value_pence: number | null; duration_months: number | null; awarded: boolean }>(
    `SELECT coalesce(a.value_pence, a.lots_value, CASE WHEN a.some_lots THEN NULL ELSE p.value_pence END)::float8
              AS value_pence,
            p.duration_months, a.value_pence IS NOT NULL AS awarded
       FROM consortia c JOIN opportunities p ON p.id = c.opportunity_id
       LEFT JOIN LATERAL (
         SELECT sum(w.value_pence) AS value_pence,
                bool_and(cardinality(w.lot_ids) > 0)
                  AND EXISTS (SELECT 1 FROM opportunity_lots l WHERE l.opportunity_id = p.id
                                 AND NOT l.id IN (SELECT unnest(w2.lot_ids) FROM opportunity_awards w2
                                                   WHERE w2.opportunity_id = p.id AND w2.consortium_id = c.id))
                  AS some_lots,
                (SELECT CASE WHEN count(*) > 0 AND count(*) = count(l.value_pence) THEN sum(l.value_pence) END
                   FROM opportunity_lots l
                  WHERE l.id IN (SELECT unnest(w3.lot_ids) FROM opportunity_awards w3
                                  WHERE w3.opportunity_id = p.id AND w3.consortium_id = c.id)) AS lots_value
           FROM opportunity_awards w WHERE w.opportunity_id = p.id AND w.consortium_id = c.id) a ON true
      WHERE c.id = $1`,
    [consortiumId],
  );
  return row;
}

export async function latestSchedule(sql: SqlRunner, consortiumId: string) {
  const [row] = await sql.query<PaymentSchedule>(
    `SELECT s.version, s.contract_value_pence::float8 AS contract_value_pence, s.periods, s.period_length,
            s.buyer_payment_days, s.results_basis_points, s.results_lag_days, s.recorded_at,
            u.display_name AS recorded_by_name
       FROM consortium_payment_schedules s JOIN users u ON u.id = s.recorded_by
      WHERE s.consortium_id = $1 ORDER BY s.version DESC LIMIT 1`,
    [consortiumId],
  );
  return row;
}

/** Stores the schedule as the next version; returns its number. */
export async function insertSchedule(
  sql: SqlRunner,
  consortiumId: string,
  schedule: NewPaymentSchedule,
  userId: string,
) {
  const [row] = await sql.query<{ version: number }>(
    `INSERT INTO consortium_payment_schedules (consortium_id, version, contract_value_pence, periods, period_length,
                                               buyer_payment_days, results_basis_points, results_lag_days,
                                               recorded_by)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8
       FROM consortium_payment_schedules WHERE consortium_id = $1
     RETURNING version`,
    [
      consortiumId,
      schedule.contract_value_pence,
      schedule.periods,
      schedule.period_length,
      schedule.buyer_payment_days,
      schedule.results_basis_points,
      schedule.results_lag_days,
      userId,
    ],
  );
  if (!row) throw new Error('the payment schedule was not stored');
  return row.version;
}

export type MemberWork = {
  organisation_id: string;
  name: string;
  role: 'lead' | 'partner' | 'subcontractor';
  income_pence: number | null;
  income_private: boolean;
  /** How many lot-district cells the member delivers. */
  cells: number;
  /** What those cells are worth: each is its lot's value split evenly over the lot's districts. */
  value_pence: number;
};

/** The accepted members, lead first, with the work allocated to each. */
export const memberWork = (sql: SqlRunner, consortiumId: string) =>
  sql.query<MemberWork>(
    `SELECT m.organisation_id, o.name, m.role, o.income_pence::float8 AS income_pence, o.income_private,
            count(a.lot_id)::int AS cells,
            coalesce(sum(coalesce(l.value_pence, 0)::numeric / greatest(cardinality(l.districts), 1)), 0)::float8
              AS value_pence
       FROM consortium_members m JOIN organisations o ON o.id = m.organisation_id
       LEFT JOIN consortium_allocations a
              ON a.consortium_id = m.consortium_id AND a.organisation_id = m.organisation_id
       LEFT JOIN opportunity_lots l ON l.id = a.lot_id
      WHERE m.consortium_id = $1 AND m.status = 'accepted'
      GROUP BY m.organisation_id, o.name, m.role, o.income_pence, o.income_private
      ORDER BY m.role = 'lead' DESC, o.name`,
    [consortiumId],
  );

export type LatestTerms = {
  version: number;
  maxPaymentDays: number;
  pbrShares: { memberId: string; atRiskBasisPoints: number }[];
};

/** The payment days and results shares of the latest fair-terms version, if any has been recorded. */
export async function latestTerms(sql: SqlRunner, consortiumId: string): Promise<LatestTerms | undefined> {
  const [row] = await sql.query<{ version: number; terms: Omit<LatestTerms, 'version'> }>(
    `SELECT version, terms FROM consortium_terms WHERE consortium_id = $1 ORDER BY version DESC LIMIT 1`,
    [consortiumId],
  );
  if (!row) return undefined;
  return {
    version: row.version,
    maxPaymentDays: row.terms.maxPaymentDays,
    pbrShares: row.terms.pbrShares ?? [],
  };
}
