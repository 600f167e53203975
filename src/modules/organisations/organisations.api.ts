import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { sendProblem } from '../../platform/errors.ts';
import { directoryService } from './directory.service.ts';
import { organisationsService } from './organisations.service.ts';
import { presentProfile } from './profile.presenter.ts';

/** The directory as JSON: the same search as the page, and each organisation's public profile. */
export const organisationsApi: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const directory = directoryService({ database });
  const organisations = organisationsService({ database, mailer, baseUrl: config.baseUrl });

  app.get('/api/v1/organisations', { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = directory.parse(request.query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        parameter: String(issue.path[0] ?? ''),
        message: issue.message,
      }));
      return sendProblem(reply, 400, errors.map((error) => error.message).join('. '), { errors });
    }
    const found = await directory.search(parsed.data);
    return {
      total: found.total,
      page: found.page,
      pageSize: found.pageSize,
      results: found.results,
      facets: found.rawFacets,
      ...(found.correctedQuery ? { correctedQuery: found.correctedQuery } : {}),
    };
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/organisations/:id',
    { config: { policy: 'public' } },
    async (request, reply) => {
      const organisation = await organisations.find(request.params.id);
      if (organisation?.sector !== 'vcse') {
        return sendProblem(reply, 404, `There is no organisation with id "${request.params.id.slice(0, 60)}".`);
      }
      return presentProfile(organisation, { canSeePrivate: false });
    },
  );
};
