import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptFormValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import {
  declarationRows,
  districtOptions,
  measureOptions,
  presentDeclarations,
  presentResults,
} from './organisation-impact.presenter.ts';
import { parseDeclarations, resultSchema } from './organisation-impact.schema.ts';
import { type ImpactActor, ImpactRuleError, organisationImpactService } from './organisation-impact.service.ts';

type IdParams = { Params: { id: string } };
const view = (name: string) => `impact/views/${name}.njk`;
const member = { config: { policy: 'organisationMember' } } as const;
const admin = { config: { policy: 'organisationAdmin' } } as const;

const actorFrom = (request: FastifyRequest): ImpactActor => {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip };
};

/** An organisation's declared outcomes and yearly results: members read them, admins change them. */
export const organisationImpactModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const impact = organisationImpactService({ database });

  app.get<IdParams>('/organisations/:id/impact', member, async (request, reply) => {
    const organisation = await impact.organisation(request.params.id);
    const [declarations, results, version] = await Promise.all([
      impact.declarations(organisation.id),
      impact.results(organisation.id),
      impact.currentVersion(),
    ]);
    return reply.view(view('organisation-impact'), {
      title: `Impact of ${organisation.name}`,
      organisation,
      declared: presentDeclarations(declarations),
      results: presentResults(results, version),
      isAdmin: request.user?.memberships.get(organisation.id) === 'admin',
    });
  });

  const outcomesPage = async (
    reply: FastifyReply,
    organisationId: string,
    posted?: { values: Record<string, string | string[]>; errors: FormErrors },
  ) => {
    const organisation = await impact.organisation(organisationId);
    const [outcomes, declarations] = await Promise.all([
      impact.currentOutcomes(),
      impact.declarations(organisation.id),
    ]);
    const saved = new Map(declarations.map((item) => [item.outcomeCode, item]));
    const themes = declarationRows(
      outcomes,
      posted
        ? {
            kind: (_code, index) => String(posted.values[`kind-${index}`] ?? 'none'),
            districts: (_code, index) => [posted.values[`districts-${index}`] ?? []].flat(),
          }
        : {
            kind: (code) => saved.get(code)?.kind ?? 'none',
            districts: (code) => saved.get(code)?.districts ?? organisation.districts,
          },
    );
    return reply.status(posted ? 400 : 200).view(view('organisation-outcomes'), {
      title: `Outcomes ${organisation.name} delivers`,
      organisation,
      themes,
      districtOptions,
      errors: posted?.errors,
    });
  };

  app.get<IdParams>('/organisations/:id/impact/outcomes', admin, async (request, reply) =>
    outcomesPage(reply, request.params.id),
  );
  app.post<IdParams>('/organisations/:id/impact/outcomes', admin, async (request, reply) => {
    const organisation = await impact.organisation(request.params.id);
    const form = parseDeclarations(request.body, await impact.currentOutcomes());
    if (!form.ok)
      return outcomesPage(reply, organisation.id, { values: keptFormValues(request.body), errors: form.errors });
    const count = await impact.saveDeclarations(organisation.id, form.data, actorFrom(request));
    setFlash(
      reply,
      count
        ? `Your ${count === 1 ? 'outcome has' : `${count} outcomes have`} been saved.`
        : 'Your organisation now declares no outcomes.',
    );
    return reply.redirect(paths.organisationImpact.show({ id: organisation.id }), 303);
  });

  const resultsPage = async (
    reply: FastifyReply,
    organisationId: string,
    values: Record<string, string | string[]> = {},
    errors?: FormErrors,
  ) => {
    const organisation = await impact.organisation(organisationId);
    const [measures, results, version] = await Promise.all([
      impact.currentMeasures(),
      impact.results(organisation.id),
      impact.currentVersion(),
    ]);
    return reply.status(errors ? 400 : 200).view(view('organisation-results'), {
      title: `Report results for ${organisation.name}`,
      organisation,
      measureItems: measureOptions(measures, values.measureId),
      hasMeasures: measures.length > 0,
      results: presentResults(results, version),
      values,
      errors,
    });
  };

  app.get<IdParams>('/organisations/:id/impact/results', admin, async (request, reply) =>
    resultsPage(reply, request.params.id, { year: String(new Date().getUTCFullYear() - 1) }),
  );
  app.post<IdParams>('/organisations/:id/impact/results', admin, async (request, reply) => {
    const organisation = await impact.organisation(request.params.id);
    const values = keptFormValues(request.body);
    const form = parseForm(resultSchema, request.body);
    if (!form.ok) return resultsPage(reply, organisation.id, values, form.errors);
    try {
      const saved = await impact.recordResult(organisation.id, form.data, actorFrom(request));
      setFlash(
        reply,
        `${saved.created ? 'Recorded' : 'Updated'} ${saved.measure.title.toLowerCase()} for ${form.data.year}.`,
      );
    } catch (error) {
      if (!(error instanceof ImpactRuleError)) throw error;
      return resultsPage(reply, organisation.id, values, formErrors([['measureId', error.message]]));
    }
    return reply.redirect(paths.organisationImpact.results({ id: organisation.id }), 303);
  });

  app.post<IdParams>('/organisations/:id/impact/results/remove', admin, async (request, reply) => {
    const organisation = await impact.organisation(request.params.id);
    const resultId = String((request.body as { resultId?: unknown } | undefined)?.resultId ?? '');
    await impact.removeResult(organisation.id, resultId, actorFrom(request));
    setFlash(reply, 'The result has been removed.');
    return reply.redirect(paths.organisationImpact.results({ id: organisation.id }), 303);
  });
};
