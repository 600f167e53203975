import type { SqlRunner } from '../../db/client.ts';
import { valueReachSql } from './value-reach.ts';

// Ranking organisations and opportunities against each other, scored inside one SQL statement so that only
// the top rows ever leave the database. The same score is used from both sides:
//   3 points per service in common (what the work is matters most),
//   2 points per district in common, at most three (an opportunity for all of Kent and Medway counts as one),
//   +2 when the value is within the organisation's reach for its tier, -4 when it is beyond it (0 if unknown),
//   +2 when the opportunity is reserved for VCSEs, +1 when it is only marked suitable for them,
//   per impact framework outcome the opportunity asks for: +3 when the organisation delivers it as core impact,
//   +1 when it delivers it as value-adding impact.
// Candidates must share a service (when the opportunity names any) and a district (when it names any). Ranking
// organisations for one opportunity reads their bit-mask match profiles (migration 0017), keyed by service, so the
// score is computed for the candidates only, not the whole directory.

export type Criteria = {
  services: string[];
  districts: string[];
  valuePence: number | null;
  suitableForVcse: boolean;
  reservedForVcse: boolean;
  /** Impact framework outcome codes the opportunity asks for. */
  outcomeCodes: string[];
};

export type Match = {
  score: number;
  services_in_common: string[];
  districts_in_common: string[];
  value_fit: 'within' | 'beyond' | 'unknown';
  core_outcomes_in_common: string[];
  value_adding_outcomes_in_common: string[];
};

const common = (a: string, b: string) => `ARRAY(SELECT unnest(${a}) INTERSECT SELECT unnest(${b}) ORDER BY 1)`;

// `o` is the organisation, `p` the opportunity, in both directions.
const valueFit = `CASE WHEN p.value_pence IS NULL OR o.tier IS NULL THEN 'unknown'
  WHEN ${valueReachSql('o.tier')} IS NULL OR p.value_pence <= ${valueReachSql('o.tier')} THEN 'within'
  ELSE 'beyond' END`;
// The opportunity's outcome codes as an SQL array expression. Organisation rows carry their outcome codes by kind
// (kept from organisation_outcomes by the triggers of migration 0016), so outcomes are scored like services.
const opportunityOutcomes = 'ARRAY(SELECT po.outcome_code FROM opportunity_outcomes po WHERE po.opportunity_id = p.id)';
const outcomeReasons = (codes: string) =>
  `${common('o.core_outcomes', codes)} AS core_outcomes_in_common,
  ${common('o.value_adding_outcomes', codes)} AS value_adding_outcomes_in_common`;

const score = `(3 * cardinality(${common('o.services', 'p.services')})
  + 2 * CASE WHEN cardinality(p.districts) = 0 THEN 1 ELSE least(3, cardinality(${common('o.districts', 'p.districts')})) END
  + CASE ${valueFit} WHEN 'within' THEN 2 WHEN 'beyond' THEN -4 ELSE 0 END
  + CASE WHEN p.reserved_for_vcse THEN 2 WHEN p.suitable_for_vcse THEN 1 ELSE 0 END
  + 3 * cardinality(${common('o.core_outcomes', opportunityOutcomes)})
  + cardinality(${common('o.value_adding_outcomes', opportunityOutcomes)}))`;
const reasons = `${common('o.services', 'p.services')} AS services_in_common,
  ${common('o.districts', 'p.districts')} AS districts_in_common, ${valueFit} AS value_fit`;
const candidate = `(cardinality(p.services) = 0 OR o.services && p.services)
  AND (cardinality(p.districts) = 0 OR o.districts && p.districts)`;

export type OrganisationMatch = Match & { id: string; name: string; tier: number | null; verified: boolean };

/**
 * The directory organisations that best fit an opportunity's criteria, best first. The opportunity is fixed, so
 * its codes become bit masks once, and each candidate is scored with integer arithmetic on its match profile
 * (migration 0017): only the profiles of the opportunity's services are read, each organisation once, on the
 * first of those services it offers. Reasons are worked out for the top rows only.
 */
export function rankOrganisations(runner: SqlRunner, criteria: Criteria, limit = 20) {
  const reach = valueReachSql('o.tier');
  const valuePoints =
    criteria.valuePence === null
      ? '0'
      : `CASE WHEN o.tier IS NULL THEN 0 WHEN ${reach} IS NULL OR $3::bigint <= ${reach} THEN 2 ELSE -4 END`;
  const inCommon = (column: string, mask: string) => `bit_count((${column} & ${mask})::bit(64))`;
  const districtPoints = criteria.districts.length ? `least(3, ${inCommon('o.districts', 'm.districts')})` : '1';
  const vcsePoints = criteria.reservedForVcse ? 2 : criteria.suitableForVcse ? 1 : 0;
  const outcomePoints = criteria.outcomeCodes.length
    ? '3 * bit_count(o.core_outcomes & m.outcomes) + bit_count(o.value_adding_outcomes & m.outcomes)'
    : '0';
  const where = criteria.services.length
    ? // An organisation offering several of the services is counted on the lowest of their bits only.
      'o.service_bit = ANY(m.service_bits) AND (o.services & m.services & ((1::bigint << o.service_bit) - 1)) = 0'
    : // No service asked for: every organisation, once, on the first of its profiles.
      'o.service_bit >= -1 AND (o.service_bit = -1 OR (o.services & ((1::bigint << o.service_bit) - 1)) = 0)';
  return runner.query<OrganisationMatch>(
    `WITH m AS MATERIALIZED (
       SELECT matching_bits('service', $1::text[]) AS service_bits, matching_mask('service', $1::text[]) AS services,
              matching_mask('district', $2::text[]) AS districts, matching_outcome_mask($5::text[]) AS outcomes),
     p AS (SELECT $1::text[] AS services, $2::text[] AS districts, $3::bigint AS value_pence),
     top AS (
       SELECT o.organisation_id AS id,
              (3 * ${inCommon('o.services', 'm.services')} + 2 * ${districtPoints} + ${valuePoints} + ${vcsePoints}
              + ${outcomePoints})::int AS score
         FROM m, organisation_match_profiles o
        WHERE ${where}${criteria.districts.length ? ' AND (o.districts & m.districts) <> 0' : ''}
        ORDER BY score DESC, o.name, o.organisation_id
        LIMIT $4)
     SELECT o.id, o.name, o.tier, o.verified_at IS NOT NULL AS verified, top.score, ${reasons},
            ${outcomeReasons('$5::text[]')}
       FROM top JOIN organisations o ON o.id = top.id, p
      ORDER BY top.score DESC, o.name, o.id`,
    [criteria.services, criteria.districts, criteria.valuePence, limit, criteria.outcomeCodes],
  );
}

export type OpportunityMatch = Match & {
  id: string;
  title: string;
  buyer_name: string;
  value_pence: number | null;
  clarification_deadline: Date | null;
  submission_deadline: Date | null;
  updated_at: Date;
  reserved_for_vcse: boolean;
  suitable_for_vcse: boolean;
};

/** Open (published, not yet past their deadline) opportunities that fit one organisation, best first. */
export const rankOpportunities = (runner: SqlRunner, organisationId: string, limit = 50) =>
  runner.query<OpportunityMatch>(
    `SELECT p.id, p.title, b.name AS buyer_name, p.value_pence::float8 AS value_pence, p.clarification_deadline,
            p.submission_deadline, p.updated_at, p.reserved_for_vcse, p.suitable_for_vcse, ${score} AS score,
            ${reasons},
            ${outcomeReasons(opportunityOutcomes)}
       FROM opportunities p
       JOIN organisations b ON b.id = p.buyer_organisation_id
       JOIN organisations o ON o.id = $1
      WHERE p.status = 'published' AND (p.submission_deadline IS NULL OR p.submission_deadline > now())
        AND ${candidate}
      ORDER BY score DESC, p.submission_deadline NULLS LAST, p.id
      LIMIT $2`,
    [organisationId, limit],
  );

/** The criteria of one opportunity, for ranking organisations against it. */
export async function criteriaOf(runner: SqlRunner, opportunityId: string) {
  const [row] = await runner.query<Criteria & { buyerOrganisationId: string; title: string }>(
    `SELECT services, districts, value_pence::float8 AS "valuePence", suitable_for_vcse AS "suitableForVcse",
            reserved_for_vcse AS "reservedForVcse", buyer_organisation_id AS "buyerOrganisationId", title,
            ARRAY(SELECT outcome_code FROM opportunity_outcomes WHERE opportunity_id = $1 ORDER BY 1) AS "outcomeCodes"
       FROM opportunities WHERE id = $1`,
    [opportunityId],
  );
  return row;
}

export async function organisationSummary(runner: SqlRunner, id: string) {
  const [row] = await runner.query<{ id: string; name: string; tier: number | null; sector: string }>(
    'SELECT id, name, tier, sector FROM organisations WHERE id = $1',
    [id],
  );
  return row;
}
