import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { formErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { presentComparison } from './comparison.presenter.ts';
import { ComparisonError, comparisonQuerySchema, comparisonService, MAX_COMPARED } from './comparison.service.ts';

const view = 'impact/views/comparison.njk';

/** Compare organisations' declared outcomes: what they share and what each adds. Public data, for anyone. */
export const comparisonModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const comparison = comparisonService({ database });

  app.get(paths.impactComparison(), { config: { policy: 'public' } }, async (request, reply) => {
    const base = { title: 'Compare organisations’ impact', maxCompared: MAX_COMPARED };
    const parsed = comparisonQuerySchema.safeParse(request.query ?? {});
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues.map((issue) => ['organisations', issue.message]));
      return reply.status(400).view(view, { ...base, errors, chosen: [], found: [], q: '' });
    }
    const { organisations: ids, q = '' } = parsed.data;
    const found = (await comparison.search(q)).filter((row) => !ids.includes(row.id));
    try {
      const { compared, result, titles } = await comparison.compare(ids);
      return reply.view(view, { ...base, ...presentComparison(compared, result, titles), found, q });
    } catch (error) {
      if (!(error instanceof ComparisonError)) throw error;
      const errors = formErrors([['organisations', error.message]]);
      return reply.status(400).view(view, { ...base, errors, chosen: [], found, q });
    }
  });
};
