import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import type { FormErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { policies } from '../../platform/policies.ts';
import { MEGABYTE } from './ocds-file.ts';
import { describeOcdsImport, importOcds, type RejectedRelease } from './ocds-import.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;
const VIEW = 'ocds/views/import.njk';
const TITLE = 'Import OCDS releases';
/** Uploads are held in memory while they are checked; larger files go through the import-ocds command. */
export const UPLOAD_MAX_BYTES = 50 * MEGABYTE;
const TOO_LARGE = 'The selected file must be smaller than 50 MB. Import larger files with the import-ocds command';
const SHOWN_RELEASES = 200;

const uploadSchema = z.object({
  file: z.object({ fileName: z.string(), content: z.instanceof(Buffer) }).refine((file) => file.fileName !== '', {
    message: 'Select a JSON file',
  }),
});

async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

/** The hub admin's upload of OCDS releases, as the organisations import does it. */
export const ocdsImportModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  // 'keyValues' puts the CSRF field on the body, where the global CSRF check looks for it.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 5, parts: 6 },
  });

  // Refused before the body is read, so that a visitor cannot fill memory with an upload.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || policies.hubAdmin({ user: request.user, params: {} })) return;
    if (request.user) throw new HttpError(403, 'You do not have permission to do this');
    throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
  });

  const page = (
    reply: FastifyReply,
    context: { errors?: FormErrors; rejected?: RejectedRelease[]; more?: number } = {},
  ) => reply.view(VIEW, { title: TITLE, ...context });

  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text = error.code === 'FST_FILES_LIMIT' ? 'Select one JSON file' : TOO_LARGE;
    return page(reply.status(413), { errors: fileErrors([text]) });
  });

  app.get(paths.admin.imports.ocds(), hubAdmin, async (_request, reply) => page(reply));

  app.post(paths.admin.imports.ocds(), hubAdmin, async (request, reply) => {
    const upload = uploadSchema.safeParse(request.body ?? {});
    if (!upload.success) return page(reply.status(400), { errors: fileErrors(['Select a JSON file']) });
    const { fileName, content } = upload.data.file;
    const result = await importOcds(
      database,
      content,
      { userId: request.user?.id ?? null, ip: request.ip },
      { fileName, maxBytes: UPLOAD_MAX_BYTES },
    );
    if (!result.ok) return page(reply.status(400), { errors: fileErrors(result.problems) });
    if (result.rejected.length === 0) {
      setFlash(reply, describeOcdsImport(result));
      return reply.redirect(paths.admin.imports.ocds(), 303);
    }
    // The sound releases are stored; the page says so and lists the others.
    const count = result.rejected.length;
    const text = `${count} ${count === 1 ? 'release does' : 'releases do'} not meet the OCDS schema and ${count === 1 ? 'was' : 'were'} not imported`;
    return page(reply.status(400), {
      errors: {
        list: [{ text, href: '#rejected-releases' }],
        fields: { file: { text: `${describeOcdsImport(result)} ${text}` } },
      },
      rejected: result.rejected.slice(0, SHOWN_RELEASES),
      more: Math.max(0, count - SHOWN_RELEASES),
    });
  });
};

function fileErrors(messages: string[]): FormErrors {
  return {
    list: messages.map((text) => ({ text, href: '#file' })),
    fields: { file: { text: messages.join('. ') } },
  };
}
