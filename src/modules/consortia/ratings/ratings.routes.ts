import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { setFlash } from '../../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues, parseForm } from '../../../platform/forms.ts';
import { paths } from '../../../platform/paths.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import { type Actor, consortiaService } from '../consortia.service.ts';
import { ratingSchema, STAR_LABELS } from './ratings.schema.ts';
import { ratingsService } from './ratings.service.ts';

type IdParams = { Params: { id: string } };
// The service decides who may rate; the route only needs someone signed in.
const signedIn = { config: { policy: 'signedIn' } } as const;

function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
}

const starItems = (chosen: string | undefined) =>
  [5, 4, 3, 2, 1].map((stars) => ({
    value: String(stars),
    text: `${stars} ${stars === 1 ? 'star' : 'stars'}: ${STAR_LABELS[stars]}`,
    checked: chosen === String(stars),
  }));

/** Members rate the lead of a consortium once its delivery is completed. */
export const ratingsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const ratings = ratingsService({ database, consortia: consortiaService({ database }) });

  const show = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FormErrors } = {},
  ) => {
    const { consortium, organisations, completed } = await ratings.raters(request.params.id, actorOf(request));
    const values = form.values ?? {};
    return reply.status(form.errors ? 400 : 200).view('consortia/ratings/views/rating.njk', {
      title: `Rate the lead of ${consortium.name}`,
      consortium,
      completed,
      rated: organisations
        .filter((organisation) => organisation.rating)
        .map((organisation) => ({ ...organisation, label: STAR_LABELS[organisation.rating?.stars ?? 0] })),
      unrated: organisations.filter((organisation) => !organisation.rating),
      starItems: starItems(values.stars),
      values,
      errors: form.errors,
    });
  };

  app.get<IdParams>('/consortia/:id/rating', signedIn, async (request, reply) => show(request, reply));

  app.post<IdParams>('/consortia/:id/rating', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(ratingSchema, request.body);
    if (!form.ok) return show(request, reply, { values, errors: form.errors });
    try {
      const { lead } = await ratings.rate(request.params.id, form.data, actorOf(request));
      setFlash(reply, `Thank you. Your rating of ${lead} has been recorded and shows on its profile.`);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return show(request, reply, { values, errors: formErrors([[error.field ?? 'stars', error.message]]) });
    }
    return reply.redirect(paths.consortia.show({ id: request.params.id }), 303);
  });
};
