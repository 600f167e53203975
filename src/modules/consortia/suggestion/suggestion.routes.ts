import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { keptValues, parseForm } from '../../../platform/forms.ts';
import { DEFAULT_OPTIONS } from './model.ts';
import { suggestionPage } from './suggestion.page.ts';
import { EXACT_TIME_LIMIT_SECONDS, suggestionQuerySchema } from './suggestion.schema.ts';
import { suggestionService, type Viewer } from './suggestion.service.ts';

type IdParams = { Params: { id: string } };
// The service decides who may see a suggestion; the route only needs someone signed in.
// Each suggestion reads the directory and searches it: a person asks for at most this many an hour.
const signedIn = {
  config: {
    policy: 'signedIn',
    rateLimit: {
      max: 120,
      timeWindow: '1 hour',
      keyGenerator: (request: FastifyRequest) => request.user?.id ?? request.ip,
    },
  },
} as const;

function viewerOf(request: FastifyRequest): Viewer {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { organisationIds: [...request.user.memberships.keys()] };
}

const DEFAULT_VALUES = {
  method: 'heuristic',
  maxMembers: String(DEFAULT_OPTIONS.maxMembers),
  minSharePercent: String(DEFAULT_OPTIONS.minSharePercent),
};

/** A suggested consortium for an opportunity, worked out from the directory each time the page is asked for. */
export const suggestionModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const suggestions = suggestionService({ database });
  app.addHook('onClose', async () => suggestions.close());

  app.get<IdParams>('/opportunities/:id/consortium-suggestion', signedIn, async (request, reply) => {
    const viewer = viewerOf(request);
    const form = parseForm(suggestionQuerySchema, request.query);
    const result = await suggestions.suggest(request.params.id, viewer, form.ok ? form.data : undefined);
    return reply.status(form.ok ? 200 : 400).view('consortia/suggestion/views/suggestion.njk', {
      ...suggestionPage(result),
      values: { ...DEFAULT_VALUES, ...keptValues(request.query) },
      timeLimit: EXACT_TIME_LIMIT_SECONDS,
      errors: form.ok ? undefined : form.errors,
    });
  });
};
