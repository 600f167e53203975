import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { formErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { districtName, districts } from '../geography/geography.ts';
import { TIERS } from '../organisations/tiers.ts';
import { presentContract } from './transparency.contract.ts';
import { resultsCsv, totalsCsv } from './transparency.csv.ts';
import { formatDay, money, tierLabel, totalsForPage } from './transparency.presenter.ts';
import { type ContractSearch, contractSearchSchema, emptyContractSearch, searchQuery } from './transparency.schema.ts';
import { transparencyService } from './transparency.service.ts';

const publicPage = { config: { policy: 'public' } } as const;
const view = (name: string) => `transparency/views/${name}.njk`;

const sendCsv = (reply: import('fastify').FastifyReply, fileName: string, body: string) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${fileName}"`).send(body);

/**
 * Public social value: authority-wide totals and the list of published contracts, a page per published contract,
 * and the same figures as CSV. Only published contracts are ever shown; the ledger module writes them.
 */
export const transparencyModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, config }) => {
  const service = transparencyService({ database });

  const indexPage = async (search: ContractSearch, errors?: ReturnType<typeof formErrors>) => {
    const [totals, list] = await Promise.all([service.totals(), service.contracts(search)]);
    const pageLink = (page: number) => paths.socialValue.index(searchQuery(search, page));
    return {
      title: 'Social value',
      errors,
      search,
      totals: totalsForPage(totals),
      options: {
        districts: districts.map((district) => ({ value: district.code, text: district.name })),
        tiers: TIERS.map((tier) => ({ value: String(tier.tier), text: tierLabel(tier.tier) })),
        themes: totals.themes.map((theme) => ({ value: theme.key, text: theme.title })),
      },
      contracts: list.rows.map((row) => ({
        href: paths.socialValue.contract({ id: row.id }),
        title: row.title,
        buyer: row.buyer_name,
        supplier: row.supplier_name,
        tier: tierLabel(row.tier),
        districts: row.districts.map(districtName).join(', '),
        dates: row.start_date ? `${formatDay(row.start_date)} to ${formatDay(row.end_date)}` : '',
        verifiedValue: money(row.verified_pence),
        unverifiedValue: row.unverified_pence > 0 ? money(row.unverified_pence) : undefined,
      })),
      total: list.total,
      page: search.page,
      pages: list.pages,
      previous: search.page > 1 ? pageLink(search.page - 1) : undefined,
      next: search.page < list.pages ? pageLink(search.page + 1) : undefined,
    };
  };

  app.get(paths.socialValue.index(), publicPage, async (request, reply) => {
    const parsed = contractSearchSchema.safeParse(request.query ?? {});
    if (!parsed.success) {
      const errors = formErrors(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'q'), issue.message]));
      return reply.status(400).view(view('index'), await indexPage(emptyContractSearch, errors));
    }
    return reply.view(view('index'), await indexPage(parsed.data));
  });

  app.get(paths.socialValue.csv(), publicPage, async (_request, reply) =>
    sendCsv(reply, 'social-value-totals.csv', totalsCsv(await service.totals())),
  );

  const pageFor = (id: string) => `${config.baseUrl}${paths.socialValue.contract({ id })}`;

  app.get(paths.socialValue.resultsCsv(), publicPage, async (_request, reply) =>
    sendCsv(reply, 'social-value-results.csv', resultsCsv(await service.allResults(), pageFor)),
  );

  const published = async (id: string) => {
    const detail = await service.contract(id);
    if (!detail) throw new HttpError(404, 'Page not found');
    return detail;
  };

  app.get<{ Params: { id: string } }>('/social-value/contracts/:id', publicPage, async (request, reply) => {
    const contract = presentContract(await published(request.params.id));
    return reply.view(view('contract'), { title: contract.title, contract });
  });

  app.get<{ Params: { id: string } }>('/social-value/contracts/:id/results.csv', publicPage, async (request, reply) => {
    const detail = await published(request.params.id);
    const { contract } = detail;
    const contracts = [
      {
        id: contract.id,
        title: contract.title,
        buyer_name: contract.buyer_name,
        supplier_name: contract.supplier_name,
      },
    ];
    return sendCsv(
      reply,
      `social-value-${contract.id}.csv`,
      resultsCsv({ contracts, commitments: detail.commitments, results: detail.results }, pageFor),
    );
  });
};
