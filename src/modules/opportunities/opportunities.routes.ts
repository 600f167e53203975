import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptFormValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { alertsService } from '../alerts/alerts.service.ts';
import { districts } from '../geography/geography.ts';
import { SERVICES } from '../organisations/catalogue.ts';
import { formValuesFrom, kindOptions, STATUS_LABELS, typeOptions } from './opportunities.presenter.ts';
import { AMENDABLE_FIELDS, isTransition, RuleError, TRANSITIONS } from './opportunities.rules.ts';
import { awardSchema, lotSchema, newOpportunitySchema, opportunitySchema } from './opportunities.schema.ts';
import { type Actor, opportunitiesService } from './opportunities.service.ts';
import { showPage } from './opportunities.show.ts';
import type { Opportunity } from './opportunities.tables.ts';

type IdParams = { Params: { id: string } };
const view = (name: string) => `opportunities/views/${name}.njk`;
const buying = { config: { policy: 'buyingStaff' } } as const;

export const actorFrom = (request: FastifyRequest): Actor => {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
};

/** The buyer's pages: their opportunities, the form, lots, the lifecycle and the award. */
export const opportunitiesModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const service = opportunitiesService({ database });
  const alerts = alertsService({ database, mailer, baseUrl: config.baseUrl });
  const formOptions = {
    kinds: kindOptions,
    types: typeOptions,
    districts: districts.map((district) => ({ code: district.code, label: district.name })),
    services: SERVICES,
  };
  const formPage = async (
    reply: FastifyReply,
    actor: Actor,
    page: { opportunity?: Opportunity; values: Record<string, unknown>; errors?: FormErrors },
  ) => {
    const amendOnly = page.opportunity !== undefined && page.opportunity.status !== 'draft';
    const title = page.opportunity ? `Change “${page.opportunity.title}”` : 'New opportunity';
    const bodies = page.opportunity ? [] : await service.buyerOptions(actor.userId);
    const outcomes = (await service.outcomeOptions()).map((outcome) => ({
      code: outcome.code,
      label: `${outcome.title} (${outcome.themeTitle})`,
    }));
    return reply
      .status(page.errors ? 400 : 200)
      .view(view('form'), { title, ...page, amendOnly, bodies, options: { ...formOptions, outcomes } });
  };
  /** A broken rule is shown on the opportunity's page, above everything, with a 400. */
  const ruleBroken = async (reply: FastifyReply, request: FastifyRequest<IdParams>, error: unknown) => {
    if (!(error instanceof RuleError)) throw error;
    const page = await showPage(service, request.params.id, actorFrom(request));
    return reply.status(400).view(view('show'), { ...page, errors: formErrors([['actions', error.message]]) });
  };

  app.get(paths.opportunities.mine(), buying, async (request, reply) => {
    const { bodies, opportunities } = await service.listMine(actorFrom(request));
    const rows = opportunities.map((row) => ({ ...row, statusLabel: STATUS_LABELS[row.status] }));
    return reply.view(view('mine'), { title: 'Your opportunities', bodies, opportunities: rows });
  });

  app.get(paths.opportunities.new(), buying, async (request, reply) =>
    formPage(reply, actorFrom(request), { values: { socialValueWeightingPercent: '10' } }),
  );
  app.post(paths.opportunities.new(), buying, async (request, reply) => {
    const actor = actorFrom(request);
    const form = parseForm(opportunitySchema, request.body);
    const buyer = parseForm(newOpportunitySchema, request.body);
    if (!form.ok || !buyer.ok) {
      const errors = formErrors(
        [...(buyer.ok ? [] : buyer.errors.list), ...(form.ok ? [] : form.errors.list)].map((item) => [
          item.href.slice(1),
          item.text,
        ]),
      );
      return formPage(reply, actor, { values: keptFormValues(request.body), errors });
    }
    let created: Awaited<ReturnType<typeof service.create>>;
    try {
      created = await service.create(buyer.data.buyerOrganisationId, form.data, actor);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const errors = formErrors([['outcomeCodes', error.message]]);
      return formPage(reply, actor, { values: keptFormValues(request.body), errors });
    }
    setFlash(reply, `“${created.title}” has been saved as a draft. Only your organisation can see it.`);
    return reply.redirect(paths.opportunities.show({ id: created.id }), 303);
  });

  app.get<IdParams>('/opportunities/:id/edit', buying, async (request, reply) => {
    const actor = actorFrom(request);
    const opportunity = await service.findForBuyer(request.params.id, actor);
    return formPage(reply, actor, { opportunity, values: formValuesFrom(opportunity) });
  });
  app.post<IdParams>('/opportunities/:id/edit', buying, async (request, reply) => {
    const actor = actorFrom(request);
    const opportunity = await service.findForBuyer(request.params.id, actor);
    const posted = keptFormValues(request.body);
    // After publication the form holds only the fields that may still change; the rest stay as they are.
    const merged =
      opportunity.status === 'draft'
        ? posted
        : {
            ...formValuesFrom(opportunity),
            ...Object.fromEntries(AMENDABLE_FIELDS.map((field) => [field, posted[field]])),
          };
    const form = parseForm(opportunitySchema, merged);
    if (!form.ok) return formPage(reply, actor, { opportunity, values: merged, errors: form.errors });
    try {
      const changed = await service.update(opportunity.id, form.data, actor);
      setFlash(reply, changed.length ? 'Your changes have been saved.' : 'Nothing changed.');
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const field = error.message.startsWith('Choose outcomes') ? 'outcomeCodes' : 'title';
      return formPage(reply, actor, { opportunity, values: merged, errors: formErrors([[field, error.message]]) });
    }
    return reply.redirect(paths.opportunities.show({ id: opportunity.id }), 303);
  });

  app.post<IdParams>('/opportunities/:id/lots', buying, async (request, reply) => {
    const actor = actorFrom(request);
    await service.findForBuyer(request.params.id, actor);
    const form = parseForm(lotSchema, request.body);
    if (!form.ok) {
      const page = await showPage(service, request.params.id, actor);
      return reply
        .status(400)
        .view(view('show'), { ...page, lotValues: keptLotValues(request.body), errors: form.errors });
    }
    try {
      const lot = await service.addLot(request.params.id, form.data, actor);
      setFlash(reply, `Lot “${lot.title}” has been added.`);
    } catch (error) {
      return ruleBroken(reply, request, error);
    }
    return reply.redirect(paths.opportunities.show({ id: request.params.id }), 303);
  });

  app.post<IdParams>('/opportunities/:id/lots/remove', buying, async (request, reply) => {
    const lotId = String((request.body as { lotId?: unknown } | undefined)?.lotId ?? '');
    try {
      await service.removeLot(request.params.id, lotId, actorFrom(request));
    } catch (error) {
      return ruleBroken(reply, request, error);
    }
    setFlash(reply, 'The lot has been removed.');
    return reply.redirect(paths.opportunities.show({ id: request.params.id }), 303);
  });

  app.post<IdParams>('/opportunities/:id/status', buying, async (request, reply) => {
    const actor = actorFrom(request);
    await service.findForBuyer(request.params.id, actor);
    const transition = (request.body as { transition?: unknown } | undefined)?.transition;
    if (!isTransition(transition) || transition === 'award') {
      return ruleBroken(reply, request, new RuleError('Choose what to do with the opportunity.'));
    }
    try {
      await service.transition(request.params.id, transition, actor);
    } catch (error) {
      return ruleBroken(reply, request, error);
    }
    // After the commit, so nobody hears of a publication that was rolled back; a mail failure does not undo it.
    if (transition === 'publish')
      await alerts.opportunityPublished(request.params.id).catch((error) => request.log.error(error, 'alerts failed'));
    setFlash(reply, `The opportunity has been ${TRANSITIONS[transition].label}.`);
    return reply.redirect(paths.opportunities.show({ id: request.params.id }), 303);
  });

  const awardPage = async (request: FastifyRequest<IdParams>, extra: Record<string, unknown> = {}) => {
    const opportunity = await service.findForBuyer(request.params.id, actorFrom(request));
    const q = String((request.query as { q?: unknown } | undefined)?.q ?? '');
    const [suppliers, consortia, open] = await Promise.all([
      service.findSuppliers(q),
      service.biddingConsortia(opportunity.id),
      service.openLots(opportunity.id),
    ]);
    return {
      title: `Record the award of “${opportunity.title}”`,
      opportunity,
      q,
      suppliers,
      consortia,
      lots: open,
      values: {},
      ...extra,
      // A message about lots goes by the suppliers when no lots are on the page to link to.
      ...(extra.errors && open.length === 0 ? { errors: withoutField(extra.errors as FormErrors, 'lotIds') } : {}),
    };
  };
  app.get<IdParams>('/opportunities/:id/award', buying, async (request, reply) =>
    reply.view(view('award'), await awardPage(request)),
  );
  app.post<IdParams>('/opportunities/:id/award', buying, async (request, reply) => {
    const actor = actorFrom(request);
    const form = parseForm(awardSchema, request.body);
    if (!form.ok) {
      const page = await awardPage(request, { values: keptFormValues(request.body), errors: form.errors });
      return reply.status(400).view(view('award'), page);
    }
    try {
      await service.award(request.params.id, form.data, actor);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const page = await awardPage(request, {
        values: keptFormValues(request.body),
        errors: formErrors([[error.field ?? 'supplierIds', error.message]]),
      });
      return reply.status(400).view(view('award'), page);
    }
    setFlash(reply, 'The award has been recorded and published.');
    return reply.redirect(paths.opportunities.show({ id: request.params.id }), 303);
  });
};

/** The lot form as it was sent; one ticked area arrives as a single value. */
function keptLotValues(body: unknown) {
  const kept = keptFormValues(body);
  return { ...kept, districts: [kept.districts ?? []].flat() };
}

/** The same errors, any about `field` shown by the suppliers instead. */
function withoutField(errors: FormErrors, field: string): FormErrors {
  return formErrors(
    errors.list.map((item) => [item.href === `#${field}` ? 'supplierIds' : item.href.slice(1), item.text]),
  );
}
