import { z } from 'zod';
import { isDistrictCode } from '../geography/geography.ts';

// The public contract list's GET filters. Anything else in the query string is ignored; a bad value is a clear
// message beside its field, never a 500.

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((value) => value ?? '');

export const contractSearchSchema = z.object({
  q: optionalText(200, 'Words must be 200 characters or fewer'),
  district: optionalText(9, 'Choose an area from the list').refine(
    (code) => code === '' || isDistrictCode(code),
    'Choose an area from the list',
  ),
  tier: optionalText(1, 'Choose a tier from the list').refine(
    (tier) => /^[1-5]?$/.test(tier),
    'Choose a tier from the list',
  ),
  theme: optionalText(40, 'Choose a theme from the list').refine(
    (code) => /^[A-Za-z0-9._-]*$/.test(code),
    'Choose a theme from the list',
  ),
  page: z
    .string()
    .optional()
    .transform((value) => value ?? '1')
    .pipe(z.string().regex(/^\d{1,6}$/, 'Page must be a whole number'))
    .transform(Number)
    .pipe(z.number().min(1, 'Page must be 1 or more')),
});

export type ContractSearch = z.output<typeof contractSearchSchema>;
export const emptyContractSearch: ContractSearch = contractSearchSchema.parse({});

/** The search as query parameters, leaving out what is empty and the first page. */
export function searchQuery(search: ContractSearch, page = search.page): Record<string, string | undefined> {
  return {
    q: search.q || undefined,
    district: search.district || undefined,
    tier: search.tier || undefined,
    theme: search.theme || undefined,
    page: page > 1 ? String(page) : undefined,
  };
}
