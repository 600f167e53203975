import type { Database } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import type { Json } from './ocds-file.ts';

export type UnmatchedParty = {
  ocid: string;
  partyId: string;
  name: string;
  roles: string[];
  identifier: string | null;
};

/** Parties no organisation has been found for, newest processes first. */
export async function listUnmatchedParties(database: Database, limit: number) {
  const [rows, [count]] = await Promise.all([
    database.query<UnmatchedParty>(
      `SELECT p.ocid, p.party_id AS "partyId", p.name, p.roles,
         CASE WHEN p.identifier_id IS NOT NULL THEN coalesce(p.identifier_scheme || ' ', '') || p.identifier_id END
           AS identifier
       FROM ocds_parties p WHERE p.organisation_id IS NULL
       ORDER BY p.name, p.ocid, p.party_id LIMIT $1`,
      [limit],
    ),
    database.query<{ total: number }>('SELECT count(*)::int AS total FROM ocds_parties WHERE organisation_id IS NULL'),
  ]);
  return { rows, total: count?.total ?? 0 };
}

export type MatchOutcome = 'matched' | 'no party' | 'no organisation';

/** A hub admin says which directory organisation a party is; kept when the process is imported again. */
export async function matchParty(
  database: Database,
  { ocid, partyId, organisationId }: { ocid: string; partyId: string; organisationId: string },
  actor: { userId: string | null; ip?: string | null },
): Promise<MatchOutcome> {
  return database.transaction(async (tx) => {
    const [organisation] = await tx.query<{ id: string }>('SELECT id FROM organisations WHERE id = $1', [
      organisationId,
    ]);
    if (!organisation) return 'no organisation';
    const updated = await tx.query<{ ocid: string }>(
      `UPDATE ocds_parties SET organisation_id = $3, matched_by = 'hub admin'
       WHERE ocid = $1 AND party_id = $2 RETURNING ocid`,
      [ocid, partyId, organisationId],
    );
    if (updated.length === 0) return 'no party';
    await recordAuditSql(tx, {
      actorUserId: actor.userId,
      action: 'ocds.party_matched',
      subjectType: 'organisation',
      subjectId: organisationId,
      details: { ocid, partyId },
      ip: actor.ip ?? null,
    });
    return 'matched';
  });
}

export type ContractWon = {
  ocid: string;
  title: string;
  buyer: string | null;
  amount: number | null;
  currency: string | null;
  date: string | null;
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Awards in imported processes that name the organisation (through a matched party) as a supplier. */
export async function contractsWon(database: Database, organisationId: string): Promise<ContractWon[]> {
  const rows = await database.query<{ ocid: string; party_ids: string[]; compiled: Json }>(
    `SELECT r.ocid, array_agg(p.party_id) AS party_ids, r.compiled_release::json AS compiled
     FROM ocds_parties p JOIN ocds_records r ON r.ocid = p.ocid
     WHERE p.organisation_id = $1 AND 'supplier' = ANY (p.roles)
     GROUP BY r.ocid`,
    [organisationId],
  );
  const won = rows.flatMap(({ ocid, party_ids, compiled }) => {
    const tender = isObject(compiled.tender) ? compiled.tender : {};
    const buyer = isObject(compiled.buyer) ? compiled.buyer : {};
    const awards = Array.isArray(compiled.awards) ? compiled.awards.filter(isObject) : [];
    return awards
      .filter((award) =>
        (Array.isArray(award.suppliers) ? award.suppliers : []).some(
          (supplier) => isObject(supplier) && party_ids.includes(String(supplier.id)),
        ),
      )
      .map((award) => {
        const value = isObject(award.value) ? award.value : {};
        return {
          ocid,
          title: String(award.title ?? tender.title ?? ocid),
          buyer: typeof buyer.name === 'string' ? buyer.name : null,
          amount: typeof value.amount === 'number' ? value.amount : null,
          currency: typeof value.currency === 'string' ? value.currency : null,
          date: typeof award.date === 'string' ? award.date : null,
        };
      });
  });
  return won.sort((a, b) => String(b.date).localeCompare(String(a.date)));
}
