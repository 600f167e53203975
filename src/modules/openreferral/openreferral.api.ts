import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { paths } from '../../platform/paths.ts';
import { offsetOf, pageOf, parsePageRequest } from './openreferral.pagination.ts';
import { organizationFrom, serviceFrom, serviceSummaryFrom } from './openreferral.presenter.ts';
import { findPublished, listPublished } from './openreferral.repository.ts';

type IdParams = { Params: { id: string } };

/**
 * The directory as open data: a read-only Open Referral UK (HSDS 3.0, UK profile) API. Errors under
 * /openreferral/ are problem+json, answered by the app's error handler.
 */
export const openReferralModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const publishedPage = async (query: unknown) => {
    const request = parsePageRequest(query);
    const { rows, total } = await listPublished(database.db, { limit: request.perPage, offset: offsetOf(request) });
    return { rows, total, request };
  };

  app.get(paths.openReferral.services(), { config: { policy: 'public' } }, async (request) => {
    const { rows, total, request: page } = await publishedPage(request.query);
    return pageOf(rows.map(serviceSummaryFrom), total, page);
  });

  app.get<IdParams>('/openreferral/services/:id', { config: { policy: 'public' } }, async (request) => {
    const row = await findPublished(database.db, request.params.id);
    if (!row) throw new HttpError(404, 'Page not found', 'There is no service with this id in the directory.');
    return serviceFrom(row);
  });

  app.get(paths.openReferral.organizations(), { config: { policy: 'public' } }, async (request) => {
    const { rows, total, request: page } = await publishedPage(request.query);
    return pageOf(rows.map(organizationFrom), total, page);
  });
};
