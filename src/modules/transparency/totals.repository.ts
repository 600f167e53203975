import type { SqlRunner } from '../../db/client.ts';

// The authority-wide social value totals: only published contracts (`published_at IS NOT NULL`) and only
// commitments that no correction has replaced (`superseded_by IS NULL`).

export type TotalsRow = {
  dimension: 'all' | 'theme' | 'outcome' | 'measure' | 'tier' | 'district';
  /** The theme, outcome or measure id, the tier as text, the district code; '' for none (no tier, no area). */
  key: string;
  contracts: number;
  commitments: number;
  target_quantity: number;
  verified_quantity: number;
  unverified_quantity: number;
  target_pence: number;
  verified_pence: number;
  unverified_pence: number;
};

// Pence are rounded per commitment (quantity × pence per unit), then summed: the figure each contract page shows
// adds up to the authority-wide one. Quantities are only summed within a measure; across measures they are
// different units, so theme, outcome, tier and district rows carry counts and pounds, and the page shows no sums
// of their quantities.
/**
 * Every authority-wide total in one statement: all, by theme, outcome and measure, by the deliverer's tier, and by
 * district. A contract in several districts counts in full in each of them, so districts add up to more than all.
 * Only hash aggregates: contracts are counted per theme, outcome and measure from distinct (contract, item) pairs
 * rather than count(DISTINCT), which would sort every commitment once per grouping.
 */
export const TOTALS_SQL = `
WITH base AS MATERIALIZED (
  SELECT cm.contract_id, c.districts, s.tier, o.theme_id, m.outcome_id, cm.measure_id,
         cm.target_quantity AS tq, cm.verified_quantity AS vq, cm.unverified_quantity AS uq,
         round(cm.target_quantity * cm.proxy_value_pence) AS tp,
         round(cm.verified_quantity * cm.proxy_value_pence) AS vp,
         round(cm.unverified_quantity * cm.proxy_value_pence) AS up
    FROM social_value_commitments cm
    JOIN contracts c ON c.id = cm.contract_id AND c.published_at IS NOT NULL
    JOIN organisations s ON s.id = c.supplier_organisation_id
    JOIN impact_measures m ON m.id = cm.measure_id
    JOIN impact_outcomes o ON o.id = m.outcome_id
   WHERE cm.superseded_by IS NULL
), per_contract AS MATERIALIZED (
  SELECT contract_id, min(tier) AS tier, min(districts) AS districts, count(*) AS n, sum(tq) AS tq, sum(vq) AS vq,
         sum(uq) AS uq, sum(tp) AS tp, sum(vp) AS vp, sum(up) AS up
    FROM base GROUP BY contract_id
), framework AS (
  SELECT CASE WHEN grouping(theme_id) = 0 THEN 'theme' WHEN grouping(outcome_id) = 0 THEN 'outcome' ELSE 'measure' END
           AS dimension,
         coalesce(theme_id, outcome_id, measure_id)::text AS key, count(*) AS n, sum(tq) AS tq, sum(vq) AS vq,
         sum(uq) AS uq, sum(tp) AS tp, sum(vp) AS vp, sum(up) AS up
    FROM base GROUP BY GROUPING SETS ((theme_id), (outcome_id), (measure_id))
), framework_contracts AS (
  SELECT 'theme' AS dimension, theme_id::text AS key, count(*) AS contracts
    FROM (SELECT DISTINCT contract_id, theme_id FROM base) pairs GROUP BY theme_id
  UNION ALL
  SELECT 'outcome', outcome_id::text, count(*) FROM (SELECT DISTINCT contract_id, outcome_id FROM base) pairs GROUP BY outcome_id
  UNION ALL
  SELECT 'measure', measure_id::text, count(*) FROM (SELECT DISTINCT contract_id, measure_id FROM base) pairs GROUP BY measure_id
), lines AS (
  SELECT f.dimension, f.key, fc.contracts, f.n, f.tq, f.vq, f.uq, f.tp, f.vp, f.up
    FROM framework f JOIN framework_contracts fc USING (dimension, key)
  UNION ALL
  SELECT CASE WHEN grouping(tier) = 0 THEN 'tier' ELSE 'all' END, coalesce(tier::text, ''), count(*), sum(n),
         sum(tq), sum(vq), sum(uq), sum(tp), sum(vp), sum(up)
    FROM per_contract GROUP BY GROUPING SETS ((tier), ())
  UNION ALL
  SELECT 'district', district, count(*), sum(n), sum(tq), sum(vq), sum(uq), sum(tp), sum(vp), sum(up)
    FROM per_contract, unnest(CASE WHEN cardinality(districts) = 0 THEN ARRAY[''] ELSE districts END) AS district
   GROUP BY district
)
SELECT dimension, key, contracts::int AS contracts, n::int AS commitments, coalesce(tq, 0)::float8 AS target_quantity,
       coalesce(vq, 0)::float8 AS verified_quantity, coalesce(uq, 0)::float8 AS unverified_quantity,
       coalesce(tp, 0)::float8 AS target_pence, coalesce(vp, 0)::float8 AS verified_pence,
       coalesce(up, 0)::float8 AS unverified_pence
  FROM lines`;

export const totals = (sql: SqlRunner) => sql.query<TotalsRow>(TOTALS_SQL);

/** Recomputations under way, one per database and generation: views that arrive meanwhile wait for it. */
const recomputing = new WeakMap<SqlRunner, { generation: string; rows: Promise<TotalsRow[]> }>();

/**
 * The totals as last computed, recomputed first when anything they read has changed since (migration 0015's
 * generation). A change that commits while they are being computed leaves them unsaved, to be recomputed.
 */
export async function currentTotals(sql: SqlRunner): Promise<TotalsRow[]> {
  const [cache] = await sql.query<{ generation: string; fresh: boolean; totals: TotalsRow[] | null }>(
    `SELECT generation::text AS generation, computed_generation IS NOT DISTINCT FROM generation AS fresh, totals
       FROM social_value_totals_cache`,
  );
  if (cache?.fresh && cache.totals) return cache.totals;
  if (!cache) return totals(sql);
  const running = recomputing.get(sql);
  if (running?.generation === cache.generation) return running.rows;
  const rows = recompute(sql, cache.generation);
  recomputing.set(sql, { generation: cache.generation, rows });
  try {
    return await rows;
  } finally {
    if (recomputing.get(sql)?.rows === rows) recomputing.delete(sql);
  }
}

async function recompute(sql: SqlRunner, generation: string) {
  const rows = await totals(sql);
  await sql.query(
    `UPDATE social_value_totals_cache SET totals = $1::jsonb, computed_generation = $2, computed_at = now()
      WHERE generation = $2`,
    [JSON.stringify(rows), generation],
  );
  return rows;
}

export type FrameworkItem = {
  kind: 'theme' | 'outcome' | 'measure';
  id: string;
  code: string;
  title: string;
  parent_id: string | null;
  unit: string | null;
  version: number;
  position: number;
};

/** Titles and codes for the framework items that totals name, across every version. */
export const frameworkItems = (sql: SqlRunner) =>
  sql.query<FrameworkItem>(`
    SELECT 'theme' AS kind, t.id, t.code, t.title, NULL::uuid AS parent_id, NULL AS unit, v.version, t.position
      FROM impact_themes t JOIN impact_framework_versions v ON v.id = t.version_id
    UNION ALL
    SELECT 'outcome', o.id, o.code, o.title, o.theme_id, NULL, v.version, o.position
      FROM impact_outcomes o JOIN impact_framework_versions v ON v.id = o.version_id
    UNION ALL
    SELECT 'measure', m.id, m.code, m.title, m.outcome_id, m.unit, v.version, m.position
      FROM impact_measures m JOIN impact_framework_versions v ON v.id = m.version_id`);
