import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, keptFormValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import {
  currentFairnessDefaults,
  fairnessSettingsSchema,
  formValuesOf,
  saveFairnessValues,
  TIER_OPTIONS,
} from './fairness-settings.ts';
import { REFERRAL_ALLOCATION_LABELS, REFERRAL_ALLOCATIONS } from './terms/index.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;

/** The hub admin sets where the fair-terms checks draw their lines; each line keeps its reason on the page. */
export const fairnessSettingsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const page = async (reply: FastifyReply, values?: Record<string, unknown>, errors?: FormErrors) => {
    const defaults = await currentFairnessDefaults(database);
    return reply.status(errors ? 400 : 200).view('consortia/views/fairness-settings.njk', {
      title: 'Fair terms for consortia',
      defaults,
      values: values ?? formValuesOf(defaults),
      tiers: TIER_OPTIONS,
      referralAllocations: REFERRAL_ALLOCATIONS.map((value) => ({ value, ...REFERRAL_ALLOCATION_LABELS[value] })),
      errors,
    });
  };
  app.get(paths.admin.fairness(), hubAdmin, async (_request, reply) => page(reply));
  app.post(paths.admin.fairness(), hubAdmin, async (request: FastifyRequest, reply) => {
    const form = parseForm(fairnessSettingsSchema, request.body);
    if (!form.ok) return page(reply, keptFormValues(request.body), form.errors);
    if (!request.user) throw new HttpError(401, 'You need to sign in');
    const actor = { userId: request.user.id, ip: request.ip };
    await database.transaction((tx) => saveFairnessValues(tx, form.data, actor));
    setFlash(reply, 'The defaults for fair terms have been saved. New terms are checked against them.');
    return reply.redirect(paths.admin.fairness(), 303);
  });
};
