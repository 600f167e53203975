import { z } from 'zod';
import { list } from '../../platform/form-fields.ts';
import { type FormErrors, formErrors } from '../../platform/forms.ts';
import { isDistrictCode } from '../geography/geography.ts';
import type { Declaration, FrameworkOutcome } from './organisation-impact.repository.ts';

// The declarations form has one row per outcome of the framework, numbered in the framework's order: `code-3`
// names the outcome, `kind-3` is core, value-adding or none, `districts-3` the areas. Codes are read from the
// form and checked against the framework, so a form opened before a new version was published still saves
// what the person meant, or says clearly which outcome is no longer there.

export const KIND_CHOICES = ['core', 'value_adding', 'none'] as const;
const MAX_ROWS = 500;

const rowSchema = z.object({
  code: z.string().trim().min(1),
  kind: z.enum(KIND_CHOICES).catch('none'),
  districts: list(z.string()),
});

export type DeclarationsForm = { ok: true; data: Declaration[] } | { ok: false; errors: FormErrors };

export function parseDeclarations(body: unknown, outcomes: readonly FrameworkOutcome[]): DeclarationsForm {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const titles = new Map(outcomes.map((outcome) => [outcome.code, outcome.title]));
  const declarations: Declaration[] = [];
  const problems: [string, string][] = [];
  const seen = new Set<string>();
  for (let index = 0; index < MAX_ROWS && `code-${index}` in fields; index++) {
    const row = rowSchema.safeParse({
      code: fields[`code-${index}`],
      kind: fields[`kind-${index}`],
      districts: fields[`districts-${index}`],
    });
    if (!row.success) continue;
    const { code, kind, districts } = row.data;
    const title = titles.get(code);
    if (kind === 'none' || seen.has(code)) continue;
    seen.add(code);
    if (!title) {
      problems.push([`kind-${index}`, `${code} is no longer in the impact framework: choose none for it`]);
      continue;
    }
    if (districts.length === 0) {
      problems.push([`districts-${index}`, `Choose the areas where you deliver “${title}”`]);
      continue;
    }
    if (!districts.every(isDistrictCode)) {
      problems.push([`districts-${index}`, `Choose areas for “${title}” from the list`]);
      continue;
    }
    declarations.push({ outcomeCode: code, kind, districts: [...new Set(districts)].sort() });
  }
  return problems.length ? { ok: false, errors: formErrors(problems) } : { ok: true, data: declarations };
}

const thisYear = () => new Date().getUTCFullYear();

export const resultSchema = z.object({
  measureId: z.uuid({ message: 'Choose a measure from the list' }),
  year: z
    .string({ error: 'Enter the year' })
    .trim()
    .min(1, 'Enter the year')
    .transform((value, context) => {
      const year = Number(value);
      if (!/^\d{4}$/.test(value) || year < 2000 || year > thisYear()) {
        context.addIssue({ code: 'custom', message: `Year must be a year from 2000 to ${thisYear()}, like 2025` });
        return z.NEVER;
      }
      return year;
    }),
  quantity: z
    .string({ error: 'Enter the quantity' })
    .trim()
    .min(1, 'Enter the quantity')
    .transform((value, context) => {
      const plain = value.replaceAll(',', '');
      // Up to 12 whole digits and 2 decimals: a count of people or hours, or tonnes to the nearest 10 kg.
      if (!/^\d{1,12}(\.\d{1,2})?$/.test(plain)) {
        context.addIssue({
          code: 'custom',
          message: 'Quantity must be a number of zero or more, with at most 2 decimal places, like 120 or 3.5',
        });
        return z.NEVER;
      }
      return plain;
    }),
  evidence: z
    .string({ error: 'Describe the evidence' })
    .trim()
    .min(1, 'Describe the evidence for this result')
    .max(5000, 'Evidence must be 5,000 characters or fewer'),
});
export type ResultForm = z.output<typeof resultSchema>;
