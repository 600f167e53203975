import type { SqlRunner } from '../../../db/client.ts';
import type { Tier } from '../../organisations/tiers.ts';
import { leadRatingOf } from '../ratings/ratings.repository.ts';
import { canLeadWith, homeDistrictOf, readinessOf } from './candidates.ts';
import type { Candidate } from './model.ts';

// The directory organisations a suggestion weighs for one opportunity. The directory holds up to 200,000
// organisations, so only those that offer one of the services and serve one of the districts leave the database:
// they are found on the bit-mask match profiles of migration 0017, keyed by service, each organisation once (on
// the lowest of its bits among the services asked for), and only their rows are read.

type Row = {
  id: string;
  name: string;
  tier: number | null;
  services: string[];
  districts: string[];
  wards: string[];
  assurances: string[];
  verified: boolean;
  core_outcomes: string[];
  value_adding_outcomes: string[];
};

export async function loadCandidates(
  sql: SqlRunner,
  needs: { services: readonly string[]; districts: readonly string[] },
): Promise<Candidate[]> {
  if (needs.services.length === 0 || needs.districts.length === 0) return [];
  const rows = await sql.query<Row>(
    `WITH m AS MATERIALIZED (
       SELECT matching_bits('service', $1::text[]) AS service_bits, matching_mask('service', $1::text[]) AS services,
              matching_mask('district', $2::text[]) AS districts),
     found AS (
       SELECT p.organisation_id FROM m, organisation_match_profiles p
        WHERE p.service_bit = ANY (m.service_bits)
          AND (p.services & m.services & ((1::bigint << p.service_bit) - 1)) = 0
          AND (p.districts & m.districts) <> 0)
     SELECT o.id, o.name, o.tier, o.services, o.districts, o.wards, o.assurances, o.verified_at IS NOT NULL AS verified,
            o.core_outcomes, o.value_adding_outcomes
       FROM found JOIN organisations o ON o.id = found.organisation_id
      ORDER BY o.id`,
    [[...needs.services], [...needs.districts]],
  );
  const ratings = await leadRatingOf(
    sql,
    rows.map((row) => row.id),
  );
  return rows.map((row): Candidate => {
    const tier = row.tier as Tier | null;
    const readiness = readinessOf(row);
    return {
      id: row.id,
      name: row.name,
      tier,
      services: row.services,
      districts: row.districts,
      homeDistrict: homeDistrictOf(row),
      readiness,
      coreOutcomes: row.core_outcomes,
      valueAddingOutcomes: row.value_adding_outcomes,
      leadRating: ratings.get(row.id) ?? null,
      canLead: canLeadWith(tier, readiness),
    };
  });
}
