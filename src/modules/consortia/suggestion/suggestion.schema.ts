import { z } from 'zod';
import { DEFAULT_OPTIONS } from './model.ts';

// The suggestion form, sent as a query so that a suggestion can be linked to and run again. A field left out
// takes its default (the first visit has none); a field sent empty or wrong says what to fix.

export const EXACT_TIME_LIMIT_SECONDS = 10;

const wholeNumber = (missing: string, invalid: string, min: number, max: number, fallback: number) =>
  z
    .string({ error: invalid })
    .optional()
    .transform((text, context) => {
      if (text === undefined) return fallback;
      const trimmed = text.trim();
      const number = Number(trimmed);
      if (trimmed === '') context.addIssue({ code: 'custom', message: missing });
      else if (!/^\d+$/.test(trimmed) || number < min || number > max)
        context.addIssue({ code: 'custom', message: invalid });
      else return number;
      return z.NEVER;
    });

export const suggestionQuerySchema = z.object({
  method: z
    .enum(['heuristic', 'exact'], { error: 'Choose a quick suggestion or the best possible consortium' })
    .optional()
    .transform((method) => method ?? 'heuristic'),
  maxMembers: wholeNumber(
    'Enter the most members the consortium may have',
    'Most members must be a whole number from 1 to 20, like 8',
    1,
    20,
    DEFAULT_OPTIONS.maxMembers,
  ),
  minSharePercent: wholeNumber(
    'Enter the least share of the contract value each member must deliver, or 0',
    'Least share must be a whole percentage from 0 to 50, like 5',
    0,
    50,
    DEFAULT_OPTIONS.minSharePercent,
  ),
});
export type SuggestionQuery = z.output<typeof suggestionQuerySchema>;
