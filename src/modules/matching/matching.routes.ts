import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { paths } from '../../platform/paths.ts';
import { matchingService } from './matching.service.ts';

type IdParams = { Params: { id: string } };
const view = (name: string) => `matching/views/${name}.njk`;
const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

/** Opportunities for you, organisations that fit, and the calendar and Atom feeds. */
export const matchingModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, config }) => {
  const matching = matchingService({ database, baseUrl: config.baseUrl });
  const userId = (request: FastifyRequest) => {
    if (!request.user) throw new HttpError(401, 'You need to sign in');
    return request.user.id;
  };
  const forYouPage = async (id: string, calendarUrl?: string) => {
    const page = await matching.opportunitiesFor(id);
    return { title: `Opportunities for ${page.organisation.name}`, ...page, calendarUrl };
  };

  app.get<IdParams>(
    '/organisations/:id/opportunities',
    { config: { policy: 'organisationMember' } },
    async (request, reply) => reply.view(view('for-you'), await forYouPage(request.params.id)),
  );

  // The address is shown once, here: only its hash is kept, so it cannot be shown again later.
  app.post<IdParams>(
    '/organisations/:id/calendar',
    { config: { policy: 'organisationMember' } },
    async (request, reply) => {
      const page = await forYouPage(request.params.id);
      const token = await matching.newCalendarToken(page.organisation.id, { userId: userId(request), ip: request.ip });
      return reply.view(view('for-you'), {
        ...page,
        calendarUrl: `${config.baseUrl}${paths.matching.calendar({ token })}`,
      });
    },
  );

  app.get<{ Params: { token: string } }>(
    '/calendars/:token/deadlines.ics',
    { config: { policy: 'public' } },
    async (request, reply) => {
      const calendar = await matching.calendar(request.params.token);
      if (calendar === undefined) throw new HttpError(404, 'Page not found', 'There is no calendar at this address.');
      return reply.type(CALENDAR_TYPE).header('cache-control', 'private, no-store').send(calendar);
    },
  );

  app.get<IdParams>('/opportunities/:id/deadline.ics', { config: { policy: 'public' } }, async (request, reply) =>
    reply
      .type(CALENDAR_TYPE)
      .header('content-disposition', 'attachment; filename="deadline.ics"')
      .send(await matching.deadline(request.params.id)),
  );

  app.get(paths.matching.atom(), { config: { policy: 'public' } }, async (_request, reply) =>
    reply.type('application/atom+xml; charset=utf-8').send(await matching.atom()),
  );

  app.get<IdParams>(
    '/opportunities/:id/organisations-that-fit',
    { config: { policy: 'buyingStaff' } },
    async (request, reply) => {
      const buyerIds = [...(request.user?.memberships.keys() ?? [])];
      const page = await matching.organisationsFor(request.params.id, buyerIds);
      return reply.view(view('fits'), { title: `Organisations that fit: ${page.opportunity.title}`, ...page });
    },
  );
};
