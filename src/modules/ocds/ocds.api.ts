import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { sendProblem } from '../../platform/errors.ts';
import { paths } from '../../platform/paths.ts';
import { pageQuerySchema, recordPackage, releasePackage } from './ocds-export.ts';

const open = { config: { policy: 'public' } } as const;

/** Commissioning data as OCDS 1.1: every stored release, paginated, and each process's record. */
export const ocdsApi: FastifyPluginAsync<ModuleOptions> = async (app, { config, database }) => {
  app.get(paths.api.ocdsReleases(), open, async (request, reply) => {
    const query = pageQuerySchema.safeParse(request.query ?? {});
    if (!query.success) return sendProblem(reply, 400, query.error.issues.map((issue) => issue.message).join('; '));
    return releasePackage(database, config.baseUrl, query.data);
  });

  app.get<{ Params: { ocid: string } }>('/api/v1/ocds/records/:ocid', open, async (request, reply) => {
    const found = await recordPackage(database, config.baseUrl, request.params.ocid);
    if (!found) return sendProblem(reply, 404, `There is no contracting process with the ocid ${request.params.ocid}.`);
    return found;
  });
};
