import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptFormValues, keptValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import type { CurrentUser } from '../../platform/sessions.ts';
import { leadRatingsSection } from '../consortia/ratings/ratings.profile.ts';
import { districts, wards } from '../geography/geography.ts';
import { organisationImpactService } from '../impact/organisation-impact.service.ts';
import { presentContractsWon } from '../ocds/track-record.ts';
import { ACTIVITIES, ASSURANCES, BENEFICIARIES, LEGAL_FORMS, SERVICES } from './catalogue.ts';
import { createOrganisationSchema, invitationSchema } from './organisations.schema.ts';
import { organisationsService } from './organisations.service.ts';
import { presentProfile } from './profile.presenter.ts';
import { formValuesFrom, profileFrom, profileSchema } from './profile.schema.ts';

type IdParams = { Params: { id: string } };
type TokenParams = { Params: { token: string } };

const view = (name: string) => `organisations/views/${name}.njk`;

/** Organisations, their members and invitations, and the directory list. */
export const organisationsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const organisations = organisationsService({ database, mailer, baseUrl: config.baseUrl });
  const organisationImpact = organisationImpactService({ database });
  const signedInUser = (request: FastifyRequest): CurrentUser => {
    if (!request.user) throw new HttpError(401, 'You need to sign in');
    return request.user;
  };
  const organisationFrom = async (id: string) => {
    const organisation = await organisations.find(id);
    if (!organisation) throw new HttpError(404, 'Page not found', 'There is no organisation at this address.');
    return organisation;
  };

  app.get(paths.organisations.new(), { config: { policy: 'signedIn' } }, async (_request, reply) =>
    reply.view(view('new'), { title: 'Add your organisation', values: {} }),
  );
  app.post(paths.organisations.new(), { config: { policy: 'signedIn' } }, async (request, reply) => {
    const form = parseForm(createOrganisationSchema, request.body);
    if (!form.ok) {
      return reply
        .status(400)
        .view(view('new'), { title: 'Add your organisation', values: keptValues(request.body), errors: form.errors });
    }
    const clashes = await organisations.identifierClashes(form.data);
    if (clashes.length > 0) {
      return reply.status(400).view(view('new'), {
        title: 'Add your organisation',
        values: keptValues(request.body),
        errors: formErrors(clashes),
      });
    }
    const organisation = await organisations.create(form.data, { userId: signedInUser(request).id, ip: request.ip });
    setFlash(reply, `${organisation.name} has been added. You are its admin.`);
    return reply.redirect(paths.organisations.show({ id: organisation.id }), 303);
  });

  app.get<IdParams>('/organisations/:id', { config: { policy: 'public' } }, async (request, reply) => {
    const organisation = await organisationFrom(request.params.id);
    const role = request.user?.memberships.get(organisation.id);
    const isHubAdmin = request.user?.roles.has('hub_admin') ?? false;
    const profile = presentProfile(organisation, { canSeePrivate: role !== undefined || isHubAdmin });
    const [contractsWon, impact, leadRatings] = await Promise.all([
      presentContractsWon(database, organisation.id),
      organisationImpact.profileSection(organisation.id),
      leadRatingsSection(database, organisation.id),
    ]);
    return reply.view(view('show'), {
      title: organisation.name,
      profile,
      organisation,
      role,
      isHubAdmin,
      contractsWon,
      impact,
      leadRatings,
    });
  });

  const editPage = (
    organisation: { id: string; name: string },
    values: Record<string, unknown>,
    errors?: FormErrors,
  ) => ({
    title: `Edit the profile of ${organisation.name}`,
    organisation,
    values,
    errors,
    options: {
      legalForms: LEGAL_FORMS,
      services: SERVICES,
      activities: ACTIVITIES,
      beneficiaries: BENEFICIARIES,
      assurances: ASSURANCES,
      districts,
      wards,
    },
  });

  app.get<IdParams>('/organisations/:id/edit', { config: { policy: 'organisationAdmin' } }, async (request, reply) => {
    const organisation = await organisationFrom(request.params.id);
    return reply.view(view('edit'), editPage(organisation, formValuesFrom(profileFrom(organisation))));
  });
  app.post<IdParams>('/organisations/:id/edit', { config: { policy: 'organisationAdmin' } }, async (request, reply) => {
    const organisation = await organisationFrom(request.params.id);
    const form = parseForm(profileSchema, request.body);
    const clashes = form.ok ? await organisations.identifierClashes(form.data, organisation.id) : [];
    if (!form.ok || clashes.length > 0) {
      const errors = form.ok ? formErrors(clashes) : form.errors;
      return reply.status(400).view(view('edit'), editPage(organisation, keptFormValues(request.body), errors));
    }
    const changed = await organisations.updateProfile(organisation, form.data, {
      userId: signedInUser(request).id,
      ip: request.ip,
    });
    setFlash(reply, changed.length ? 'Your profile has been updated.' : 'Nothing changed.');
    return reply.redirect(paths.organisations.show({ id: organisation.id }), 303);
  });

  app.post<IdParams>('/organisations/:id/verification', { config: { policy: 'hubAdmin' } }, async (request, reply) => {
    const organisation = await organisationFrom(request.params.id);
    const verified = (request.body as { verified?: unknown } | undefined)?.verified === 'true';
    await organisations.setVerified(organisation.id, verified, { userId: signedInUser(request).id, ip: request.ip });
    setFlash(reply, verified ? `${organisation.name} is now verified.` : `${organisation.name} is no longer verified.`);
    return reply.redirect(paths.organisations.show({ id: organisation.id }), 303);
  });

  app.get<IdParams>(
    '/organisations/:id/members',
    { config: { policy: 'organisationMember' } },
    async (request, reply) => {
      const organisation = await organisationFrom(request.params.id);
      const isAdmin = request.user?.memberships.get(organisation.id) === 'admin';
      return reply.view(view('members'), {
        title: `Members of ${organisation.name}`,
        organisation,
        isAdmin,
        values: {},
        ...(await organisations.membersPage(organisation.id)),
      });
    },
  );

  app.post<IdParams>(
    '/organisations/:id/invitations',
    { config: { policy: 'organisationAdmin', rateLimit: { max: 30, timeWindow: '1 hour' } } },
    async (request, reply) => {
      const organisation = await organisationFrom(request.params.id);
      const form = parseForm(invitationSchema, request.body);
      if (!form.ok) {
        return reply.status(400).view(view('members'), {
          title: `Members of ${organisation.name}`,
          organisation,
          isAdmin: true,
          values: keptValues(request.body),
          errors: form.errors,
          ...(await organisations.membersPage(organisation.id)),
        });
      }
      await organisations.invite(organisation, form.data, { userId: signedInUser(request).id, ip: request.ip });
      setFlash(reply, `We have sent an invitation to ${form.data.email}.`);
      return reply.redirect(paths.organisations.members({ id: organisation.id }), 303);
    },
  );

  app.get<TokenParams>('/invitations/:token', { config: { policy: 'public' } }, async (request, reply) => {
    const invitation = await organisations.findInvitation(request.params.token);
    if (!invitation)
      return reply.status(400).view(view('invitation-invalid'), { title: 'This invitation has expired' });
    return reply.view(view('invitation'), {
      title: `Join ${invitation.organisationName}`,
      invitation,
      token: request.params.token,
    });
  });
  app.post<TokenParams>('/invitations/:token', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const result = await organisations.acceptInvitation(request.params.token, signedInUser(request), request.ip);
    if (!result.ok && result.reason === 'expired')
      return reply.status(400).view(view('invitation-invalid'), { title: 'This invitation has expired' });
    if (!result.ok)
      throw new HttpError(
        403,
        'This invitation is for someone else',
        'Sign in with the email address the invitation was sent to.',
      );
    setFlash(reply, `You have joined ${result.organisationName}.`);
    return reply.redirect(paths.organisations.show({ id: result.organisationId }), 303);
  });
};
