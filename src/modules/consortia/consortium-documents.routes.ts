import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { RuleError } from '../ledger/contracts.rules.ts';
import { MAX_DOCUMENT_BYTES, sendAttachment } from '../opportunities/documents/document-types.ts';
import { type Actor, consortiaService } from './consortia.service.ts';
import { consortiumPage } from './consortium.page.ts';
import { consortiumDocuments } from './consortium-documents.ts';

type IdParams = { Params: { id: string } };
const uploadSchema = z.object({ document: z.object({ fileName: z.string().min(1), content: z.instanceof(Buffer) }) });
const signedIn = { config: { policy: 'signedIn' } } as const;

// Kept with the file's name, without any folder a browser may send with it.
async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
}

/** Documents in a consortium's private space. */
export const consortiumDocumentsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const consortia = consortiaService({ database });
  const documents = consortiumDocuments({ database, consortia });
  // Only in this plugin's scope. 'keyValues' puts the CSRF field on the body, where the global check looks for it.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 5, parts: 6 },
  });

  const pageWithErrors = async (request: FastifyRequest<IdParams>, reply: FastifyReply, errors: FormErrors) => {
    const page = await consortiumPage(database, consortia, request.params.id, actorOf(request), { find: '' });
    return reply
      .status(Math.max(reply.statusCode, 400))
      .view('consortia/views/show.njk', { values: {}, ...page, errors });
  };
  app.setErrorHandler(async (error: FastifyError, request: FastifyRequest<IdParams>, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text = error.code === 'FST_FILES_LIMIT' ? 'Select one file' : 'The selected file must be smaller than 10 MB';
    return pageWithErrors(request, reply.status(413), formErrors([['document', text]]));
  });

  app.post<IdParams>('/consortia/:id/documents', signedIn, async (request, reply) => {
    const actor = actorOf(request);
    const upload = uploadSchema.safeParse(request.body ?? {});
    if (!upload.success) {
      await consortia.load(request.params.id, actor); // others learn nothing, not even that a file is missing
      return pageWithErrors(request, reply, formErrors([['document', 'Select a file']]));
    }
    try {
      await documents.add(request.params.id, upload.data.document, actor);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return pageWithErrors(request, reply, formErrors([['document', error.message]]));
    }
    setFlash(reply, `“${upload.data.document.fileName}” has been added to the consortium’s documents.`);
    return reply.redirect(`${paths.consortia.show({ id: request.params.id })}#documents`, 303);
  });

  app.get<{ Params: { id: string; documentId: string } }>(
    '/consortia/:id/documents/:documentId',
    signedIn,
    async (request, reply) =>
      sendAttachment(reply, await documents.download(request.params.id, request.params.documentId, actorOf(request))),
  );
};
