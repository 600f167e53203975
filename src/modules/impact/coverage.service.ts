import type { Database } from '../../db/client.ts';
import { districts } from '../geography/geography.ts';
import { type CoverageCount, coverageCounts } from './coverage.repository.ts';
import { currentOutcomes, type FrameworkOutcome } from './organisation-impact.repository.ts';

export type CoverageCell = { district: string; core: number; valueAdding: number; gap: boolean };
export type CoverageRow = FrameworkOutcome & { cells: CoverageCell[]; total: CoverageCell; gaps: number };

/** The district × outcome table of the current framework: every pair, with zeros where nobody delivers. */
export function coverageTable(outcomes: readonly FrameworkOutcome[], counts: readonly CoverageCount[]): CoverageRow[] {
  const key = (code: string, district: string | null) => `${code}|${district ?? ''}`;
  const byKey = new Map(counts.map((count) => [key(count.outcomeCode, count.district), count]));
  const cell = (code: string, district: string | null): CoverageCell => {
    const count = byKey.get(key(code, district));
    const core = count?.core ?? 0;
    return { district: district ?? '', core, valueAdding: count?.valueAdding ?? 0, gap: core === 0 };
  };
  return outcomes.map((outcome) => {
    const cells = districts.map((district) => cell(outcome.code, district.code));
    return {
      ...outcome,
      cells,
      total: cell(outcome.code, null),
      gaps: cells.filter((item) => item.gap).length,
    };
  });
}

/** Who delivers what where, for commissioners: the whole table from one grouped query. */
export function coverageService({ database }: { database: Database }) {
  return {
    async table() {
      const outcomes = await currentOutcomes(database);
      const counts = outcomes.length
        ? await coverageCounts(
            database,
            outcomes.map((outcome) => outcome.code),
          )
        : [];
      return coverageTable(outcomes, counts);
    },
  };
}
