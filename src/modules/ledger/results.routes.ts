import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { MAX_DOCUMENT_BYTES } from '../opportunities/documents/document-types.ts';
import { contractActor, contractPage, resultPage } from './contracts.page.ts';
import { RuleError } from './contracts.rules.ts';
import { contractsService } from './contracts.service.ts';
import { responseSchema, resultSchema } from './ledger.schema.ts';
import { MAX_EVIDENCE_FILES, socialValueService, type Upload } from './social-value.service.ts';

type IdParams = { Params: { id: string } };
type ResultParams = { Params: { id: string; resultId: string } };
const view = (name: string) => `ledger/views/${name}.njk`;

// Kept with the file's name, without any folder a browser may send with it.
async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

/** The files posted as `evidence`; a file field left empty arrives as a nameless, empty part and is not a file. */
function uploadsFrom(body: unknown): Upload[] {
  const value = (body as { evidence?: unknown } | undefined)?.evidence;
  return [value ?? []]
    .flat()
    .filter(
      (item): item is Upload =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Upload).fileName === 'string' &&
        Buffer.isBuffer((item as Upload).content) &&
        ((item as Upload).fileName !== '' || (item as Upload).content.length > 0),
    );
}

/** The deliverer's results with evidence files, and their answers to queries: the forms that carry files. */
export const contractResultsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const contracts = contractsService({ database });
  const socialValue = socialValueService({ database });
  // Only in this plugin's scope. 'keyValues' puts the CSRF field on the body, where the global check looks for it.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: MAX_EVIDENCE_FILES, fields: 10, parts: 16 },
  });
  // Refused before the upload is read, so that nobody signed out can make the server hold the files.
  const signedInFirst = {
    config: { policy: 'signedIn' as const },
    onRequest: async (request: FastifyRequest) => {
      if (!request.user) throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
    },
  };

  const newResultPage = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FormErrors,
  ) => {
    const page = await contractPage(database, contracts, request.params.id, contractActor(request));
    if (!page.roles.isDeliverer)
      throw new HttpError(403, 'You do not have permission to do this', 'Only the deliverer’s members submit results.');
    return reply
      .status(errors ? Math.max(reply.statusCode, 400) : 200)
      .view(view('new-result'), { ...page, title: `Submit a result for “${page.contract.title}”`, values, errors });
  };
  const respondPage = async (
    request: FastifyRequest<ResultParams>,
    reply: FastifyReply,
    values: Record<string, string>,
    errors: FormErrors,
  ) => {
    const page = await contractPage(database, contracts, request.params.id, contractActor(request));
    return reply
      .status(Math.max(reply.statusCode, 400))
      .view(view('result'), { ...resultPage(page, request.params.resultId), values, errors });
  };

  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest<ResultParams>, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text =
      error.code === 'FST_FILES_LIMIT'
        ? `Attach up to ${MAX_EVIDENCE_FILES} files`
        : 'Each file must be smaller than 10 MB';
    const errors = formErrors([['evidence', text]]);
    reply.status(413);
    return request.params.resultId
      ? respondPage(request, reply, {}, errors)
      : newResultPage(request, reply, {}, errors);
  });

  app.get<IdParams>('/contracts/:id/results/new', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const commitmentId = String((request.query as { commitment?: unknown } | undefined)?.commitment ?? '');
    return newResultPage(request, reply, { commitmentId });
  });

  app.post<IdParams>('/contracts/:id/results', signedInFirst, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(resultSchema, request.body);
    if (!form.ok) return newResultPage(request, reply, values, form.errors);
    try {
      const resultId = await socialValue.submitResult(
        request.params.id,
        form.data,
        uploadsFrom(request.body),
        contractActor(request),
      );
      setFlash(reply, 'Your result has been recorded in the ledger and sent to the buyer to verify.');
      return reply.redirect(paths.contracts.result({ id: request.params.id, resultId }), 303);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const field = error.field ?? 'commitmentId';
      return newResultPage(request, reply, values, formErrors([[field, error.message]]));
    }
  });

  app.post<ResultParams>('/contracts/:id/results/:resultId/respond', signedInFirst, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(responseSchema, request.body);
    if (!form.ok) return respondPage(request, reply, values, form.errors);
    try {
      await socialValue.respond(
        request.params.id,
        request.params.resultId,
        form.data,
        uploadsFrom(request.body),
        contractActor(request),
      );
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      const field = error.field ?? 'message';
      return respondPage(request, reply, values, formErrors([[field, error.message]]));
    }
    setFlash(reply, 'Your answer and resubmitted result have been sent to the buyer.');
    return reply.redirect(paths.contracts.result(request.params), 303);
  });
};
