import { z } from 'zod';
import { districtName, isDistrictCode } from '../geography/geography.ts';
import { ASSURANCES, BENEFICIARIES, codesOf, LEGAL_FORMS, SERVICES } from './catalogue.ts';

// The directory search, as GET parameters: the same schema reads the search page's URL and the JSON API's.

export const MAX_QUERY_LENGTH = 200;
export const MAX_PAGE = 10_000;
export const MAX_PAGE_SIZE = 100;
export const SORTS = ['relevance', 'name', 'income'] as const;

const many = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? [] : [value].flat().filter((entry) => entry !== '')),
    z.array(item).max(50, 'Choose at most 50 values'),
  );

const codes = (list: [string, ...string[]], what: string) =>
  many(
    z.string().refine((code) => list.includes(code), {
      error: (issue) => `Unknown ${what} code "${String(issue.input).slice(0, 40)}"`,
    }),
  );

const flag = z.preprocess((value) => [value].flat().includes('true'), z.boolean());

const wholeNumberIn = (label: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (value === undefined || value === '' ? String(fallback) : [value].flat()[0]),
    z
      .string()
      .regex(/^\d+$/, `${label} must be a whole number from ${min} to ${max.toLocaleString('en-GB')}`)
      .transform(Number)
      .refine(
        (number) => number >= min && number <= max,
        `${label} must be a whole number from ${min} to ${max.toLocaleString('en-GB')}`,
      ),
  );

export const directorySearchSchema = z.object({
  q: z.preprocess(
    (value) => [value ?? ''].flat()[0],
    z.string().trim().max(MAX_QUERY_LENGTH, `Search terms must be ${MAX_QUERY_LENGTH} characters or fewer`),
  ),
  district: many(
    z.string().refine(isDistrictCode, {
      error: (issue) =>
        `Unknown district "${String(issue.input).slice(0, 40)}": use an ONS code for a Kent or Medway area, like E07000105 (${districtName('E07000105')})`,
    }),
  ),
  tier: many(z.enum(['1', '2', '3', '4', '5'], { message: 'Tier must be from 1 to 5' }).transform(Number)),
  atRisk: flag,
  service: codes(codesOf(SERVICES), 'service'),
  beneficiary: codes(codesOf(BENEFICIARIES), 'beneficiary'),
  legalForm: codes(codesOf(LEGAL_FORMS), 'legal form'),
  assurance: codes(codesOf(ASSURANCES), 'policy or accreditation'),
  verified: flag,
  sort: z.preprocess(
    (value) => [value ?? 'relevance'].flat()[0] || 'relevance',
    z.enum(SORTS, { message: 'Sort must be relevance, name or income' }),
  ),
  page: wholeNumberIn('Page', 1, MAX_PAGE, 1),
  pageSize: wholeNumberIn('Page size', 1, MAX_PAGE_SIZE, 20),
});

export type DirectorySearch = z.output<typeof directorySearchSchema>;

/** The search as URL parameters again, for links that keep it (pagination, facets, CSV, sharing). */
export function searchParams(
  search: Partial<DirectorySearch>,
  overrides: Partial<DirectorySearch> = {},
): URLSearchParams {
  const merged = { ...search, ...overrides };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  for (const key of ['district', 'tier', 'service', 'beneficiary', 'legalForm', 'assurance'] as const) {
    for (const value of merged[key] ?? []) params.append(key, String(value));
  }
  if (merged.atRisk) params.set('atRisk', 'true');
  if (merged.verified) params.set('verified', 'true');
  if (merged.sort && merged.sort !== 'relevance') params.set('sort', merged.sort);
  if (merged.page && merged.page > 1) params.set('page', String(merged.page));
  if (merged.pageSize && merged.pageSize !== 20) params.set('pageSize', String(merged.pageSize));
  return params;
}
