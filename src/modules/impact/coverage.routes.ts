import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { paths } from '../../platform/paths.ts';
import { districtName, districts } from '../geography/geography.ts';
import { districtMap } from '../geography/map.ts';
import { type CoverageRow, coverageService } from './coverage.service.ts';

const insight = { config: { policy: 'commissioningInsight' } } as const;
const querySchema = z.object({
  outcome: z.string().max(40).optional().catch(undefined),
  kind: z.enum(['all', 'core']).catch('all').default('all'),
});

/** The map of one outcome: organisations delivering it in each district, as core impact only or either kind. */
function outcomeMap(row: CoverageRow, kind: 'all' | 'core') {
  const counts = Object.fromEntries(
    row.cells.map((cell) => [cell.district, cell.core + (kind === 'all' ? cell.valueAdding : 0)]),
  );
  const what = kind === 'core' ? 'as core impact' : 'as core or value-adding impact';
  return districtMap(counts, {
    title: `Organisations delivering “${row.title}” ${what}, by area`,
    description: `Each of the 13 areas of Kent and Medway is shaded by how many organisations deliver this outcome ${what}. The table on this page gives the same figures.`,
  });
}

/** Commissioners' view of the market: how many organisations deliver each outcome where, and where nobody does. */
export const coverageModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const coverage = coverageService({ database });

  app.get(paths.impactCoverage.index(), insight, async (request, reply) => {
    const query = querySchema.parse(request.query ?? {});
    const rows = await coverage.table();
    const chosen = rows.find((row) => row.code === query.outcome) ?? rows[0];
    return reply.view('impact/views/coverage.njk', {
      title: 'Who delivers which outcomes where',
      rows,
      districts: districts.map((district) => ({ code: district.code, name: district.name })),
      gapCount: rows.reduce((sum, row) => sum + row.gaps, 0),
      chosen,
      kind: query.kind,
      map: chosen ? outcomeMap(chosen, query.kind) : undefined,
      outcomeItems: rows.map((row) => ({ value: row.code, text: row.title, selected: row.code === chosen?.code })),
    });
  });

  app.get(paths.impactCoverage.csv(), insight, async (_request, reply) => {
    const rows = (await coverage.table()).flatMap((row) =>
      [...row.cells, row.total].map((cell) => ({
        theme: row.themeTitle,
        outcome_code: row.code,
        outcome: row.title,
        area_code: cell.district,
        area: cell.district ? districtName(cell.district) : 'Kent and Medway (each organisation once)',
        core: cell.core,
        value_adding: cell.valueAdding,
        gap: cell.gap ? 'yes' : 'no',
      })),
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="impact-coverage.csv"')
      .header('x-robots-tag', 'noindex')
      .send(stringify(rows, { header: true, columns: rows.length ? undefined : ['outcome_code'] }));
  });
};
