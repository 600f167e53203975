import type { SqlRunner } from '../../db/client.ts';

/** Replaces the organisation's feed token: the old address stops working at once. */
export async function replaceFeedToken(runner: SqlRunner, organisationId: string, tokenHash: string, userId: string) {
  await runner.query(
    `INSERT INTO organisation_calendar_feeds (organisation_id, token_hash, created_by) VALUES ($1, $2, $3)
     ON CONFLICT (organisation_id) DO UPDATE SET token_hash = excluded.token_hash,
       created_by = excluded.created_by, created_at = now()`,
    [organisationId, tokenHash, userId],
  );
}

export async function feedCreatedAt(runner: SqlRunner, organisationId: string) {
  const [row] = await runner.query<{ created_at: Date }>(
    'SELECT created_at FROM organisation_calendar_feeds WHERE organisation_id = $1',
    [organisationId],
  );
  return row?.created_at;
}

export async function organisationForFeed(runner: SqlRunner, tokenHash: string) {
  const [row] = await runner.query<{ id: string; name: string }>(
    `SELECT o.id, o.name FROM organisation_calendar_feeds f JOIN organisations o ON o.id = f.organisation_id
      WHERE f.token_hash = $1`,
    [tokenHash],
  );
  return row;
}

export type PublishedOpportunity = {
  id: string;
  title: string;
  description: string;
  buyer_name: string;
  publication_date: Date | null;
  updated_at: Date;
  clarification_deadline: Date | null;
  submission_deadline: Date | null;
};

const columns = `p.id, p.title, p.description, b.name AS buyer_name, p.publication_date, p.updated_at,
  p.clarification_deadline, p.submission_deadline`;

/** Published opportunities, newest first, for the Atom feed: drafts and finished ones never appear. */
export const listPublished = (runner: SqlRunner, limit = 50) =>
  runner.query<PublishedOpportunity>(
    `SELECT ${columns} FROM opportunities p JOIN organisations b ON b.id = p.buyer_organisation_id
      WHERE p.status = 'published' ORDER BY p.publication_date DESC NULLS LAST, p.id LIMIT $1`,
    [limit],
  );

/** One opportunity that is not a draft, for its calendar download. */
export async function findPublic(runner: SqlRunner, id: string) {
  const [row] = await runner.query<PublishedOpportunity>(
    `SELECT ${columns} FROM opportunities p JOIN organisations b ON b.id = p.buyer_organisation_id
      WHERE p.id = $1 AND p.status <> 'draft'`,
    [id],
  );
  return row;
}
