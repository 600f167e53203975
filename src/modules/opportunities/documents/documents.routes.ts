import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { setFlash } from '../../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues, parseForm } from '../../../platform/forms.ts';
import { paths } from '../../../platform/paths.ts';
import { policies } from '../../../platform/policies.ts';
import { actorFrom } from '../opportunities.routes.ts';
import { RuleError } from '../opportunities.rules.ts';
import { opportunitiesService } from '../opportunities.service.ts';
import { showPage } from '../opportunities.show.ts';
import { MAX_DOCUMENT_BYTES, sendAttachment } from './document-types.ts';
import { documentsService } from './documents.service.ts';

type IdParams = { Params: { id: string } };
const questionSchema = z.object({
  question: z
    .string({ message: 'Enter your question' })
    .trim()
    .min(1, 'Enter your question')
    .max(2000, 'Your question must be 2,000 characters or fewer'),
});
const answerSchema = z.object({
  answer: z
    .string({ message: 'Enter the answer' })
    .trim()
    .min(1, 'Enter the answer')
    .max(5000, 'The answer must be 5,000 characters or fewer'),
});
const uploadSchema = z.object({ document: z.object({ fileName: z.string().min(1), content: z.instanceof(Buffer) }) });

// Kept with the file's name, without any folder a browser may send with it.
async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

/** Documents buyers attach to an opportunity, and clarification questions with their answers. */
export const opportunityDocumentsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const opportunities = opportunitiesService({ database });
  const service = documentsService({ database });
  // Only in this plugin's scope. 'keyValues' puts the CSRF field on the body, where the global check looks for it.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5, parts: 6 },
  });

  /** The opportunity's page again, with the problem beside its field and what was typed kept. */
  const pageWithErrors = async (request: FastifyRequest<IdParams>, reply: FastifyReply, errors: FormErrors) => {
    const page = await showPage(opportunities, request.params.id, request.user ? actorFrom(request) : null);
    return reply
      .status(Math.max(reply.statusCode, 400))
      .view('opportunities/views/show.njk', { ...page, questionValues: keptValues(request.body), errors });
  };

  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest<IdParams>, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text = error.code === 'FST_FILES_LIMIT' ? 'Select one file' : 'The selected file must be smaller than 10 MB';
    return pageWithErrors(request, reply.status(413), formErrors([['document', text]]));
  });

  app.post<IdParams>(
    '/opportunities/:id/documents',
    {
      config: { policy: 'buyingStaff' },
      // Refused before the upload is read, so that nobody else can make the server hold 10 MB.
      onRequest: async (request) => {
        if (policies.buyingStaff({ user: request.user, params: {} })) return;
        if (request.user) throw new HttpError(403, 'You do not have permission to do this');
        throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
      },
    },
    async (request, reply) => {
      const actor = actorFrom(request);
      await opportunities.findForBuyer(request.params.id, actor);
      const upload = uploadSchema.safeParse(request.body ?? {});
      if (!upload.success) return pageWithErrors(request, reply, formErrors([['document', 'Select a file']]));
      try {
        const document = await service.upload(request.params.id, upload.data.document, actor);
        setFlash(reply, `“${document.fileName}” has been added.`);
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        return pageWithErrors(request, reply, formErrors([['document', error.message]]));
      }
      return reply.redirect(`${paths.opportunities.show({ id: request.params.id })}#documents`, 303);
    },
  );

  app.get<{ Params: { id: string; documentId: string } }>(
    '/opportunities/:id/documents/:documentId',
    { config: { policy: 'public' } },
    async (request, reply) => {
      const viewer = request.user ? { organisationIds: [...request.user.memberships.keys()] } : null;
      const document = await service.download(request.params.id, request.params.documentId, viewer);
      return sendAttachment(reply, document);
    },
  );

  app.post<IdParams>('/opportunities/:id/questions', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const form = parseForm(questionSchema, request.body);
    if (!form.ok) return pageWithErrors(request, reply, form.errors);
    try {
      await service.ask(request.params.id, form.data.question, actorFrom(request));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return pageWithErrors(request, reply, formErrors([['question', error.message]]));
    }
    setFlash(reply, 'Your question has been sent to the buyer. Their answer will be published on this page.');
    return reply.redirect(`${paths.opportunities.show({ id: request.params.id })}#questions`, 303);
  });

  app.post<{ Params: { id: string; questionId: string } }>(
    '/opportunities/:id/questions/:questionId/answer',
    { config: { policy: 'buyingStaff' } },
    async (request, reply) => {
      const form = parseForm(answerSchema, request.body);
      if (!form.ok) {
        const errors = formErrors([[`answer-${request.params.questionId}`, form.errors.list[0]?.text ?? '']]);
        return pageWithErrors(request, reply, errors);
      }
      try {
        await service.answer(request.params.id, request.params.questionId, form.data.answer, actorFrom(request));
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        return pageWithErrors(request, reply, formErrors([['questions', error.message]]));
      }
      setFlash(reply, 'Your answer has been published.');
      return reply.redirect(`${paths.opportunities.show({ id: request.params.id })}#questions`, 303);
    },
  );
};
