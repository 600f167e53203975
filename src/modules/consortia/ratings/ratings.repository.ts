import type { SqlRunner } from '../../../db/client.ts';

// Ratings of a consortium's lead by its members after delivery: one for each member organisation, kept as given.

/** Stores the rating; returns false when the organisation has already rated the lead of this consortium. */
export async function insertRating(
  sql: SqlRunner,
  rating: {
    consortiumId: string;
    raterOrganisationId: string;
    leadOrganisationId: string;
    stars: number;
    comment: string;
    userId: string;
  },
) {
  const rows = await sql.query(
    `INSERT INTO lead_ratings (consortium_id, rater_organisation_id, lead_organisation_id, stars, comment, rated_by)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
    [
      rating.consortiumId,
      rating.raterOrganisationId,
      rating.leadOrganisationId,
      rating.stars,
      rating.comment,
      rating.userId,
    ],
  );
  return rows.length > 0;
}

export type GivenRating = { rater_organisation_id: string; stars: number; comment: string; rated_at: Date };

/** The ratings these organisations have given the lead of the consortium. */
export const ratingsGiven = (sql: SqlRunner, consortiumId: string, organisationIds: readonly string[]) =>
  sql.query<GivenRating>(
    `SELECT rater_organisation_id, stars, comment, rated_at FROM lead_ratings
      WHERE consortium_id = $1 AND rater_organisation_id = ANY ($2::uuid[])`,
    [consortiumId, [...organisationIds]],
  );

/** The average stars each of these organisations has had as a lead; those never rated are left out. */
export async function leadRatingOf(sql: SqlRunner, organisationIds: readonly string[]): Promise<Map<string, number>> {
  if (organisationIds.length === 0) return new Map();
  const rows = await sql.query<{ lead_organisation_id: string; average: number }>(
    `SELECT lead_organisation_id, avg(stars)::float8 AS average FROM lead_ratings
      WHERE lead_organisation_id = ANY ($1::uuid[]) GROUP BY lead_organisation_id`,
    [[...organisationIds]],
  );
  return new Map(rows.map((row) => [row.lead_organisation_id, row.average]));
}

export type LeadRatingSummary = {
  averageStars: number;
  count: number;
  latestComments: { stars: number; comment: string; consortium_name: string; rated_at: Date }[];
};

/** For the lead's profile: the average, how many ratings, and the latest comments with the consortium's name. */
export async function leadRatingSummary(
  sql: SqlRunner,
  organisationId: string,
  commentsShown = 5,
): Promise<LeadRatingSummary> {
  const [[totals], latestComments] = await Promise.all([
    sql.query<{ average: number | null; count: number }>(
      `SELECT avg(stars)::float8 AS average, count(*)::int AS count FROM lead_ratings
        WHERE lead_organisation_id = $1`,
      [organisationId],
    ),
    sql.query<LeadRatingSummary['latestComments'][number]>(
      `SELECT r.stars, r.comment, c.name AS consortium_name, r.rated_at
         FROM lead_ratings r JOIN consortia c ON c.id = r.consortium_id
        WHERE r.lead_organisation_id = $1 AND r.comment <> ''
        ORDER BY r.rated_at DESC, r.consortium_id, r.rater_organisation_id
        LIMIT $2`,
      [organisationId, commentsShown],
    ),
  ]);
  return { averageStars: totals?.average ?? 0, count: totals?.count ?? 0, latestComments };
}
