import type { SqlRunner } from '../../db/client.ts';

export type CoverageCount = {
  /** null on the row that totals the outcome across Kent and Medway. */
  district: string | null;
  outcomeCode: string;
  core: number;
  valueAdding: number;
};

/**
 * How many organisations deliver each outcome in each district, as core and as value-adding impact, and in all
 * of Kent and Medway, in one grouped statement: each declaration is spread over its districts once. Organisations
 * are counted, not declarations, so the totals do not double-count an organisation working in several districts.
 */
export const coverageCounts = (runner: SqlRunner, outcomeCodes: string[]) =>
  runner.query<CoverageCount>(
    `SELECT d.district, oo.outcome_code AS "outcomeCode",
            count(DISTINCT oo.organisation_id) FILTER (WHERE oo.kind = 'core')::int AS core,
            count(DISTINCT oo.organisation_id) FILTER (WHERE oo.kind = 'value_adding')::int AS "valueAdding"
       FROM organisation_outcomes oo
      CROSS JOIN LATERAL unnest(oo.districts) AS d (district)
      WHERE oo.outcome_code = ANY($1::text[])
      GROUP BY GROUPING SETS ((oo.outcome_code, d.district), (oo.outcome_code))`,
    [outcomeCodes],
  );
