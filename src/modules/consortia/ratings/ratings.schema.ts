import { z } from 'zod';

// The rating form, each message saying what to fix.

export const STAR_LABELS: Record<number, string> = {
  5: 'Excellent',
  4: 'Good',
  3: 'Adequate',
  2: 'Poor',
  1: 'Very poor',
};

export const ratingSchema = z.object({
  organisationId: z.uuid({ error: 'Choose the organisation you are rating the lead for' }),
  stars: z
    .enum(['1', '2', '3', '4', '5'], { error: 'Choose a rating from 1 to 5 stars' })
    .transform((value) => Number(value)),
  comment: z
    .string()
    .trim()
    .max(2000, { error: 'The comment must be 2,000 characters or fewer' })
    .optional()
    .transform((value) => value ?? ''),
});
export type RatingInput = z.output<typeof ratingSchema>;
