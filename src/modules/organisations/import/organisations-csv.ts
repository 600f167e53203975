import { CsvError, type Info, parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { ASSURANCES, codesOf, LEGAL_FORMS } from '../catalogue.ts';
import type { profileSchema } from '../profile.schema.ts';

// The import file's format: which columns there are, how a row becomes the fields the profile form posts, and
// where each row starts in the file. The profile rules themselves live in profile.schema.ts and nowhere else.

export const MAX_BYTES = 10 * 1024 * 1024;
export const MAX_ROWS = 20_000;

type ProfileField = keyof z.input<typeof profileSchema>;
/** What the profile form posts: strings, and arrays of strings for the lists. */
export type ProfileFields = Partial<Record<ProfileField, string | string[]>>;
export type Reason = { field: string; message: string };

type Column = { name: string; field: ProfileField; required?: true; list?: true; help: string };

/** In the order the example shows them. Shown on the import page, so each says what to put in it. */
export const COLUMNS: readonly Column[] = [
  { name: 'name', field: 'name', required: true, help: 'Name of the organisation, up to 200 characters' },
  { name: 'legal_form', field: 'legalForm', required: true, help: `One of ${codesOf(LEGAL_FORMS).join(', ')}` },
  { name: 'description', field: 'description', help: 'What the organisation does, up to 3,000 characters' },
  { name: 'income_pounds', field: 'income', help: 'Latest annual income in pounds, like 12500; sets the tier' },
  { name: 'income_private', field: 'incomePrivate', help: 'yes to keep the income out of the public directory' },
  { name: 'districts', field: 'districts', required: true, list: true, help: 'ONS area codes, like E07000105' },
  { name: 'wards', field: 'wards', list: true, help: 'ONS ward codes, in the areas given, like E05011744' },
  {
    name: 'services',
    field: 'services',
    required: true,
    list: true,
    help: 'Charity Commission "what" codes, 101 to 117',
  },
  { name: 'activities', field: 'activities', list: true, help: 'Charity Commission "how" codes, 301 to 310' },
  {
    name: 'beneficiaries',
    field: 'beneficiaries',
    required: true,
    list: true,
    help: 'Charity Commission "who" codes, 201 to 207',
  },
  {
    name: 'assurances',
    field: 'assurances',
    list: true,
    help: `Policies and accreditations: ${codesOf(ASSURANCES).join(', ')}`,
  },
  { name: 'founded_year', field: 'foundedYear', help: 'Year founded, like 1998' },
  { name: 'staff_count', field: 'staffCount', help: 'Number of paid staff' },
  { name: 'volunteer_count', field: 'volunteerCount', help: 'Number of volunteers' },
  { name: 'website', field: 'website', help: 'Starting https:// or http://' },
  { name: 'public_email', field: 'publicEmail', help: 'Email address shown in the directory' },
  { name: 'public_phone', field: 'publicPhone', help: 'Phone number shown in the directory' },
  { name: 'contact_name', field: 'contactName', help: 'Named contact; only members and the hub see the contact' },
  { name: 'contact_email', field: 'contactEmail', help: "The named contact's email address" },
  { name: 'contact_phone', field: 'contactPhone', help: "The named contact's phone number" },
  { name: 'charity_number', field: 'charityNumber', help: 'Charity Commission number, like 1123456' },
  { name: 'company_number', field: 'companyNumber', help: 'Companies House number, like 01234567' },
];

/** Shown on the import page; the tests import it, so it stays a file that works. */
export const EXAMPLE_CSV = [
  COLUMNS.map((column) => column.name).join(','),
  'Ashford Community Pantry,cio,"Food parcels and advice, every week",18500,no,E07000105,E05011744,105;113,306;307,207,safeguarding;public_liability,2015,1,24,https://pantry.example.org,hello@pantry.example.org,01632 960 001,Sam Patel,sam@pantry.example.org,07700 900 123,1161234,',
  'Medway Young Carers,clg,Support for young carers and their families,240000,,E06000035;E07000110,,102;103,306,201,safeguarding;data_protection,2004,6,40,,,,,,,1098765,05123456',
].join('\n');

const byName = new Map(COLUMNS.map((column) => [column.name, column]));
const byField = new Map(COLUMNS.map((column) => [column.field, column]));

/** The column a profile field comes from, to name it in a message the way the file names it. */
export const columnOf = (field: string) => byField.get(field as ProfileField)?.name ?? field;

export type CsvRow = { line: number; fields: ProfileFields; reasons: Reason[] };
export type ImportFile = { ok: true; columns: ReadonlySet<string>; rows: CsvRow[] } | { ok: false; problems: string[] };

const ENCODING_PROBLEM =
  'The file is not saved as UTF-8 text. In Excel, use Save As and choose "CSV UTF-8 (Comma delimited)", then upload it again';

/** Checks the file as a whole and splits it into rows, each with the line it starts on (the header is line 1). */
export function readImportFile(input: string | Buffer): ImportFile {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MAX_BYTES) {
    const megabytes = (bytes.length / 1024 / 1024).toFixed(1);
    return fail(`The file is ${megabytes} MB. Import at most 10 MB at a time: split it into smaller files`);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(ENCODING_PROBLEM);
  }
  let records: { record: string[]; info: Info }[];
  try {
    // The typings do not follow `info: true`, which wraps each record with where it was found.
    records = parse(bytes, { info: true, bom: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) return fail(`The file is not a valid CSV file: ${error.message}`);
    throw error;
  }
  // csv-parse miscounts lines inside quoted values with Windows line endings, so lines are counted from its
  // byte offsets instead: a record starts on the line after the newlines before it.
  let offset = 0;
  let line = 1;
  const numbered = records.map(({ record, info }) => {
    const start = line;
    for (; offset < info.bytes; offset++) if (bytes[offset] === 0x0a) line++;
    return { line: start, cells: record };
  });
  const nonBlank = numbered.filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  const [header, ...rows] = nonBlank;
  if (!header) return fail('The file is empty. It needs a header row and a row for each organisation');
  const headerProblems = checkHeader(header.cells);
  if (headerProblems.length > 0) return fail(...headerProblems);
  if (rows.length === 0) return fail('The file has a header row but no organisations below it');
  if (rows.length > MAX_ROWS) {
    return fail(
      `The file has ${rows.length.toLocaleString('en-GB')} organisations. Import at most ${MAX_ROWS.toLocaleString('en-GB')} at a time: split it into smaller files`,
    );
  }
  const names = header.cells.map(normaliseHeader);
  return { ok: true, columns: new Set(names), rows: rows.map((row) => toRow(names, row.line, row.cells)) };
}

const fail = (...problems: string[]): ImportFile => ({ ok: false, problems });

// Spreadsheets make "Legal form" of legal_form as easily as not; both are meant the same.
const normaliseHeader = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

function checkHeader(cells: string[]): string[] {
  const names = cells.map(normaliseHeader);
  const problems: string[] = [];
  const unknown = cells.filter((_cell, index) => !byName.has(names[index] ?? ''));
  if (unknown.length > 0) {
    const listed = unknown.map((cell) => `"${cell.trim()}"`).join(', ');
    problems.push(`The file has columns we do not recognise: ${listed}. Use the column names listed on this page`);
  }
  const twice = [...new Set(names.filter((name, index) => byName.has(name) && names.indexOf(name) !== index))];
  if (twice.length > 0) problems.push(`These columns appear more than once: ${twice.join(', ')}`);
  const missing = COLUMNS.filter((column) => column.required && !names.includes(column.name));
  if (missing.length > 0) {
    problems.push(`The file is missing required columns: ${missing.map((column) => column.name).join(', ')}`);
  }
  return problems;
}

function toRow(names: string[], line: number, cells: string[]): CsvRow {
  const reasons: Reason[] = [];
  // Spreadsheets often leave empty cells after the last column; anything else is a shifted row.
  if (cells.length < names.length || cells.slice(names.length).some((cell) => cell.trim() !== '')) {
    reasons.push({
      field: 'row',
      message: `The row has ${cells.length} values but the header has ${names.length} columns. Check for commas in values that are not in quotes`,
    });
  }
  const fields: ProfileFields = {};
  names.forEach((name, index) => {
    const column = byName.get(name);
    const cell = (cells[index] ?? '').trim();
    if (!column) return;
    if (column.list) fields[column.field] = listOf(column.name, cell);
    else if (column.field === 'incomePrivate') {
      const flag = yesOrNo(cell);
      if (flag === undefined) reasons.push({ field: column.name, message: 'income_private must be yes or no' });
      fields.incomePrivate = flag ? 'yes' : '';
    } else fields[column.field] = cell;
  });
  return { line, fields, reasons };
}

// ONS codes are upper case; a list written in lower case is still meant as those codes.
const listOf = (column: string, cell: string) =>
  cell
    .split(';')
    .map((code) => code.trim())
    .filter((code) => code !== '')
    .map((code) => (column === 'districts' || column === 'wards' ? code.toUpperCase() : code));

function yesOrNo(cell: string): boolean | undefined {
  const value = cell.toLowerCase();
  if (['yes', 'y', 'true', '1'].includes(value)) return true;
  if (['', 'no', 'n', 'false', '0'].includes(value)) return false;
  return undefined;
}
