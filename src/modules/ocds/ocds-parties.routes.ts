import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import type { Database } from '../../db/client.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { listUnmatchedParties, matchParty } from './ocds.repository.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;
const VIEW = 'ocds/views/parties.njk';
const SHOWN = 200;

const matchSchema = z.object({
  organisationId: z.uuid({ message: 'Enter the organisation’s id, like 3f2504e0-4f89-41d3-9a0c-0305e82c3301' }),
});
const partyParams = z.object({ ocid: z.string().min(1), partyId: z.string().min(1) });

async function page(
  reply: FastifyReply,
  database: Database,
  context: { errors?: FormErrors; failed?: { ocid: string; partyId: string }; values?: Record<string, string> } = {},
) {
  const { rows, total } = await listUnmatchedParties(database, SHOWN);
  return reply.view(VIEW, { title: 'Match OCDS parties to organisations', parties: rows, total, ...context });
}

/** Hub admins match buyers and suppliers from imported releases that the import could not match itself. */
export const ocdsPartiesModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  app.get(paths.admin.ocdsParties(), hubAdmin, async (_request, reply) => page(reply, database));

  app.post('/admin/ocds/parties/:ocid/:partyId', hubAdmin, async (request, reply) => {
    const params = partyParams.parse(request.params);
    const form = matchSchema.safeParse(request.body ?? {});
    if (!form.success) {
      const errors = formErrors(form.error.issues.map((issue) => ['organisationId', issue.message]));
      return page(reply.status(400), database, { errors, failed: params, values: keptValues(request.body) });
    }
    const outcome = await matchParty(
      database,
      { ...params, organisationId: form.data.organisationId },
      { userId: request.user?.id ?? null, ip: request.ip },
    );
    if (outcome === 'no party') throw new HttpError(404, 'Page not found', 'There is no such party to match.');
    if (outcome === 'no organisation') {
      const errors = formErrors([['organisationId', 'There is no organisation in the directory with that id']]);
      return page(reply.status(400), database, { errors, failed: params, values: keptValues(request.body) });
    }
    setFlash(reply, `Matched ${params.partyId} in ${params.ocid} to the organisation.`);
    return reply.redirect(paths.admin.ocdsParties(), 303);
  });
};
