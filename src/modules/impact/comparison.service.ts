import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { organisationsNamed, organisationsWithOutcomes } from './comparison.repository.ts';
import { compareOrganisations } from './comparison.ts';
import { currentOutcomes, outcomeTitles } from './organisation-impact.repository.ts';

export const MAX_COMPARED = 6;

/** What the comparison page reads from its address: the organisations (repeated) and a name to search for. */
export const comparisonQuerySchema = z.object({
  organisations: z
    .preprocess((value) => (value === undefined || value === '' ? [] : [value].flat()), z.array(z.string()))
    .transform((ids) => [...new Set(ids.map((id) => id.trim()).filter(Boolean))])
    .refine((ids) => ids.length <= MAX_COMPARED, `Compare up to ${MAX_COMPARED} organisations at a time`)
    .refine((ids) => ids.every((id) => z.uuid().safeParse(id).success), 'Choose organisations from the directory'),
  q: z.string().trim().max(200).optional().catch(undefined),
});
export type ComparisonQuery = z.output<typeof comparisonQuerySchema>;

export class ComparisonError extends Error {}

/** Shared outcomes and complementary value between organisations, from their public declarations. */
export function comparisonService({ database }: { database: Database }) {
  return {
    async compare(ids: string[]) {
      const rows = ids.length ? await organisationsWithOutcomes(database, ids) : [];
      if (rows.length !== ids.length) throw new ComparisonError('Choose organisations from the directory');
      // Kept in the order they were chosen, so the columns match the address.
      const ordered = ids.flatMap((id) => rows.filter((row) => row.id === id));
      const compared = ordered.map((row) => ({
        id: row.id,
        name: row.name,
        outcomes: new Map(row.outcomes.map((outcome) => [outcome.code, outcome.kind])),
      }));
      const order = (await currentOutcomes(database)).map((outcome) => outcome.code);
      const result = compareOrganisations(compared, order);
      const titles = await outcomeTitles(database, result.outcomes);
      return { compared, result, titles };
    },
    search: (name: string) => (name.length >= 2 ? organisationsNamed(database, name, 20) : Promise.resolve([])),
  };
}
