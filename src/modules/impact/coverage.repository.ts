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
 * of Kent and Medway, in one statement of two hash aggregates: each declaration spread over its districts, and
 * each declaration once for the totals. An organisation declares an outcome once (the primary key) with each
 * district once, so counting rows counts organisations.
 */
export const coverageCounts = (runner: SqlRunner, outcomeCodes: string[]) =>
  runner.query<CoverageCount>(
    `SELECT d.district, oo.outcome_code AS "outcomeCode",
            count(*) FILTER (WHERE oo.kind = 'core')::int AS core,
            count(*) FILTER (WHERE oo.kind = 'value_adding')::int AS "valueAdding"
       FROM organisation_outcomes oo
      CROSS JOIN LATERAL unnest(oo.districts) AS d (district)
      WHERE oo.outcome_code = ANY($1::text[])
      GROUP BY oo.outcome_code, d.district
     UNION ALL
     SELECT NULL, oo.outcome_code,
            count(*) FILTER (WHERE oo.kind = 'core')::int,
            count(*) FILTER (WHERE oo.kind = 'value_adding')::int
       FROM organisation_outcomes oo
      WHERE oo.outcome_code = ANY($1::text[])
      GROUP BY oo.outcome_code`,
    [outcomeCodes],
  );
