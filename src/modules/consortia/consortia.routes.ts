import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptFormValues, keptValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { RuleError } from '../ledger/contracts.rules.ts';
import * as repository from './consortia.repository.ts';
import {
  agreementSchema,
  allocationsFrom,
  answerSchema,
  charterSchema,
  createSchema,
  decisionSchema,
  inviteesSchema,
  inviteSchema,
  listingSchema,
  termsInputFrom,
} from './consortia.schema.ts';
import { type Actor, consortiaService } from './consortia.service.ts';
import { consortiumPage } from './consortium.page.ts';
import { currentFairnessDefaults } from './fairness-settings.ts';
import {
  type FairnessFlag,
  type FairTerms,
  fairTermsSchema,
  REFERRAL_ALLOCATION_LABELS,
  REFERRAL_ALLOCATIONS,
  termsFormValues,
} from './terms/index.ts';

type IdParams = { Params: { id: string } };
/** Values as typed, or (for a new version) those of the version in force, read once the lead is known. */
type FormValues = Record<string, string> | ((consortiumId: string) => Promise<Record<string, string>>);
const view = (name: string) => `consortia/views/${name}.njk`;
// The service decides what each person may see and do in a consortium (its lead, its members, those invited);
// anyone else gets 404 unless it is listed. The routes only need someone signed in, except the public face.
const signedIn = { config: { policy: 'signedIn' } } as const;
const anyone = { config: { policy: 'public' } } as const;

function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
}
const optionalActor = (request: FastifyRequest) => (request.user ? actorOf(request) : null);
const queryText = (request: FastifyRequest, name: string) =>
  String((request.query as Record<string, unknown> | undefined)?.[name] ?? '')
    .trim()
    .slice(0, 100);
const ruleErrors = (error: unknown, field: string): FormErrors => {
  if (!(error instanceof RuleError)) throw error;
  return formErrors([[error.field ?? field, error.message]]);
};

/** Forming a consortium, its private space, and its public face once listed. */
export const consortiaModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const consortia = consortiaService({ database });

  const show = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    extra: { errors?: FormErrors; values?: Record<string, string> } = {},
  ) => {
    const page = await consortiumPage(database, consortia, request.params.id, optionalActor(request), {
      find: queryText(request, 'find') || extra.values?.find || '',
    });
    return reply.status(extra.errors ? 400 : 200).view(view('show'), { values: {}, ...page, ...extra });
  };
  const back = (reply: FastifyReply, id: string, message: string, anchor = '') => {
    setFlash(reply, message);
    return reply.redirect(`${paths.consortia.show({ id })}${anchor}`, 303);
  };

  // Visitors learn what consortia here offer; signed-in people see theirs and their invitations.
  app.get(paths.consortia.index(), anyone, async (request, reply) => {
    if (!request.user) return reply.view(view('index'), { title: 'Consortia', invitations: [], memberships: [] });
    const rows = await consortia.mine(actorOf(request));
    return reply.view(view('index'), {
      title: 'Consortia',
      invitations: rows.filter((row) => row.member_status === 'invited'),
      memberships: rows.filter((row) => row.member_status === 'accepted'),
    });
  });

  /**
   * The form; organisations to invite come from a suggested consortium (the `invite` of the address), or as ticked
   * when the form comes back with errors. Only voluntary and community organisations are offered.
   */
  const newPage = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: Record<string, string | string[]>,
    errors?: FormErrors,
  ) => {
    const opportunity = await repository.findOpportunity(database, request.params.id);
    if (opportunity?.status !== 'published')
      throw new HttpError(404, 'Page not found', 'There is no open opportunity at this address.');
    const suggested = inviteesSchema.safeParse((request.query as Record<string, unknown> | undefined)?.invite);
    const offered = suggested.success ? suggested.data : [];
    const ticked = errors ? [values.invite ?? []].flat() : offered;
    const [leads, invitees] = await Promise.all([
      repository.vcseAmong(database, actorOf(request).organisationIds),
      offered.length > 0 ? repository.vcseAmong(database, offered) : [],
    ]);
    // A suggested organisation the person belongs to leads, rather than being invited.
    const leadId = values.leadOrganisationId ?? leads.find((lead) => offered.includes(lead.id))?.id;
    return reply.status(errors ? 400 : 200).view(view('new'), {
      title: 'Form a consortium',
      opportunity,
      leads,
      invitees: invitees
        .filter((invitee) => invitee.id !== leadId)
        .map((invitee) => ({ ...invitee, checked: ticked.includes(invitee.id) })),
      invitePath: `${paths.consortia.new({ opportunityId: opportunity.id })}${offered.length ? `?${new URLSearchParams(offered.map((id) => ['invite', id]))}` : ''}`,
      values: { ...values, leadOrganisationId: leadId },
      errors,
    });
  };
  app.get<IdParams>('/opportunities/:id/consortia/new', signedIn, async (request, reply) =>
    newPage(request, reply, {}),
  );
  app.post<IdParams>('/opportunities/:id/consortia/new', signedIn, async (request, reply) => {
    const values = keptFormValues(request.body);
    const form = parseForm(createSchema, request.body);
    if (!form.ok) return newPage(request, reply, values, form.errors);
    try {
      const formed = await consortia.create({ ...form.data, opportunityId: request.params.id }, actorOf(request));
      const invited = formed.invited
        ? ` and ${formed.invited} organisation${formed.invited === 1 ? '' : 's'} invited`
        : '';
      return back(reply, formed.id, `“${form.data.name}” has been formed${invited}. Invite its members below.`);
    } catch (error) {
      return newPage(request, reply, values, ruleErrors(error, 'leadOrganisationId'));
    }
  });

  app.get<IdParams>('/consortia/:id', anyone, async (request, reply) => show(request, reply));

  app.post<IdParams>('/consortia/:id/members', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(inviteSchema, request.body);
    if (!form.ok) return show(request, reply, { errors: form.errors, values });
    try {
      const organisation = await consortia.invite(request.params.id, form.data, actorOf(request));
      return back(reply, request.params.id, `${organisation.name} has been invited.`, '#members');
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'organisationId'), values });
    }
  });

  app.post<{ Params: { id: string; organisationId: string } }>(
    '/consortia/:id/members/:organisationId/answer',
    signedIn,
    async (request, reply) => {
      const form = parseForm(answerSchema, request.body);
      if (!form.ok) return show(request, reply, { errors: form.errors });
      const accept = form.data.answer === 'accept';
      try {
        await consortia.answer(request.params.id, request.params.organisationId, accept, actorOf(request));
      } catch (error) {
        return show(request, reply, { errors: ruleErrors(error, 'answer') });
      }
      if (!accept) {
        setFlash(reply, 'You have declined the invitation.');
        return reply.redirect(paths.consortia.index(), 303);
      }
      return back(reply, request.params.id, 'You have joined the consortium.');
    },
  );

  app.post<IdParams>('/consortia/:id/allocations', signedIn, async (request, reply) => {
    try {
      await consortia.allocate(request.params.id, allocationsFrom(request.body), actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'allocations') });
    }
    return back(reply, request.params.id, 'The allocation of lots and districts has been saved.', '#allocations');
  });

  const termsPage = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    given: FormValues,
    errors?: FormErrors,
  ) => {
    const { consortium, members, access } = await consortia.load(request.params.id, actorOf(request));
    if (!access.isLead) throw new HttpError(403, 'You do not have permission to do this', 'Only the lead can.');
    const values = typeof given === 'function' ? await given(consortium.id) : given;
    return reply.status(errors ? 400 : 200).view(view('terms'), {
      title: 'Agree fair terms',
      consortium,
      members: members.filter((member) => member.status !== 'declined'),
      referralAllocations: REFERRAL_ALLOCATIONS.map((value) => ({ value, ...REFERRAL_ALLOCATION_LABELS[value] })),
      defaults: await currentFairnessDefaults(database),
      values,
      errors,
    });
  };
  // A new version of the terms or the charter starts from the one in force.
  app.get<IdParams>('/consortia/:id/terms', signedIn, async (request, reply) =>
    termsPage(request, reply, async (id) => {
      const [latest] = await repository.termsVersions<FairTerms, FairnessFlag>(database, id);
      return latest ? termsFormValues(latest.terms) : {};
    }),
  );
  app.post<IdParams>('/consortia/:id/terms', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(fairTermsSchema, termsInputFrom(request.body));
    if (!form.ok) return termsPage(request, reply, values, form.errors);
    try {
      const flags = await consortia.recordTerms(request.params.id, form.data, actorOf(request));
      const note = flags.length
        ? ` ${flags.length} ${flags.length === 1 ? 'term puts' : 'terms put'} members at risk.`
        : '';
      return back(reply, request.params.id, `The terms have been recorded.${note}`, '#terms');
    } catch (error) {
      return termsPage(request, reply, values, ruleErrors(error, 'pbrShares'));
    }
  });

  const charterPage = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    given: FormValues,
    errors?: FormErrors,
  ) => {
    const { consortium, access } = await consortia.load(request.params.id, actorOf(request));
    if (!access.isLead) throw new HttpError(403, 'You do not have permission to do this', 'Only the lead can.');
    const values = typeof given === 'function' ? await given(consortium.id) : given;
    return reply
      .status(errors ? 400 : 200)
      .view(view('charter'), { title: 'Lead charter', consortium, values, errors });
  };
  app.post<IdParams>('/consortia/:id/terms/agree', signedIn, async (request, reply) => {
    const form = parseForm(agreementSchema, request.body);
    if (!form.ok)
      return show(request, reply, { errors: formErrors([['agree', 'Agree to the terms shown on this page']]) });
    try {
      await consortia.agreeTerms(request.params.id, form.data.version, actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'terms') });
    }
    return back(
      reply,
      request.params.id,
      `You have agreed to version ${form.data.version} of the fair terms.`,
      '#terms',
    );
  });

  app.get<IdParams>('/consortia/:id/charter', signedIn, async (request, reply) =>
    charterPage(request, reply, async (id): Promise<Record<string, string>> => {
      const [latest] = await repository.charterVersions(database, id);
      const yesNo = (value: boolean) => (value ? 'yes' : 'no');
      if (!latest) return {};
      return {
        leadDelivers: yesNo(latest.lead_delivers),
        leadDelivery: latest.lead_delivery,
        conflictsOfInterest: latest.conflicts_of_interest,
        willNotCompete: yesNo(latest.will_not_compete),
      };
    }),
  );
  app.post<IdParams>('/consortia/:id/charter', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(charterSchema, request.body);
    if (!form.ok) return charterPage(request, reply, values, form.errors);
    try {
      await consortia.recordCharter(request.params.id, form.data, actorOf(request));
    } catch (error) {
      return charterPage(request, reply, values, ruleErrors(error, 'leadDelivers'));
    }
    return back(reply, request.params.id, 'The lead charter has been recorded.', '#charter');
  });

  app.post<IdParams>('/consortia/:id/decisions', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(decisionSchema, request.body);
    if (!form.ok) return show(request, reply, { errors: form.errors, values });
    try {
      await consortia.recordDecision(request.params.id, form.data.decision, actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'decision'), values });
    }
    return back(reply, request.params.id, 'The decision has been logged.', '#decisions');
  });

  app.post<IdParams>('/consortia/:id/bid', signedIn, async (request, reply) => {
    try {
      await consortia.bid(request.params.id, actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'bid') });
    }
    return back(reply, request.params.id, 'The consortium is now a bidder: the buyer can award the opportunity to it.');
  });

  app.post<IdParams>('/consortia/:id/listing', signedIn, async (request, reply) => {
    const form = parseForm(listingSchema, request.body);
    if (!form.ok) return show(request, reply, { errors: form.errors });
    try {
      await consortia.setListed(request.params.id, form.data.listed, actorOf(request));
    } catch (error) {
      return show(request, reply, { errors: ruleErrors(error, 'listed') });
    }
    const message = form.data.listed
      ? 'The consortium is now listed on the opportunity.'
      : 'The consortium is now private to its members.';
    return back(reply, request.params.id, message);
  });
};
