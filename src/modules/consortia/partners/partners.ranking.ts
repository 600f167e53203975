import type { SqlRunner } from '../../../db/client.ts';
import { valueReachSql } from '../../matching/value-reach.ts';
import { ESSENTIALS, QUALITY_MARKS } from '../suggestion/candidates.ts';

// Ranking the directory for partners that complement one organisation on one opportunity, in one SQL statement
// so that only the top rows leave the database. What the requester lacks is worked out once from its profile:
// the services and districts asked for that it does not offer or serve, and the opportunity's framework outcomes
// it does not deliver as core impact. Each candidate then scores
//   3 points per service it offers that the requester lacks,
//   2 points per district it serves that the requester does not, at most four (so areas do not outweigh services),
//   3 points per lacking outcome it delivers as core impact, 1 per one it adds value to,
//   1 point per fifth of readiness to bid (the consortium suggestion's rule, in ../suggestion/candidates.ts: 30%
//   for a profile the hub has verified, 10% for each policy or insurance almost every contract asks for, 10% for
//   any quality mark),
//   +2 when its tier can take on a lot of the value in question, -2 when it cannot (it may still deliver part).
// Candidates are voluntary and community organisations doing the work asked for (one of the services and one of
// the districts, when there are any) that fill at least one gap. The services and districts columns have GIN
// indexes, so the candidates are found without reading the whole directory.

export type Wanted = {
  /** The service codes the partners would deliver; empty when the opportunity names none. */
  services: string[];
  /** The district codes the partners would serve. */
  districts: string[];
  /** The opportunity's framework outcome codes. */
  outcomes: string[];
  /** The value of the smallest lot asked for (or of the opportunity), or null when not known. */
  valuePence: number | null;
};

export type Gaps = { services: string[]; districts: string[]; outcomes: string[] };

export type PartnerMatch = {
  id: string;
  name: string;
  tier: number | null;
  score: number;
  services_lacking: string[];
  districts_lacking: string[];
  core_outcomes_lacking: string[];
  value_adding_outcomes_lacking: string[];
  verified: boolean;
  essentials: string[];
  quality_marks: string[];
  /** 0 to 10. */
  readiness_tenths: number;
  value_fit: 'within' | 'beyond' | 'unknown';
};

const common = (a: string, b: string) => `ARRAY(SELECT unnest(${a}) INTERSECT SELECT unnest(${b}) ORDER BY 1)`;
const lacking = (wanted: string, held: string) =>
  `ARRAY(SELECT unnest(${wanted}) EXCEPT SELECT unnest(${held}) ORDER BY 1)`;

/** What the organisation lacks of what is wanted; undefined when there is no such organisation. */
export async function gapsOf(sql: SqlRunner, organisationId: string, wanted: Wanted) {
  const [row] = await sql.query<Gaps>(
    `SELECT ${lacking('$2::text[]', 'o.services')} AS services, ${lacking('$3::text[]', 'o.districts')} AS districts,
            ${lacking('$4::text[]', 'o.core_outcomes')} AS outcomes
       FROM organisations o WHERE o.id = $1`,
    [organisationId, wanted.services, wanted.districts, wanted.outcomes],
  );
  return row;
}

/** How many of the codes in the column are among the parameter's: a plain scan, cheaper than an intersection. */
const count = (column: string, parameter: string) =>
  `(SELECT count(*) FROM unnest(${column}) AS code WHERE code = ANY (${parameter}))`;

/**
 * The organisations that best fill the gaps, best first, leaving out the requester itself. Every candidate is
 * scored from counts alone; the codes behind each reason are worked out for the page of top rows only.
 */
export function rankPartners(
  sql: SqlRunner,
  organisationId: string,
  wanted: Wanted,
  gaps: Gaps,
  { limit, offset }: { limit: number; offset: number },
) {
  const reach = valueReachSql('o.tier');
  const valueFit = `CASE WHEN $6::bigint IS NULL OR o.tier IS NULL THEN 'unknown'
    WHEN ${reach} IS NULL OR $6::bigint <= ${reach} THEN 'within' ELSE 'beyond' END`;
  const readinessTenths = `(CASE WHEN o.verified_at IS NOT NULL THEN 3 ELSE 0 END + ${count('o.assurances', '$8::text[]')}
    + CASE WHEN o.assurances && $9::text[] THEN 1 ELSE 0 END)::int`;
  return sql.query<PartnerMatch>(
    `WITH top AS (
       SELECT o.id, o.name,
              (3 * ${count('o.services', '$4::text[]')} + 2 * least(4, ${count('o.districts', '$5::text[]')})
              + 3 * ${count('o.core_outcomes', '$7::text[]')} + ${count('o.value_adding_outcomes', '$7::text[]')}
              + ${readinessTenths} / 2
              + CASE ${valueFit} WHEN 'within' THEN 2 WHEN 'beyond' THEN -2 ELSE 0 END)::int AS score
         FROM organisations o
        WHERE o.sector = 'vcse' AND o.id <> $1
          AND (cardinality($2::text[]) = 0 OR o.services && $2::text[])
          AND (cardinality($3::text[]) = 0 OR o.districts && $3::text[])
          AND (o.services && $4::text[] OR o.districts && $5::text[]
               OR o.core_outcomes && $7::text[] OR o.value_adding_outcomes && $7::text[])
        ORDER BY score DESC, o.name, o.id
        LIMIT $10 OFFSET $11)
     SELECT o.id, o.name, o.tier, top.score, o.verified_at IS NOT NULL AS verified,
            ${common('o.services', '$4::text[]')} AS services_lacking,
            ${common('o.districts', '$5::text[]')} AS districts_lacking,
            ${common('o.core_outcomes', '$7::text[]')} AS core_outcomes_lacking,
            ${common('o.value_adding_outcomes', '$7::text[]')} AS value_adding_outcomes_lacking,
            ${common('o.assurances', '$8::text[]')} AS essentials,
            ${common('o.assurances', '$9::text[]')} AS quality_marks,
            ${readinessTenths} AS readiness_tenths, ${valueFit} AS value_fit
       FROM top JOIN organisations o ON o.id = top.id
      ORDER BY top.score DESC, o.name, o.id`,
    [
      organisationId,
      wanted.services,
      wanted.districts,
      gaps.services,
      gaps.districts,
      wanted.valuePence,
      gaps.outcomes,
      [...ESSENTIALS],
      [...QUALITY_MARKS],
      limit,
      offset,
    ],
  );
}
