import type { SqlRunner } from '../../db/client.ts';
import type { OutcomeKind } from './organisation-impact.repository.ts';

/** The organisations with these ids and their declared outcomes: public data only. */
export const organisationsWithOutcomes = (runner: SqlRunner, ids: string[]) =>
  runner.query<{ id: string; name: string; outcomes: { code: string; kind: OutcomeKind }[] }>(
    `SELECT o.id, o.name,
            coalesce(json_agg(json_build_object('code', oo.outcome_code, 'kind', oo.kind) ORDER BY oo.outcome_code)
                       FILTER (WHERE oo.outcome_code IS NOT NULL), '[]') AS outcomes
       FROM organisations o
       LEFT JOIN organisation_outcomes oo ON oo.organisation_id = o.id
      WHERE o.id = ANY($1::uuid[])
      GROUP BY o.id, o.name`,
    [ids],
  );

/** Directory organisations whose name contains the words, to add to a comparison. */
export const organisationsNamed = (runner: SqlRunner, name: string, limit: number) =>
  runner.query<{ id: string; name: string }>(
    `SELECT id, name FROM organisations
      WHERE sector = 'vcse' AND name ILIKE '%' || $1 || '%'
      ORDER BY name, id LIMIT $2`,
    [name.replace(/[%_\\]/g, '\\$&'), limit],
  );
