import type { SqlRunner } from '../../../db/client.ts';

// All of the module's SQL about requests for partners and the answers to them. Ranking partners is in
// partners.ranking.ts.

/** Open for bids: published and its submission deadline not yet passed, as opportunities are matched. */
const OPEN = `p.status = 'published' AND (p.submission_deadline IS NULL OR p.submission_deadline > now())`;

export type Opportunity = {
  id: string;
  title: string;
  status: string;
  open: boolean;
  buyer_organisation_id: string;
  services: string[];
  districts: string[];
  value_pence: number | null;
  outcome_codes: string[];
};

export async function findOpportunity(sql: SqlRunner, id: string) {
  const [row] = await sql.query<Opportunity>(
    `SELECT p.id, p.title, p.status, ${OPEN} AS open, p.buyer_organisation_id, p.services, p.districts,
            p.value_pence::float8 AS value_pence,
            ARRAY(SELECT outcome_code FROM opportunity_outcomes WHERE opportunity_id = p.id ORDER BY 1)
              AS outcome_codes
       FROM opportunities p WHERE p.id = $1`,
    [id],
  );
  return row;
}

// The opportunity's lots are read as the consortium pages read them.
export { type Lot, lotsOf } from '../consortia.repository.ts';

export type PartnerRequest = {
  id: string;
  opportunity_id: string;
  organisation_id: string;
  organisation_name: string;
  lot_ids: string[];
  districts: string[];
  services: string[];
  message: string;
  created_at: Date;
  withdrawn_at: Date | null;
};
const REQUEST_COLUMNS = `r.id, r.opportunity_id, r.organisation_id, o.name AS organisation_name, r.lot_ids,
  r.districts, r.services, r.message, r.created_at, r.withdrawn_at`;

export async function findRequest(sql: SqlRunner, id: string) {
  const [row] = await sql.query<PartnerRequest>(
    `SELECT ${REQUEST_COLUMNS} FROM partner_requests r JOIN organisations o ON o.id = r.organisation_id
      WHERE r.id = $1`,
    [id],
  );
  return row;
}

/** The requests not withdrawn on an opportunity, oldest first: the first to ask is shown first. */
export const activeRequestsFor = (sql: SqlRunner, opportunityId: string) =>
  sql.query<PartnerRequest>(
    `SELECT ${REQUEST_COLUMNS} FROM partner_requests r JOIN organisations o ON o.id = r.organisation_id
      WHERE r.opportunity_id = $1 AND r.withdrawn_at IS NULL
      ORDER BY r.created_at, r.id`,
    [opportunityId],
  );

export async function insertRequest(
  sql: SqlRunner,
  values: {
    opportunityId: string;
    organisationId: string;
    lotIds: string[];
    districts: string[];
    services: string[];
    message: string;
    userId: string;
  },
) {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO partner_requests (opportunity_id, organisation_id, lot_ids, districts, services, message, created_by)
     VALUES ($1, $2, $3::uuid[], $4::text[], $5::text[], $6, $7) RETURNING id`,
    [
      values.opportunityId,
      values.organisationId,
      values.lotIds,
      values.districts,
      values.services,
      values.message,
      values.userId,
    ],
  );
  if (!row) throw new Error('the request was not stored');
  return row.id;
}

/** Marks the request withdrawn; returns false when it already was. */
export async function withdrawRequest(sql: SqlRunner, id: string) {
  const rows = await sql.query(
    'UPDATE partner_requests SET withdrawn_at = now() WHERE id = $1 AND withdrawn_at IS NULL RETURNING 1',
    [id],
  );
  return rows.length > 0;
}

export type Reply = {
  id: string;
  organisation_id: string;
  organisation_name: string;
  message: string;
  created_by_name: string;
  created_at: Date;
};

/** The answers to a request, oldest first; only those from the given organisations, unless all are asked for. */
export const repliesTo = (sql: SqlRunner, requestId: string, from: readonly string[] | 'all') =>
  sql.query<Reply>(
    `SELECT y.id, y.organisation_id, o.name AS organisation_name, y.message, u.display_name AS created_by_name,
            y.created_at
       FROM partner_request_replies y JOIN organisations o ON o.id = y.organisation_id
       JOIN users u ON u.id = y.created_by
      WHERE y.request_id = $1 AND ($2::uuid[] IS NULL OR y.organisation_id = ANY ($2::uuid[]))
      ORDER BY y.created_at, y.id`,
    [requestId, from === 'all' ? null : [...from]],
  );

export async function insertReply(
  sql: SqlRunner,
  values: { requestId: string; organisationId: string; message: string; userId: string },
) {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO partner_request_replies (request_id, organisation_id, message, created_by)
     VALUES ($1, $2, $3, $4) RETURNING id`,
    [values.requestId, values.organisationId, values.message, values.userId],
  );
  if (!row) throw new Error('the reply was not stored');
  return row.id;
}

/** The voluntary and community organisations among these: those that bid, and so look for partners. */
export const vcseAmong = (sql: SqlRunner, ids: readonly string[]) =>
  sql.query<{ id: string; name: string }>(
    `SELECT id, name FROM organisations WHERE id = ANY ($1::uuid[]) AND sector = 'vcse' ORDER BY name, id`,
    [[...ids]],
  );

/** The consortium, still forming, that the organisation leads for the opportunity, with who is in or invited. */
export async function formingConsortiumLedBy(sql: SqlRunner, organisationId: string, opportunityId: string) {
  const [row] = await sql.query<{ id: string; name: string; member_ids: string[] }>(
    `SELECT c.id, c.name,
            ARRAY(SELECT m.organisation_id FROM consortium_members m
                   WHERE m.consortium_id = c.id AND m.status <> 'declined') AS member_ids
       FROM consortia c
      WHERE c.lead_organisation_id = $1 AND c.opportunity_id = $2 AND c.status = 'forming'
      ORDER BY c.created_at DESC, c.id LIMIT 1`,
    [organisationId, opportunityId],
  );
  return row;
}

/** Where to tell an organisation's members about an answer: each member with a confirmed address. */
export const memberAddresses = (sql: SqlRunner, organisationId: string) =>
  sql.query<{ email: string }>(
    `SELECT u.email FROM organisation_members m JOIN users u ON u.id = m.user_id
      WHERE m.organisation_id = $1 AND u.email_verified_at IS NOT NULL ORDER BY u.email`,
    [organisationId],
  );
