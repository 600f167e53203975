import { z } from 'zod';

// The framework as a file holds it: one version's title, source and licence, and its themes → outcomes → measures.
// The JSON import takes exactly this shape; the CSV import makes it from its rows with the same field rules.

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_MEASURES = 5000;
/** A billion pounds a unit: far above any real proxy, and well inside a bigint and a JavaScript number. */
export const MAX_PROXY_PENCE = 100_000_000_000;

const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const code = (what: string) =>
  z
    .string({ error: `Enter the ${what} code as text` })
    .trim()
    .min(1, `Enter the ${what} code`)
    .max(40, `The ${what} code must be 40 characters or fewer`)
    .regex(CODE_PATTERN, `The ${what} code may use only letters, digits, dots, hyphens and underscores`);

const text = (what: string, max: number) =>
  z
    .string({ error: `Enter the ${what} as text` })
    .trim()
    .min(1, `Enter the ${what}`)
    .max(max, `The ${what} must be ${max.toLocaleString('en-GB')} characters or fewer`);

const optionalText = (what: string, max: number) =>
  z
    .string({ error: `Give the ${what} as text` })
    .trim()
    .max(max, `The ${what} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .default('');

export const proxyValueField = z
  .number({ error: 'Give the proxy value in whole pence, like 1221 for £12.21' })
  .int('Give the proxy value in whole pence, like 1221 for £12.21')
  .min(0, 'The proxy value cannot be negative')
  .max(MAX_PROXY_PENCE, 'The proxy value must be at most 100000000000 pence (£1 billion) a unit')
  .nullable()
  .default(null);

/** A measure's own fields, the same in a JSON measure and a CSV row. */
export const measureFields = {
  code: code('measure'),
  title: text('measure title', 300),
  unit: text('unit', 100),
  evidenceGuidance: text('guidance on what counts as evidence', 3000),
  proxyValuePence: proxyValueField,
  proxySource: optionalText('proxy source', 1000),
};

/** A proxy value means nothing without where it comes from, and a source with no value is a value left out. */
export function checkProxyPair(
  measure: { proxyValuePence: number | null; proxySource: string },
  context: z.RefinementCtx,
) {
  if (measure.proxyValuePence !== null && measure.proxySource === '') {
    context.addIssue({
      code: 'custom',
      path: ['proxySource'],
      message: 'Give the source of the proxy value: a proxy value cannot be imported without one',
    });
  }
  if (measure.proxyValuePence === null && measure.proxySource !== '') {
    context.addIssue({
      code: 'custom',
      path: ['proxyValuePence'],
      message: 'Give the proxy value for this source, or leave the proxy source empty',
    });
  }
}

export const versionFields = {
  title: text('framework title', 200),
  source: text('source of the framework (who wrote it, and where it is published)', 2000),
  licence: text('licence under which the framework is used', 1000),
};

const measureSchema = z.strictObject(measureFields).superRefine(checkProxyPair);

export const themeFields = {
  code: code('theme'),
  title: text('theme title', 300),
  description: optionalText('theme description', 3000),
};

export const outcomeFields = {
  code: code('outcome'),
  title: text('outcome title', 300),
  description: optionalText('outcome description', 3000),
};

const outcomeSchema = z.strictObject({
  ...outcomeFields,
  measures: z.array(measureSchema, { error: 'Give the measures as a list' }).min(1, 'Give at least one measure'),
});

const themeSchema = z.strictObject({
  ...themeFields,
  outcomes: z.array(outcomeSchema, { error: 'Give the outcomes as a list' }).min(1, 'Give at least one outcome'),
});

export const frameworkDocumentSchema = z.strictObject({
  // Exports say which version they came from; an import always becomes the next version, so it is not used.
  version: z.unknown().optional(),
  ...versionFields,
  themes: z.array(themeSchema, { error: 'Give the themes as a list' }).min(1, 'Give at least one theme'),
});

export type FrameworkDocument = Omit<z.output<typeof frameworkDocumentSchema>, 'version'>;
export type ThemeDocument = FrameworkDocument['themes'][number];
export type OutcomeDocument = ThemeDocument['outcomes'][number];
export type MeasureDocument = OutcomeDocument['measures'][number];

/** A problem with an imported file, and where it is: a JSON path, or a CSV line and column. */
export type FileProblem = { where: string; message: string };
export type ReadFramework =
  | { ok: true; framework: FrameworkDocument }
  /** `problems` are about the file as a whole; `located` are about one place in it. */
  | { ok: false; problems: string[]; located: FileProblem[] };

export const refuseFile = (...problems: string[]): ReadFramework => ({ ok: false, problems, located: [] });
export const refuseAt = (located: FileProblem[]): ReadFramework => ({ ok: false, problems: [], located });

export const measureCount = (framework: FrameworkDocument) =>
  framework.themes.reduce(
    (sum, theme) => sum + theme.outcomes.reduce((inner, outcome) => inner + outcome.measures.length, 0),
    0,
  );
