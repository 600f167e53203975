import { CsvError, type Info, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import {
  checkProxyPair,
  type FileProblem,
  type FrameworkDocument,
  measureFields,
  outcomeFields,
  type ReadFramework,
  refuseAt,
  refuseFile,
  type ThemeDocument,
  themeFields,
  versionFields,
} from './framework.schema.ts';
import { checkFramework, decodeFile, type Places } from './framework-file.ts';

// The framework as a spreadsheet: one row per measure, with its outcome and theme (and the version's title,
// source and licence) repeated on each row. Rows are in framework order; themes and outcomes take the order in
// which they first appear.

const rowSchema = z
  .object({
    frameworkTitle: versionFields.title,
    frameworkSource: versionFields.source,
    frameworkLicence: versionFields.licence,
    themeCode: themeFields.code,
    themeTitle: themeFields.title,
    themeDescription: themeFields.description,
    outcomeCode: outcomeFields.code,
    outcomeTitle: outcomeFields.title,
    outcomeDescription: outcomeFields.description,
    measureCode: measureFields.code,
    measureTitle: measureFields.title,
    unit: measureFields.unit,
    evidenceGuidance: measureFields.evidenceGuidance,
    proxyValuePence: measureFields.proxyValuePence,
    proxySource: measureFields.proxySource,
  })
  .superRefine(checkProxyPair);
type Row = z.output<typeof rowSchema>;
type Field = keyof Row;

export type CsvColumn = { name: string; field: Field; required: boolean; help: string };

/** In the order exports write them; shown on the import page. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'framework_title', field: 'frameworkTitle', required: true, help: 'The title of the framework' },
  {
    name: 'framework_source',
    field: 'frameworkSource',
    required: true,
    help: 'Who wrote it and where it is published',
  },
  { name: 'framework_licence', field: 'frameworkLicence', required: true, help: 'The licence you use it under' },
  { name: 'theme_code', field: 'themeCode', required: true, help: 'A code for the theme, like SVM-T1' },
  { name: 'theme_title', field: 'themeTitle', required: true, help: 'The theme' },
  { name: 'theme_description', field: 'themeDescription', required: false, help: 'What the theme covers' },
  { name: 'outcome_code', field: 'outcomeCode', required: true, help: 'A code for the outcome, like SVM-O1.1' },
  { name: 'outcome_title', field: 'outcomeTitle', required: true, help: 'The outcome' },
  { name: 'outcome_description', field: 'outcomeDescription', required: false, help: 'What the outcome means' },
  { name: 'measure_code', field: 'measureCode', required: true, help: 'A code for the measure, like M-1.1.1' },
  { name: 'measure_title', field: 'measureTitle', required: true, help: 'What is counted' },
  { name: 'unit', field: 'unit', required: true, help: 'What one of it is, like people or hours' },
  { name: 'evidence_guidance', field: 'evidenceGuidance', required: true, help: 'What counts as evidence' },
  {
    name: 'proxy_value_pence',
    field: 'proxyValuePence',
    required: false,
    help: 'Social value of one unit in whole pence, like 1221 for £12.21; empty for none',
  },
  { name: 'proxy_source', field: 'proxySource', required: false, help: 'Where the proxy value comes from' },
];

const byName = new Map(CSV_COLUMNS.map((column) => [column.name, column]));
const byField = new Map(CSV_COLUMNS.map((column) => [column.field as string, column.name]));

export function readFrameworkCsv(bytes: Buffer): ReadFramework {
  const decoded = decodeFile(bytes);
  if (!decoded.ok) return refuseFile(decoded.problem);
  let records: { record: string[]; info: Info }[];
  try {
    // The typings do not follow `info: true`, which wraps each record with where it was found.
    records = parse(decoded.text, { info: true, relax_column_count: true }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) return refuseFile(`The file is not a valid CSV file: ${error.message}`);
    throw error;
  }
  const rows = numbered(decoded.text, records).filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  const [header, ...body] = rows;
  if (!header) return refuseFile('The file is empty');
  const names = header.cells.map((cell) => cell.trim().toLowerCase());
  const headerProblems = checkHeader(names);
  if (headerProblems.length > 0) return refuseFile(...headerProblems);
  if (body.length === 0) return refuseFile('The file has a header row but no measures below it');

  const located: FileProblem[] = [];
  const parsed: { line: number; row: Row }[] = [];
  for (const { line, cells } of body) {
    if (cells.length > names.length && cells.slice(names.length).some((cell) => cell.trim() !== '')) {
      located.push({ where: `line ${line}`, message: 'The row has more values than the header has columns' });
    }
    const result = rowSchema.safeParse(rowOf(names, cells));
    if (result.success) parsed.push({ line, row: result.data });
    for (const issue of result.error?.issues ?? []) {
      located.push({ where: `line ${line}, ${byField.get(String(issue.path[0])) ?? 'row'}`, message: issue.message });
    }
  }
  if (located.length > 0) return refuseAt(located);
  return assemble(parsed);
}

/** Each record with the line it starts on, counted from csv-parse's byte offsets (the header is line 1). */
function numbered(text: string, records: { record: string[]; info: Info }[]) {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  let line = 1;
  return records.map(({ record, info }) => {
    const start = line;
    for (; offset < info.bytes && offset < bytes.length; offset++) if (bytes[offset] === 0x0a) line++;
    return { line: start, cells: record };
  });
}

function checkHeader(names: string[]): string[] {
  const problems: string[] = [];
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    problems.push(`The file has columns we do not recognise: ${unknown.map((name) => `"${name}"`).join(', ')}`);
  }
  const twice = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (twice.length > 0) problems.push(`These columns appear more than once: ${twice.join(', ')}`);
  const missing = CSV_COLUMNS.filter((column) => column.required && !names.includes(column.name));
  if (missing.length > 0) {
    problems.push(`The file is missing required columns: ${missing.map((column) => column.name).join(', ')}`);
  }
  return problems;
}

function rowOf(names: string[], cells: string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  names.forEach((name, index) => {
    const column = byName.get(name);
    if (column) row[column.field] = cells[index] ?? '';
  });
  const proxy = String(row.proxyValuePence ?? '').trim();
  // Empty is no proxy; anything else must read as whole pence, or the schema says how to write it.
  row.proxyValuePence = proxy === '' ? null : /^-?\d+$/.test(proxy) ? Number(proxy) : Number.NaN;
  return row;
}

/** Rows into themes and outcomes, checking that what is repeated on each row says the same thing each time. */
function assemble(rows: { line: number; row: Row }[]): ReadFramework {
  const located: FileProblem[] = [];
  const [first] = rows;
  if (!first) return refuseFile('The file has a header row but no measures below it');
  const themes = new Map<string, { line: number; row: Row; theme: ThemeDocument }>();
  const outcomes = new Map<string, { line: number; row: Row; outcome: ThemeDocument['outcomes'][number] }>();
  const places: Places = { themes: [], outcomes: [], measures: [] };
  const differs = (line: number, row: Row, earlier: { line: number; row: Row }, fields: Field[], what: string) => {
    for (const field of fields) {
      if (row[field] === earlier.row[field]) continue;
      located.push({
        where: `line ${line}, ${byField.get(field)}`,
        message: `This is not the same as on line ${earlier.line}: ${byField.get(field)} must be the same on every row of ${what}`,
      });
    }
  };
  for (const { line, row } of rows) {
    differs(line, row, first, ['frameworkTitle', 'frameworkSource', 'frameworkLicence'], 'the file');
    let theme = themes.get(row.themeCode);
    if (theme) differs(line, row, theme, ['themeTitle', 'themeDescription'], `theme ${row.themeCode}`);
    else {
      theme = {
        line,
        row,
        theme: { code: row.themeCode, title: row.themeTitle, description: row.themeDescription, outcomes: [] },
      };
      themes.set(row.themeCode, theme);
    }
    let outcome = outcomes.get(row.outcomeCode);
    if (outcome) {
      differs(line, row, outcome, ['themeCode', 'outcomeTitle', 'outcomeDescription'], `outcome ${row.outcomeCode}`);
    } else {
      const { outcomeCode: code, outcomeTitle: title, outcomeDescription: description } = row;
      outcome = { line, row, outcome: { code, title, description, measures: [] } };
      outcomes.set(code, outcome);
      theme.theme.outcomes.push(outcome.outcome);
      places.outcomes.push({ code, where: `line ${line}, outcome_code` });
    }
    const { measureCode: code, measureTitle: title, unit, evidenceGuidance, proxyValuePence, proxySource } = row;
    outcome.outcome.measures.push({ code, title, unit, evidenceGuidance, proxyValuePence, proxySource });
    places.measures.push({ code, where: `line ${line}, measure_code` });
  }
  if (located.length > 0) return refuseAt(located);
  const framework: FrameworkDocument = {
    title: first.row.frameworkTitle,
    source: first.row.frameworkSource,
    licence: first.row.frameworkLicence,
    themes: [...themes.values()].map((entry) => entry.theme),
  };
  return checkFramework(framework, places);
}

/** The framework as the CSV import reads it. */
export function frameworkCsv(framework: FrameworkDocument): string {
  const rows = framework.themes.flatMap((theme) =>
    theme.outcomes.flatMap((outcome) =>
      outcome.measures.map((measure) => [
        framework.title,
        framework.source,
        framework.licence,
        theme.code,
        theme.title,
        theme.description,
        outcome.code,
        outcome.title,
        outcome.description,
        measure.code,
        measure.title,
        measure.unit,
        measure.evidenceGuidance,
        measure.proxyValuePence === null ? '' : String(measure.proxyValuePence),
        measure.proxySource,
      ]),
    ),
  );
  return stringify(rows, { header: true, columns: CSV_COLUMNS.map((column) => column.name) });
}
