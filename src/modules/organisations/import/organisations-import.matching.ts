import { and, eq, inArray, isNull, type SQLWrapper, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client.ts';
import { organisations } from '../../../db/schema.ts';
import { identifierRules, type ProfileInput, profileSchema } from '../profile.schema.ts';
import { type CsvRow, columnOf, type ProfileFields, type Reason } from './organisations-csv.ts';

// Which organisation each row is for, and whether the row is acceptable: by charity number, else company number,
// else (a row with neither) by name among organisations with neither. Reads only; nothing here writes.

export type Stored = typeof organisations.$inferSelect;
type Keys = { charity: string | null; company: string | null; name: string | null };
export type KeyedRow = CsvRow & { keys: Keys };
export type Planned = { line: number; reasons: Reason[]; profile?: ProfileInput; match?: Stored };

const CHUNK = 500;

export function keysOf(row: CsvRow): Keys {
  const cell = (value: unknown) => (typeof value === 'string' ? value : '');
  const charity = identifierRules.charityNumber.safeParse(cell(row.fields.charityNumber));
  const company = identifierRules.companyNumber.safeParse(cell(row.fields.companyNumber));
  const noNumbers = !cell(row.fields.charityNumber).trim() && !cell(row.fields.companyNumber).trim();
  const name = cell(row.fields.name).trim().toLowerCase();
  return {
    charity: charity.success ? charity.data : null,
    company: company.success ? company.data : null,
    name: noNumbers && name ? name : null,
  };
}

const lineList = (lines: number[]) => `${lines.slice(0, -1).join(', ')} and ${lines.at(-1)}`;

/** Two rows for one organisation would overwrite each other: every line involved is reported. */
export function markDuplicates(rows: KeyedRow[]) {
  const groups = new Map<string, { field: string; label: string; rows: KeyedRow[] }>();
  const add = (key: string, field: string, label: string, row: KeyedRow) => {
    const group = groups.get(key) ?? { field, label, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  };
  for (const row of rows) {
    if (row.keys.charity) add(`c:${row.keys.charity}`, 'charity_number', `Charity number ${row.keys.charity}`, row);
    if (row.keys.company) add(`n:${row.keys.company}`, 'company_number', `Company number ${row.keys.company}`, row);
    if (row.keys.name)
      add(`o:${row.keys.name}`, 'name', `"${row.fields.name}" without a charity or company number`, row);
  }
  for (const { field, label, rows: group } of groups.values()) {
    if (group.length < 2) continue;
    const message = `${label} is on more than one row: lines ${lineList(group.map((row) => row.line))}`;
    for (const row of group) row.reasons.push({ field, message });
  }
}

export async function findExisting(tx: Tx, rows: KeyedRow[]) {
  const distinct = (key: keyof Keys) => [
    ...new Set(rows.map((row) => row.keys[key]).filter((value) => value !== null)),
  ];
  const select = async (column: SQLWrapper, values: string[], extra?: SQLWrapper) => {
    const found: Stored[] = [];
    for (let start = 0; start < values.length; start += CHUNK) {
      const chunk = values.slice(start, start + CHUNK);
      found.push(
        ...(await tx
          .select()
          .from(organisations)
          .where(and(inArray(column, chunk), extra))),
      );
    }
    return found;
  };
  const byName = new Map<string, Stored[]>();
  const unnumbered = and(isNull(organisations.charityNumber), isNull(organisations.companyNumber));
  const named = await select(
    sql`lower(${organisations.name})`,
    distinct('name'),
    and(unnumbered, eq(organisations.sector, 'vcse')),
  );
  for (const stored of named) {
    const key = stored.name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), stored]);
  }
  return {
    byCharity: new Map(
      (await select(organisations.charityNumber, distinct('charity'))).map((o) => [o.charityNumber, o]),
    ),
    byCompany: new Map(
      (await select(organisations.companyNumber, distinct('company'))).map((o) => [o.companyNumber, o]),
    ),
    byName,
  };
}

type Existing = Awaited<ReturnType<typeof findExisting>>;

export function plan(row: KeyedRow, existing: Existing): Planned {
  const reasons = [...row.reasons];
  const { charity, company, name } = row.keys;
  let match =
    (charity ? existing.byCharity.get(charity) : undefined) ?? (company ? existing.byCompany.get(company) : undefined);
  if (!match && name) {
    const named = existing.byName.get(name) ?? [];
    if (named.length > 1) {
      reasons.push({
        field: 'name',
        message: `${named.length} organisations are already called "${row.fields.name}". Add the charity or company number to say which`,
      });
    }
    if (named.length === 1) match = named[0];
  }
  // Columns the file leaves out keep what is stored, so a file of a few columns cannot blank the rest.
  const fields = match ? { ...fieldsFromStored(match), ...row.fields } : row.fields;
  const parsed = profileSchema.safeParse(fields);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, index] = issue.path;
      const list = fields[field as keyof typeof fields];
      const value = typeof index === 'number' && Array.isArray(list) ? list[index] : undefined;
      const message = value === undefined ? issue.message : `${issue.message}: "${value}" is not one of them`;
      reasons.push({ field: columnOf(String(field ?? 'row')), message });
    }
    return { line: row.line, reasons };
  }
  const profile = parsed.data;
  const other = (stored: Stored | undefined) => (stored && stored.id !== match?.id ? stored : undefined);
  const charityOwner = profile.charityNumber ? other(existing.byCharity.get(profile.charityNumber)) : undefined;
  const companyOwner = profile.companyNumber ? other(existing.byCompany.get(profile.companyNumber)) : undefined;
  if (charityOwner) {
    reasons.push({
      field: 'charity_number',
      message: `${charityOwner.name} already has charity number ${profile.charityNumber}`,
    });
  }
  if (companyOwner) {
    reasons.push({
      field: 'company_number',
      message: `${companyOwner.name} already has company number ${profile.companyNumber}`,
    });
  }
  return { line: row.line, reasons, profile, match };
}

/** Rows with different numbers can still lead to one organisation: both would overwrite it. */
export function markSameMatch(planned: Planned[]) {
  const byId = new Map<string, Planned[]>();
  for (const row of planned) if (row.match) byId.set(row.match.id, [...(byId.get(row.match.id) ?? []), row]);
  for (const rows of byId.values()) {
    if (rows.length < 2) continue;
    const message = `Lines ${lineList(rows.map((row) => row.line))} are all for ${rows[0]?.match?.name}`;
    for (const row of rows) row.reasons.push({ field: 'row', message });
  }
}

/** The form fields for a profile as stored, for the columns a file leaves out when it updates an organisation. */
function fieldsFromStored(stored: Stored): ProfileFields {
  const text = (value: string | number | null) => (value === null ? '' : String(value));
  return {
    name: stored.name,
    legalForm: text(stored.legalForm),
    description: stored.description,
    income: stored.incomePence === null ? '' : (stored.incomePence / 100).toFixed(2),
    incomePrivate: stored.incomePrivate ? 'yes' : '',
    districts: stored.districts,
    wards: stored.wards,
    services: stored.services,
    activities: stored.activities,
    beneficiaries: stored.beneficiaries,
    assurances: stored.assurances,
    foundedYear: text(stored.foundedYear),
    staffCount: text(stored.staffCount),
    volunteerCount: text(stored.volunteerCount),
    website: text(stored.website),
    publicEmail: text(stored.publicEmail),
    publicPhone: text(stored.publicPhone),
    contactName: text(stored.contactName),
    contactEmail: text(stored.contactEmail),
    contactPhone: text(stored.contactPhone),
    charityNumber: text(stored.charityNumber),
    companyNumber: text(stored.companyNumber),
  };
}
