import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { alertsService } from './alerts.service.ts';
import { FREQUENCIES } from './alerts.tables.ts';

const preferenceSchema = z.object({
  frequency: z.enum(FREQUENCIES, { message: 'Select how often you want alerts' }),
});
const signedIn = { config: { policy: 'signedIn' } } as const;
const publicPage = { config: { policy: 'public' } } as const;
type TokenParams = { Params: { token: string } };
const invalidLink = () =>
  new HttpError(
    404,
    'This link is not valid',
    'Change your alerts from your account instead: sign in and go to Your account.',
  );

export const FREQUENCY_OPTIONS = [
  { value: 'immediately', text: 'Immediately', hint: 'An e-mail as soon as a fitting opportunity is published' },
  {
    value: 'weekly',
    text: 'Weekly digest',
    hint: 'One e-mail a week listing the fitting opportunities published that week',
  },
  { value: 'none', text: 'No alerts', hint: undefined },
];

/** Each person's alert settings under their account, and the unsubscribe link every alert carries. */
export const alertsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const service = alertsService({ database, mailer, baseUrl: config.baseUrl });
  const title = 'Opportunity alerts';

  app.get(paths.account.alerts(), signedIn, async (request, reply) => {
    const frequency = await service.frequencyOf(request.user?.id ?? '');
    return reply.view('alerts/views/preferences.njk', { title, values: { frequency }, options: FREQUENCY_OPTIONS });
  });

  app.post(paths.account.alerts(), signedIn, async (request, reply) => {
    const form = parseForm(preferenceSchema, request.body);
    if (!form.ok)
      return reply
        .status(400)
        .view('alerts/views/preferences.njk', { title, values: {}, options: FREQUENCY_OPTIONS, errors: form.errors });
    await service.setFrequency({ userId: request.user?.id ?? '', ip: request.ip }, form.data.frequency);
    setFlash(reply, 'Your alert settings have been saved.');
    return reply.redirect(paths.account.alerts(), 303);
  });

  // A page with a button rather than a change on GET: mail scanners follow links, and must not unsubscribe anyone.
  app.get<TokenParams>('/alerts/unsubscribe/:token', publicPage, async (request, reply) => {
    if (!(await service.findByToken(request.params.token))) throw invalidLink();
    return reply.view('alerts/views/unsubscribe.njk', {
      title: 'Stop all opportunity alerts',
      token: request.params.token,
    });
  });

  app.post<TokenParams>('/alerts/unsubscribe/:token', publicPage, async (request, reply) => {
    if (!(await service.unsubscribe(request.params.token, request.ip))) throw invalidLink();
    return reply.view('alerts/views/unsubscribe.njk', { title: 'You will get no more alerts', done: true });
  });
};
