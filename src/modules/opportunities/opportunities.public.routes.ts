import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { paths } from '../../platform/paths.ts';
import { districts } from '../geography/geography.ts';
import { SERVICES } from '../organisations/catalogue.ts';
import { kindOptions, presentOpportunity, STATUS_LABELS, typeOptions } from './opportunities.presenter.ts';
import { searchSchema, statusesForSearch, VALUE_BANDS } from './opportunities.schema.ts';
import { opportunitiesService, type Viewer } from './opportunities.service.ts';
import { showPage } from './opportunities.show.ts';

const PAGE_SIZE = 20;
const publicPage = { config: { policy: 'public' } } as const;

const viewerOf = (request: FastifyRequest): Viewer =>
  request.user ? { organisationIds: [...request.user.memberships.keys()] } : null;

/** The public list of published opportunities, searchable without JavaScript, and one page per opportunity. */
export const opportunitiesPublicModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const service = opportunitiesService({ database });
  const options = {
    statuses: statusesForSearch.map((value) => ({ value, text: STATUS_LABELS[value] })),
    kinds: kindOptions,
    types: typeOptions,
    districts: districts.map((district) => ({ value: district.code, text: district.name })),
    services: SERVICES.map((service) => ({ value: service.code, text: service.label })),
    values: Object.entries(VALUE_BANDS).map(([value, band]) => ({ value, text: band.label })),
  };

  app.get(paths.opportunities.index(), publicPage, async (request, reply) => {
    const search = searchSchema.parse(request.query ?? {});
    const { total, rows } = await service.search(search, PAGE_SIZE);
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const query = Object.fromEntries(
      Object.entries(search).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    );
    const pageLink = (page: number) => paths.opportunities.index({ ...query, page: String(page) });
    const isBuyingStaff = request.user?.roles.has('commissioner') || request.user?.roles.has('procurement_officer');
    return reply.view('opportunities/views/index.njk', {
      title: 'Opportunities',
      search,
      options,
      total,
      results: rows.map(presentOpportunity),
      previous: search.page > 1 ? pageLink(search.page - 1) : undefined,
      next: search.page < pages ? pageLink(search.page + 1) : undefined,
      page: search.page,
      pages,
      isBuyingStaff,
    });
  });

  app.get<{ Params: { id: string } }>('/opportunities/:id', publicPage, async (request, reply) =>
    reply.view('opportunities/views/show.njk', await showPage(service, request.params.id, viewerOf(request))),
  );
};
