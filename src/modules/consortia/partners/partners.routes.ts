import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { setFlash } from '../../../platform/flash.ts';
import { type FormErrors, formErrors, keptFormValues, parseForm } from '../../../platform/forms.ts';
import { paths } from '../../../platform/paths.ts';
import { districtName } from '../../geography/geography.ts';
import { organisationImpactService } from '../../impact/organisation-impact.service.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import { SERVICES, serviceLabel } from '../../organisations/catalogue.ts';
import type { Actor } from '../consortia.service.ts';
import { describeRequest, inWords } from './partners.page.ts';
import { reasonsFor } from './partners.reasons.ts';
import { replySchema, requestSchema } from './partners.schema.ts';
import { partnersService } from './partners.service.ts';

type PartnerSearch = Awaited<ReturnType<ReturnType<typeof partnersService>['partners']>>;

type IdParams = { Params: { id: string } };
type Values = Record<string, string | string[]>;
const view = (name: string) => `consortia/partners/views/${name}.njk`;
// The service decides who may post, answer, withdraw and search; the routes only need someone signed in, except
// the request itself, which anyone may read (its answers are private).
const signedIn = { config: { policy: 'signedIn' } } as const;
const anyone = { config: { policy: 'public' } } as const;
const PAGE_SIZE = 20;
const MAX_PAGE = 50;

function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
}
const optionalActor = (request: FastifyRequest) => (request.user ? actorOf(request) : null);
const ruleErrors = (error: unknown, field: string): FormErrors => {
  if (!(error instanceof RuleError)) throw error;
  return formErrors([[error.field ?? field, error.message]]);
};
/** A repeated field as posted: missing, one value, or several. */
const listOf = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());
const pageOf = (request: FastifyRequest) => {
  const page = Number((request.query as Record<string, unknown> | undefined)?.page ?? 1);
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1;
};

/** Organisations post that they are looking for partners on an opportunity, others answer, and they search. */
export const partnersModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const partners = partnersService({ database });
  const impact = organisationImpactService({ database });

  const newPage = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: Values,
    errors?: FormErrors,
  ) => {
    const { opportunity, lots, areas, organisations } = await partners.newRequest(request.params.id, actorOf(request));
    const services = opportunity.services.length ? opportunity.services : SERVICES.map((service) => service.code);
    return reply.status(errors ? 400 : 200).view(view('new'), {
      title: 'Look for partners',
      opportunity,
      organisations,
      options: {
        lots: lots.map((lot) => ({ code: lot.id, label: lot.title })),
        districts: areas.map((code) => ({ code, label: districtName(code) })),
        services: services.map((code) => ({ code, label: serviceLabel(code) })),
      },
      values: {
        ...values,
        lotIds: listOf(values.lotIds),
        districts: listOf(values.districts),
        services: listOf(values.services),
      },
      errors,
    });
  };
  app.get<IdParams>('/opportunities/:id/partners/new', signedIn, async (request, reply) => newPage(request, reply, {}));
  app.post<IdParams>('/opportunities/:id/partners/new', signedIn, async (request, reply) => {
    const values = keptFormValues(request.body);
    const form = parseForm(requestSchema, request.body);
    if (!form.ok) return newPage(request, reply, values, form.errors);
    try {
      const id = await partners.post(request.params.id, form.data, actorOf(request));
      setFlash(reply, 'Your request has been posted on the opportunity. Other organisations can now answer it.');
      return reply.redirect(paths.partners.show({ id }), 303);
    } catch (error) {
      return newPage(request, reply, values, ruleErrors(error, 'organisationId'));
    }
  });

  const show = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    extra: { values?: Values; errors?: FormErrors } = {},
  ) => {
    const page = await partners.view(request.params.id, optionalActor(request));
    return reply.status(extra.errors ? 400 : 200).view(view('show'), {
      title: `${page.request.organisation_name} is looking for partners`,
      ...page,
      described: describeRequest(page.request, page.lots),
      values: extra.values ?? {},
      errors: extra.errors,
    });
  };
  app.get<IdParams>('/partner-requests/:id', anyone, async (request, reply) => show(request, reply));

  app.post<IdParams>('/partner-requests/:id/replies', signedIn, async (request, reply) => {
    const values = keptFormValues(request.body);
    const form = parseForm(replySchema, request.body);
    if (!form.ok) return show(request, reply, { values, errors: form.errors });
    try {
      const answered = await partners.reply(request.params.id, form.data, actorOf(request));
      // The answer is kept whatever happens to the mail; a mail server that fails is logged, not shown as a
      // failed answer.
      await partners
        .notifyRequester(
          request.params.id,
          {
            organisationName: answered.organisation.name,
            opportunityTitle: answered.opportunity.title,
            message: form.data.message,
          },
          { mailer, baseUrl: config.baseUrl },
        )
        .catch((error: unknown) => request.log.error({ err: error }, 'the mail about an answer was not sent'));
      setFlash(reply, `Your answer has been sent. Only ${answered.requester} and your organisation can see it.`);
    } catch (error) {
      return show(request, reply, { values, errors: ruleErrors(error, 'message') });
    }
    return reply.redirect(`${paths.partners.show({ id: request.params.id })}#answers`, 303);
  });

  app.post<IdParams>('/partner-requests/:id/withdraw', signedIn, async (request, reply) => {
    try {
      await partners.withdraw(request.params.id, actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'withdraw') });
    }
    setFlash(reply, 'Your request has been withdrawn. It no longer shows on the opportunity.');
    return reply.redirect(paths.partners.show({ id: request.params.id }), 303);
  });

  /** What both searches show alike: the gaps in words, the ranked matches with their reasons, and the pages. */
  const searchResults = async (
    result: Pick<PartnerSearch, 'gaps' | 'matches' | 'more' | 'wanted'> & { consortium?: { member_ids: string[] } },
    page: number,
    here: string,
  ) => {
    const titles = new Map((await impact.outcomesNamed(result.gaps.outcomes)).map((item) => [item.code, item.title]));
    const outcomeTitle = (code: string) => titles.get(code) ?? code;
    const invited = new Set(result.consortium?.member_ids ?? []);
    return {
      gaps: {
        services: inWords(result.gaps.services.map(serviceLabel)),
        districts: inWords(result.gaps.districts.map(districtName)),
        outcomes: inWords(result.gaps.outcomes.map((code) => `“${outcomeTitle(code)}”`)),
      },
      matches: result.matches.map((match, index) => ({
        ...match,
        rank: (page - 1) * PAGE_SIZE + index + 1,
        reasons: reasonsFor(match, { valuePence: result.wanted.valuePence, outcomeTitle }),
        invited: invited.has(match.id),
      })),
      page,
      previous: page > 1 ? `${here}?page=${page - 1}` : undefined,
      next: result.more && page < MAX_PAGE ? `${here}?page=${page + 1}` : undefined,
    };
  };

  app.get<IdParams>('/partner-requests/:id/partners', signedIn, async (request, reply) => {
    const page = pageOf(request);
    const result = await partners.partners(request.params.id, actorOf(request), { page, pageSize: PAGE_SIZE });
    return reply.view(view('search'), {
      title: `Partners for ${result.request.organisation_name}`,
      subject: {
        name: result.request.organisation_name,
        asks: 'your request asks for',
        lacks: 'What your organisation lacks for this request',
        profiles: 'its profile',
        isConsortium: false,
      },
      back: { href: paths.partners.show({ id: result.request.id }), text: 'Back to your request' },
      opportunity: result.opportunity,
      consortium: result.consortium,
      ...(await searchResults(result, page, paths.partners.search({ id: result.request.id }))),
    });
  });

  app.get<IdParams>('/consortia/:id/partners', signedIn, async (request, reply) => {
    const page = pageOf(request);
    const result = await partners.partnersForConsortium(request.params.id, actorOf(request), {
      page,
      pageSize: PAGE_SIZE,
    });
    return reply.view(view('search'), {
      title: `Partners for ${result.consortium.name}`,
      subject: {
        name: result.consortium.name,
        asks: 'the opportunity asks for',
        lacks: 'What none of the consortium’s members offers, serves or delivers',
        profiles: 'its members’ profiles',
        isConsortium: true,
      },
      back: { href: paths.consortia.show({ id: result.consortium.id }), text: `Back to ${result.consortium.name}` },
      opportunity: result.opportunity,
      consortium: result.consortium,
      ...(await searchResults(result, page, paths.consortia.partners({ id: result.consortium.id }))),
    });
  });
};
