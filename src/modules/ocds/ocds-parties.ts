import type { SqlRunner } from '../../db/client.ts';
import { BinaryCopyWriter } from '../../db/copy-binary.ts';
import type { Json } from './ocds-file.ts';

// Parties of a contracting process, from its compiled release, matched to directory organisations: by a
// Charity Commission number (GB-CHC) or a Companies House number (GB-COH) in the party's identifier or
// additionalIdentifiers, else by the same name ignoring case when exactly one organisation has it.
// A party a hub admin has matched by hand keeps that match when the process is imported again.

type Copier = SqlRunner & Required<Pick<SqlRunner, 'copyFrom'>>;

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
  // A party is stored once per process: the first with its id, should a publisher repeat one.
  const seen = new Set<string>();
  return parties.flatMap((party) => {
    const id = text(party.id);
    if (id === null || seen.has(id)) return [];
    seen.add(id);
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
export async function storeParties(tx: SqlRunner, rows: PartyRow[], copier?: Copier): Promise<void> {
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
  const identityParams = [
    distinct.map((row) => row.name),
    distinct.map((row) => arrayLiteral(row.charity)),
    distinct.map((row) => arrayLiteral(row.company)),
  ];
  if (copier) return copyParties(copier, rows, identityOf, identityParams);
  await tx.query(
    `WITH identities AS MATERIALIZED (${matches(8)})
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
      ...identityParams,
    ],
  );
}

/**
 * Each distinct party's match, by its number from 1: an identifier first, else a name only one organisation has.
 * Their names, charity numbers and company numbers are parameters `first` to `first + 2`.
 */
const matches = (first: number) => `SELECT i.number,
    (SELECT o.id FROM organisations o
      WHERE o.charity_number = ANY (i.charity::text[]) OR o.company_number = ANY (i.company::text[])
      ORDER BY o.id LIMIT 1) AS by_identifier,
    (SELECT min(o.id::text)::uuid FROM organisations o WHERE lower(o.name) = lower(i.name)
      HAVING count(*) = 1) AS by_name
  FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::text[])
    WITH ORDINALITY AS i(name, charity, company, number)`;

/**
 * For processes new to the database, which can have no parties stored yet: the matches read first, then every
 * party loaded with binary COPY, several times faster than an insert that must look for a conflict on each row.
 */
async function copyParties(copier: Copier, rows: PartyRow[], identityOf: number[], identityParams: string[][]) {
  const found = await copier.query<{ number: string; by_identifier: string | null; by_name: string | null }>(
    matches(1),
    identityParams,
  );
  const matchOf = new Map(found.map((match) => [Number(match.number), match]));
  const writer = new BinaryCopyWriter(rows.length * 256);
  rows.forEach((row, at) => {
    const match = matchOf.get(identityOf[at] as number);
    const organisation = match?.by_identifier ?? match?.by_name ?? null;
    const text = (value: string | null) => (value === null ? null : { type: 'text' as const, value });
    writer.row([
      { type: 'text', value: row.ocid },
      { type: 'text', value: row.party_id },
      { type: 'text', value: row.name },
      { type: 'text[]', value: row.roles },
      text(row.identifier_scheme),
      text(row.identifier_id),
      organisation === null ? null : { type: 'uuid', value: organisation },
      text(match?.by_identifier ? 'identifier' : match?.by_name ? 'name' : null),
    ]);
  });
  await copier.copyFrom(
    `COPY ocds_parties (ocid, party_id, name, roles, identifier_scheme, identifier_id, organisation_id, matched_by)
       FROM STDIN (FORMAT binary)`,
    writer.finish(),
  );
}

/** A list of texts as one PostgreSQL array literal (`{"a","b"}`), so that a list per row fits in one array. */
const arrayLiteral = (items: string[]) => `{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
