import { stringify } from 'csv-stringify/sync';
import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { formErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { districtMap } from '../geography/map.ts';
import { type DirectorySearch, directorySearchSchema, searchParams } from './directory.schema.ts';
import { directoryService } from './directory.service.ts';

const view = (name: string) => `organisations/views/${name}.njk`;
const emptySearch: DirectorySearch = directorySearchSchema.parse({});

/** The directory's search page and its CSV download. The same search is in the JSON API. */
export const directoryModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, config }) => {
  const directory = directoryService({ database });

  app.get(paths.organisations.index(), { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = directory.parse(request.query);
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'q'), issue.message]));
      const typed =
        typeof (request.query as { q?: unknown }).q === 'string'
          ? String((request.query as { q: string }).q).slice(0, 200)
          : '';
      return reply.status(400).view(view('search'), {
        title: 'Directory',
        errors,
        search: { ...emptySearch, q: typed },
        results: [],
        facets: [],
        total: 0,
      });
    }
    const search = parsed.data;
    const found = await directory.search(search);
    const map = districtMap(found.rawFacets.district, {
      title: 'Map of matching organisations by area',
      description:
        'Each of the 13 areas of Kent and Medway is shaded by how many matching organisations work there. The table below the map gives the same figures.',
    });
    const link = (overrides: Partial<DirectorySearch>) => {
      const query = searchParams(search, overrides).toString();
      return `${paths.organisations.index()}${query ? `?${query}` : ''}`;
    };
    return reply.view(view('search'), {
      title: search.q ? `Directory: ${search.q}` : 'Directory',
      search,
      ...found,
      map,
      areaCounts: found.facets.find((facet) => facet.name === 'district')?.values ?? [],
      previousHref: search.page > 1 ? link({ page: search.page - 1 }) : undefined,
      nextHref: search.page < found.pageCount ? link({ page: search.page + 1 }) : undefined,
      csvHref: `${paths.organisations.csv()}?${searchParams(search, { page: 1 }).toString()}`,
      apiHref: `${paths.api.organisations()}?${searchParams(search).toString()}`,
      shareUrl: `${config.baseUrl}${link({})}`,
    });
  });

  app.get(paths.organisations.csv(), { config: { policy: 'public' } }, async (request, reply) => {
    const parsed = directory.parse(request.query);
    if (!parsed.success) {
      return reply.status(400).view(view('search'), {
        title: 'Directory',
        errors: formErrors(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'q'), issue.message])),
        search: emptySearch,
        results: [],
        facets: [],
        total: 0,
      });
    }
    const { results } = await directory.all(parsed.data);
    const rows = results.map((result) => ({
      name: result.name,
      identifiers: result.identifiers.join(' '),
      legal_form: result.legalForm?.label ?? '',
      tier: result.tier ?? '',
      income_pounds: result.income ? result.income.pence / 100 : '',
      areas: result.districts.map((district) => district.name).join('; '),
      area_codes: result.districts.map((district) => district.code).join('; '),
      services: result.services.map((service) => service.label).join('; '),
      beneficiaries: result.beneficiaries.map((beneficiary) => beneficiary.label).join('; '),
      verified: result.verified ? 'yes' : 'no',
      demo_data: result.demo ? 'yes' : 'no',
      profile: `${config.baseUrl}${paths.organisations.show({ id: result.id })}`,
    }));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="working-connections-directory.csv"')
      .send(stringify(rows, { header: true, columns: rows.length ? undefined : ['name'] }));
  });
};
