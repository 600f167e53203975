import type { SqlRunner } from '../../db/client.ts';

// All of the module's SQL about consortia, their members, allocations, terms, charters and decisions.

export type MemberRole = 'lead' | 'partner' | 'subcontractor';
export type MemberStatus = 'invited' | 'accepted' | 'declined';
export type ConsortiumStatus = 'forming' | 'bid' | 'awarded' | 'delivering' | 'completed' | 'withdrawn';

export type Consortium = {
  id: string;
  opportunity_id: string;
  opportunity_title: string;
  opportunity_status: string;
  buyer_organisation_id: string;
  name: string;
  lead_organisation_id: string;
  lead_name: string;
  listed: boolean;
  status: ConsortiumStatus;
  created_at: Date;
};

export type Member = {
  organisation_id: string;
  name: string;
  tier: number | null;
  income_pence: number | null;
  role: MemberRole;
  status: MemberStatus;
  invited_at: Date;
  responded_at: Date | null;
};

export async function findConsortium(sql: SqlRunner, id: string) {
  const [row] = await sql.query<Consortium>(
    `SELECT c.id, c.opportunity_id, p.title AS opportunity_title, p.status AS opportunity_status,
            p.buyer_organisation_id, c.name,
            c.lead_organisation_id, l.name AS lead_name, c.listed, c.status, c.created_at
       FROM consortia c JOIN opportunities p ON p.id = c.opportunity_id
       JOIN organisations l ON l.id = c.lead_organisation_id
      WHERE c.id = $1`,
    [id],
  );
  return row;
}

export const membersOf = (sql: SqlRunner, consortiumId: string) =>
  sql.query<Member>(
    `SELECT m.organisation_id, o.name, o.tier, o.income_pence::float8 AS income_pence, m.role, m.status,
            m.invited_at, m.responded_at
       FROM consortium_members m JOIN organisations o ON o.id = m.organisation_id
      WHERE m.consortium_id = $1
      ORDER BY m.role = 'lead' DESC, m.status, o.name`,
    [consortiumId],
  );

export async function insertConsortium(
  sql: SqlRunner,
  values: { opportunityId: string; name: string; leadOrganisationId: string; userId: string },
) {
  const [row] = await sql.query<{ id: string }>(
    `INSERT INTO consortia (opportunity_id, name, lead_organisation_id, created_by) VALUES ($1, $2, $3, $4)
     RETURNING id`,
    [values.opportunityId, values.name, values.leadOrganisationId, values.userId],
  );
  if (!row) throw new Error('the consortium was not stored');
  await sql.query(
    `INSERT INTO consortium_members (consortium_id, organisation_id, role, status, invited_by, responded_by,
                                     responded_at)
     VALUES ($1, $2, 'lead', 'accepted', $3, $3, now())`,
    [row.id, values.leadOrganisationId, values.userId],
  );
  return row.id;
}

/** Invites the organisation; returns false when it is already a member or was invited before. */
export async function insertInvitation(
  sql: SqlRunner,
  values: { consortiumId: string; organisationId: string; role: MemberRole; userId: string },
) {
  const rows = await sql.query(
    `INSERT INTO consortium_members (consortium_id, organisation_id, role, status, invited_by)
     VALUES ($1, $2, $3, 'invited', $4) ON CONFLICT DO NOTHING RETURNING 1`,
    [values.consortiumId, values.organisationId, values.role, values.userId],
  );
  return rows.length > 0;
}

/** Answers an invitation still open; returns false when there was none. */
export async function answerInvitation(
  sql: SqlRunner,
  values: { consortiumId: string; organisationId: string; accept: boolean; userId: string },
) {
  const rows = await sql.query(
    `UPDATE consortium_members SET status = $3, responded_by = $4, responded_at = now()
      WHERE consortium_id = $1 AND organisation_id = $2 AND status = 'invited' RETURNING 1`,
    [values.consortiumId, values.organisationId, values.accept ? 'accepted' : 'declined', values.userId],
  );
  return rows.length > 0;
}

export type ConsortiumSummary = Pick<
  Consortium,
  'id' | 'name' | 'opportunity_id' | 'opportunity_title' | 'lead_name' | 'status'
> & {
  organisation_id: string;
  organisation_name: string;
  role: MemberRole;
  member_status: MemberStatus;
};

/** The consortia the organisations belong to or are invited to, newest first. */
export const consortiaOf = (sql: SqlRunner, organisationIds: readonly string[]) =>
  sql.query<ConsortiumSummary>(
    `SELECT c.id, c.name, c.opportunity_id, p.title AS opportunity_title, l.name AS lead_name, c.status,
            m.organisation_id, o.name AS organisation_name, m.role, m.status AS member_status
       FROM consortium_members m JOIN consortia c ON c.id = m.consortium_id
       JOIN opportunities p ON p.id = c.opportunity_id
       JOIN organisations l ON l.id = c.lead_organisation_id
       JOIN organisations o ON o.id = m.organisation_id
      WHERE m.organisation_id = ANY ($1::uuid[]) AND m.status <> 'declined'
      ORDER BY c.created_at DESC, c.id`,
    [[...organisationIds]],
  );

/** Consortia that have chosen to be listed on an opportunity. */
export const listedFor = (sql: SqlRunner, opportunityId: string) =>
  sql.query<{ id: string; name: string; lead_name: string; members: number }>(
    `SELECT c.id, c.name, l.name AS lead_name,
            (SELECT count(*)::int FROM consortium_members m WHERE m.consortium_id = c.id AND m.status = 'accepted')
              AS members
       FROM consortia c JOIN organisations l ON l.id = c.lead_organisation_id
      WHERE c.opportunity_id = $1 AND c.listed AND c.status <> 'withdrawn'
      ORDER BY c.created_at, c.id`,
    [opportunityId],
  );

export async function setListed(sql: SqlRunner, consortiumId: string, listed: boolean) {
  await sql.query('UPDATE consortia SET listed = $2 WHERE id = $1', [consortiumId, listed]);
}

export type Allocation = { lot_id: string; district: string; organisation_id: string };
export const allocationsOf = (sql: SqlRunner, consortiumId: string) =>
  sql.query<Allocation>(
    'SELECT lot_id, district, organisation_id FROM consortium_allocations WHERE consortium_id = $1',
    [consortiumId],
  );

/** Replaces the whole allocation: who delivers each lot in each district. */
export async function replaceAllocations(sql: SqlRunner, consortiumId: string, rows: Allocation[]) {
  await sql.query('DELETE FROM consortium_allocations WHERE consortium_id = $1', [consortiumId]);
  if (rows.length === 0) return;
  await sql.query(
    `INSERT INTO consortium_allocations (consortium_id, lot_id, district, organisation_id)
     SELECT $1, r.lot_id, r.district, r.organisation_id
       FROM json_to_recordset($2::json) AS r(lot_id uuid, district text, organisation_id uuid)`,
    [consortiumId, JSON.stringify(rows)],
  );
}

export type Lot = { id: string; title: string; value_pence: number | null; districts: string[] };
export const lotsOf = (sql: SqlRunner, opportunityId: string) =>
  sql.query<Lot>(
    `SELECT id, title, value_pence::float8 AS value_pence, districts FROM opportunity_lots
      WHERE opportunity_id = $1 ORDER BY created_at, id`,
    [opportunityId],
  );

/** A numbered version of something kept as history (terms, charters): the next number is one more. */
async function insertVersion(sql: SqlRunner, table: string, consortiumId: string, columns: Record<string, unknown>) {
  const names = Object.keys(columns);
  const [row] = await sql.query<{ version: number }>(
    `INSERT INTO ${table} (consortium_id, version, ${names.join(', ')})
     SELECT $1, coalesce(max(version), 0) + 1, ${names.map((_, index) => `$${index + 2}`).join(', ')}
       FROM ${table} WHERE consortium_id = $1
     RETURNING version`,
    [consortiumId, ...Object.values(columns)],
  );
  return row?.version ?? 0;
}

export type TermsVersion<Terms, Flag> = {
  version: number;
  terms: Terms;
  flags: Flag[];
  recorded_at: Date;
  recorded_by_name: string;
};
export const termsVersions = <Terms, Flag>(sql: SqlRunner, consortiumId: string) =>
  sql.query<TermsVersion<Terms, Flag>>(
    `SELECT t.version, t.terms, t.flags, t.recorded_at, u.display_name AS recorded_by_name
       FROM consortium_terms t JOIN users u ON u.id = t.recorded_by
      WHERE t.consortium_id = $1 ORDER BY t.version DESC`,
    [consortiumId],
  );
export const insertTerms = (sql: SqlRunner, consortiumId: string, terms: unknown, flags: unknown, userId: string) =>
  insertVersion(sql, 'consortium_terms', consortiumId, {
    terms: JSON.stringify(terms),
    flags: JSON.stringify(flags),
    recorded_by: userId,
  });

/** Who has agreed, for their organisation, to one version of the terms. */
export const termsAgreements = (sql: SqlRunner, consortiumId: string, version: number) =>
  sql.query<{ organisation_id: string; agreed_at: Date; agreed_by_name: string }>(
    `SELECT a.organisation_id, a.agreed_at, u.display_name AS agreed_by_name
       FROM consortium_terms_agreements a JOIN users u ON u.id = a.agreed_by
      WHERE a.consortium_id = $1 AND a.version = $2 ORDER BY a.agreed_at`,
    [consortiumId, version],
  );
export async function insertAgreement(
  sql: SqlRunner,
  values: { consortiumId: string; version: number; organisationId: string; userId: string },
) {
  await sql.query(
    `INSERT INTO consortium_terms_agreements (consortium_id, version, organisation_id, agreed_by)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [values.consortiumId, values.version, values.organisationId, values.userId],
  );
}

export type Charter = {
  version: number;
  lead_delivers: boolean;
  lead_delivery: string;
  conflicts_of_interest: string;
  will_not_compete: boolean;
  recorded_at: Date;
  recorded_by_name: string;
};
export const charterVersions = (sql: SqlRunner, consortiumId: string) =>
  sql.query<Charter>(
    `SELECT c.version, c.lead_delivers, c.lead_delivery, c.conflicts_of_interest, c.will_not_compete,
            c.recorded_at, u.display_name AS recorded_by_name
       FROM consortium_charters c JOIN users u ON u.id = c.recorded_by
      WHERE c.consortium_id = $1 ORDER BY c.version DESC`,
    [consortiumId],
  );
export const insertCharter = (
  sql: SqlRunner,
  consortiumId: string,
  charter: { leadDelivers: boolean; leadDelivery: string; conflictsOfInterest: string; willNotCompete: boolean },
  userId: string,
) =>
  insertVersion(sql, 'consortium_charters', consortiumId, {
    lead_delivers: charter.leadDelivers,
    lead_delivery: charter.leadDelivery,
    conflicts_of_interest: charter.conflictsOfInterest,
    will_not_compete: charter.willNotCompete,
    recorded_by: userId,
  });

export const decisionsOf = (sql: SqlRunner, consortiumId: string) =>
  sql.query<{ id: string; decision: string; recorded_at: Date; recorded_by_name: string }>(
    `SELECT d.id::text, d.decision, d.recorded_at, u.display_name AS recorded_by_name
       FROM consortium_decisions d JOIN users u ON u.id = d.recorded_by
      WHERE d.consortium_id = $1 ORDER BY d.id DESC`,
    [consortiumId],
  );
export async function insertDecision(sql: SqlRunner, consortiumId: string, decision: string, userId: string) {
  await sql.query('INSERT INTO consortium_decisions (consortium_id, decision, recorded_by) VALUES ($1, $2, $3)', [
    consortiumId,
    decision,
    userId,
  ]);
}

/** A directory organisation that can join a consortium: a voluntary or community one. */
export async function findVcse(sql: SqlRunner, id: string) {
  const [row] = await sql.query<{ id: string; name: string; tier: number | null }>(
    `SELECT id, name, tier FROM organisations WHERE id = $1 AND sector = 'vcse'`,
    [id],
  );
  return row;
}

export async function findOpportunity(sql: SqlRunner, id: string) {
  const [row] = await sql.query<{ id: string; title: string; status: string; services: string[] }>(
    'SELECT id, title, status, services FROM opportunities WHERE id = $1',
    [id],
  );
  return row;
}

/** The voluntary and community organisations among these: those that can lead a consortium. */
export const vcseAmong = (sql: SqlRunner, ids: readonly string[]) =>
  sql.query<{ id: string; name: string }>(
    `SELECT id, name FROM organisations WHERE id = ANY ($1::uuid[]) AND sector = 'vcse' ORDER BY name`,
    [[...ids]],
  );

/** Voluntary and community organisations whose name contains the words, for inviting. */
export const findVcseByName = (sql: SqlRunner, words: string) =>
  sql.query<{ id: string; name: string; tier: number | null }>(
    `SELECT id, name, tier FROM organisations
      WHERE sector = 'vcse' AND name ILIKE '%' || replace(replace(replace($1, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
      ORDER BY name LIMIT 10`,
    [words],
  );

/** Consortia that have bid for the opportunity, for the buyer's award: also those awarded some lots already. */
export const biddingFor = (sql: SqlRunner, opportunityId: string) =>
  sql.query<{ id: string; name: string; lead_organisation_id: string; lead_name: string; members: number }>(
    `SELECT c.id, c.name, c.lead_organisation_id, l.name AS lead_name,
            (SELECT count(*)::int FROM consortium_members m WHERE m.consortium_id = c.id AND m.status = 'accepted')
              AS members
       FROM consortia c JOIN organisations l ON l.id = c.lead_organisation_id
      WHERE c.opportunity_id = $1 AND c.status IN ('bid', 'awarded')
      ORDER BY c.bid_at, c.id`,
    [opportunityId],
  );

/**
 * The consortium's status, with its row locked until the transaction ends: answering an invitation, recording
 * or agreeing to terms, and bidding each take this lock, so a bid never passes on a check another change undoes.
 */
export async function lockedStatus(sql: SqlRunner, consortiumId: string) {
  const [row] = await sql.query<{ status: ConsortiumStatus }>('SELECT status FROM consortia WHERE id = $1 FOR UPDATE', [
    consortiumId,
  ]);
  return row?.status;
}

export async function setStatus(sql: SqlRunner, ids: readonly string[], status: ConsortiumStatus) {
  await sql.query(
    `UPDATE consortia SET status = $2, bid_at = CASE WHEN $2 = 'bid' THEN now() ELSE bid_at END
      WHERE id = ANY ($1::uuid[])`,
    [[...ids], status],
  );
}

/** Moves the consortia awarded an opportunity on with its contract: delivering, then completed. */
export async function followAwarded(sql: SqlRunner, opportunityId: string, status: 'delivering' | 'completed') {
  await sql.query(
    `UPDATE consortia c SET status = $2
      WHERE EXISTS (SELECT 1 FROM opportunity_awards a WHERE a.consortium_id = c.id AND a.opportunity_id = $1)`,
    [opportunityId, status],
  );
}

export type Subcontractor = {
  consortium_id: string;
  organisation_id: string;
  name: string;
  role: MemberRole;
  /** Share of the allocated lot value, in basis points; null when nothing is allocated or lots have no value. */
  share_basis_points: number | null;
};

/**
 * The accepted members other than the lead of each consortium, with the share of the work allocated to them:
 * each cell is worth its lot's value split evenly over the lot's districts.
 */
export const subcontractorsOf = (sql: SqlRunner, consortiumIds: readonly string[]) =>
  sql.query<Subcontractor>(
    `WITH cells AS (
       SELECT a.consortium_id, a.organisation_id,
              coalesce(l.value_pence, 0)::numeric / greatest(cardinality(l.districts), 1) AS value
         FROM consortium_allocations a JOIN opportunity_lots l ON l.id = a.lot_id
        WHERE a.consortium_id = ANY ($1::uuid[])
          -- Once awarded, only the lots of its awards (an award naming none is the whole opportunity).
          AND (NOT EXISTS (SELECT 1 FROM opportunity_awards w WHERE w.consortium_id = a.consortium_id)
               OR EXISTS (SELECT 1 FROM opportunity_awards w WHERE w.consortium_id = a.consortium_id
                             AND (cardinality(w.lot_ids) = 0 OR a.lot_id = ANY (w.lot_ids))))),
     totals AS (SELECT consortium_id, sum(value) AS value FROM cells GROUP BY consortium_id)
     SELECT m.consortium_id, m.organisation_id, o.name, m.role,
            CASE WHEN coalesce(t.value, 0) = 0 THEN NULL
                 ELSE round(10000 * coalesce((SELECT sum(value) FROM cells c
                                              WHERE c.consortium_id = m.consortium_id
                                                AND c.organisation_id = m.organisation_id), 0) / t.value)::int
            END AS share_basis_points
       FROM consortium_members m JOIN organisations o ON o.id = m.organisation_id
       LEFT JOIN totals t ON t.consortium_id = m.consortium_id
      WHERE m.consortium_id = ANY ($1::uuid[]) AND m.status = 'accepted' AND m.role <> 'lead'
      ORDER BY m.consortium_id, o.name`,
    [[...consortiumIds]],
  );
