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
 * organisations, so that a file of thousands of releases costs one round trip per batch. The same buyer or
 * supplier is named in many processes: each distinct one (name and numbers) is looked for once. Columns go as
 * arrays, which the server reads far faster than a JSON document of rows.
 */
export async function storeParties(tx: SqlRunner, rows: PartyRow[]): Promise<void> {
  if (rows.length === 0) return;
  const identities = new Map<string, number>();
  const distinct: PartyRow[] = [];
  const identityOf = rows.map((row) => {
    const key = JSON.stringify([row.name, row.charity, row.company]);
    let number = identities.get(key);
    if (number === undefined) {
      distinct.push(row);
      number = distinct.length;
      identities.set(key, number);
    }
    return number;
  });
  await tx.query(
    `WITH identities AS MATERIALIZED (
       SELECT i.number,
         (SELECT o.id FROM organisations o
           WHERE o.charity_number = ANY (i.charity::text[]) OR o.company_number = ANY (i.company::text[])
           ORDER BY o.id LIMIT 1) AS by_identifier,
         (SELECT min(o.id::text)::uuid FROM organisations o WHERE lower(o.name) = lower(i.name)
           HAVING count(*) = 1) AS by_name
       FROM unnest($8::text[], $9::text[], $10::text[]) WITH ORDINALITY AS i(name, charity, company, number)
     )
     INSERT INTO ocds_parties AS p
       (ocid, party_id, name, roles, identifier_scheme, identifier_id, organisation_id, matched_by)
     SELECT r.ocid, r.party_id, r.name, r.roles::text[], r.identifier_scheme, r.identifier_id,
       coalesce(m.by_identifier, m.by_name),
       CASE WHEN m.by_identifier IS NOT NULL THEN 'identifier' WHEN m.by_name IS NOT NULL THEN 'name' END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       AS r(ocid, party_id, name, roles, identifier_scheme, identifier_id, identity)
     JOIN identities m ON m.number = r.identity
     ON CONFLICT (ocid, party_id) DO UPDATE SET
       name = excluded.name, roles = excluded.roles,
       identifier_scheme = excluded.identifier_scheme, identifier_id = excluded.identifier_id,
       organisation_id = CASE WHEN p.matched_by = 'hub admin' THEN p.organisation_id ELSE excluded.organisation_id END,
       matched_by = CASE WHEN p.matched_by = 'hub admin' THEN p.matched_by ELSE excluded.matched_by END`,
    [
      rows.map((row) => row.ocid),
      rows.map((row) => row.party_id),
      rows.map((row) => row.name),
      rows.map((row) => arrayLiteral(row.roles)),
      rows.map((row) => row.identifier_scheme),
      rows.map((row) => row.identifier_id),
      identityOf,
      distinct.map((row) => row.name),
      distinct.map((row) => arrayLiteral(row.charity)),
      distinct.map((row) => arrayLiteral(row.company)),
    ],
  );
}

/** A list of texts as one PostgreSQL array literal (`{"a","b"}`), so that a list per row fits in one array. */
const arrayLiteral = (items: string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
