import type { SqlRunner } from '../client.ts';

// Deterministic impact declarations for the demo organisations, from the outcomes of whichever framework is
// current when the seed runs (none: nothing to declare). Most organisations declare one to four outcomes, about one
// in ten none; the first is core impact, and each further one is core one time in three and otherwise
// value-adding. Each is delivered across the organisation's own areas. Everything follows from the organisation's
// name, which the demo generator makes the same every time, so the same seed gives the same declarations.

/** Adds the declarations in one statement and returns how many were written. */
export async function seedDemoOutcomes(runner: SqlRunner): Promise<number> {
  const rows = await runner.query<{ written: number }>(
    `WITH codes AS (
       SELECT array_agg(o.code ORDER BY t.position, o.position, o.code) AS list
         FROM impact_outcomes o JOIN impact_themes t ON t.id = o.theme_id
        WHERE o.version_id = (SELECT id FROM impact_framework_versions ORDER BY version DESC LIMIT 1)),
     picks AS (
       SELECT org.id, org.districts, k,
              ('x' || substr(md5(org.name || ':' || k), 1, 8))::bit(32)::bigint AS h,
              ('x' || substr(md5(org.name), 1, 8))::bit(32)::bigint % 10 AS how_many
         FROM organisations org CROSS JOIN generate_series(0, 3) AS k
        WHERE org.is_demo AND org.sector = 'vcse' AND cardinality(org.districts) > 0),
     written AS (
       INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts)
       SELECT p.id, c.list[1 + p.h % cardinality(c.list)],
              CASE WHEN p.k = 0 OR p.h % 3 = 0 THEN 'core' ELSE 'value_adding' END, p.districts
         FROM picks p, codes c
        WHERE cardinality(c.list) > 0
          -- how_many 0 declares nothing; 1 to 9 spread over one to four outcomes, fewer more often.
          AND p.k < CASE WHEN p.how_many = 0 THEN 0 WHEN p.how_many <= 3 THEN 1 WHEN p.how_many <= 6 THEN 2
                         WHEN p.how_many <= 8 THEN 3 ELSE 4 END
        ORDER BY p.id, p.k
       ON CONFLICT (organisation_id, outcome_code) DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS written FROM written`,
  );
  return rows[0]?.written ?? 0;
}
