import type { SqlRunner } from '../../db/client.ts';
import type { Json } from './ocds-file.ts';

// Parties of a contracting process, from its compiled release, matched to directory organisations: by a
// Charity Commission number (GB-CHC) or a Companies House number (GB-COH) in the party's identifier or
// additionalIdentifiers, else by the same name ignoring case when exactly one organisation has it.
// A party a hub admin has matched by hand keeps that match when the process is imported again.

export type PartyRow = {
  ocid: string;
  party_id: string;
  name: string;
  roles: string[];
  identifier_scheme: string | null;
  identifier_id: string | null;
  charity: string[];
  company: string[];
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : null);

/** Companies House numbers are 8 characters; publishers often drop the leading zeros. */
export const companyNumber = (id: string) => {
  const compact = id.replace(/\s/g, '').toUpperCase();
  return /^\d{1,7}$/.test(compact) ? compact.padStart(8, '0') : compact;
};

export function partiesOf(ocid: string, compiled: Json): PartyRow[] {
  const parties = Array.isArray(compiled.parties) ? compiled.parties.filter(isObject) : [];
  return parties.flatMap((party) => {
    const id = text(party.id);
    if (id === null) return [];
    const identifier = isObject(party.identifier) ? party.identifier : {};
    const identifiers = [identifier, ...(Array.isArray(party.additionalIdentifiers) ? party.additionalIdentifiers : [])]
      .filter(isObject)
      .map((item) => ({ scheme: text(item.scheme), id: text(item.id) }));
    const numbers = (scheme: string) =>
      identifiers.flatMap((item) => (item.scheme === scheme && item.id ? [item.id.replace(/\s/g, '')] : []));
    return [
      {
        ocid,
        party_id: id,
        name: text(party.name) ?? text(identifier.legalName) ?? id,
        roles: Array.isArray(party.roles) ? party.roles.map(String) : [],
        identifier_scheme: text(identifier.scheme),
        identifier_id: text(identifier.id),
        charity: numbers('GB-CHC'),
        company: numbers('GB-COH').map(companyNumber),
      },
    ];
  });
}

/**
 * Writes the parties of the given processes in one statement. Matching is done in the database against
 * organisations, so that a file of thousands of releases costs one round trip per batch.
 */
export async function storeParties(tx: SqlRunner, rows: PartyRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `WITH incoming AS (
       SELECT * FROM json_to_recordset($1::json) AS p(
         ocid text, party_id text, name text, roles text[], identifier_scheme text, identifier_id text,
         charity text[], company text[])
     ),
     -- The same buyer or supplier is named in many processes: each one is looked for once.
     identities AS (SELECT DISTINCT name, charity, company FROM incoming),
     matched AS (
       SELECT identities.*,
         (SELECT o.id FROM organisations o
           WHERE o.charity_number = ANY (identities.charity) OR o.company_number = ANY (identities.company)
           ORDER BY o.id LIMIT 1) AS by_identifier,
         (SELECT min(o.id::text)::uuid FROM organisations o WHERE lower(o.name) = lower(identities.name)
           HAVING count(*) = 1) AS by_name
       FROM identities
     )
     INSERT INTO ocds_parties AS p
       (ocid, party_id, name, roles, identifier_scheme, identifier_id, organisation_id, matched_by)
     SELECT i.ocid, i.party_id, i.name, i.roles, i.identifier_scheme, i.identifier_id,
       coalesce(m.by_identifier, m.by_name),
       CASE WHEN m.by_identifier IS NOT NULL THEN 'identifier' WHEN m.by_name IS NOT NULL THEN 'name' END
     FROM incoming i JOIN matched m ON m.name = i.name AND m.charity = i.charity AND m.company = i.company
     ON CONFLICT (ocid, party_id) DO UPDATE SET
       name = excluded.name, roles = excluded.roles,
       identifier_scheme = excluded.identifier_scheme, identifier_id = excluded.identifier_id,
       organisation_id = CASE WHEN p.matched_by = 'hub admin' THEN p.organisation_id ELSE excluded.organisation_id END,
       matched_by = CASE WHEN p.matched_by = 'hub admin' THEN p.matched_by ELSE excluded.matched_by END`,
    [JSON.stringify(rows)],
  );
}
