import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import type { FormErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { policies } from '../../platform/policies.ts';
import { FRAMEWORK_JSON_EXAMPLE } from './framework.example.ts';
import { type FileProblem, MAX_FILE_BYTES, MAX_MEASURES } from './framework.schema.ts';
import {
  currentFrameworkVersion,
  describeFrameworkImport,
  type FrameworkImportResult,
  importFramework,
} from './framework.service.ts';
import { CSV_COLUMNS } from './framework-csv.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;
const VIEW = 'impact/views/framework-import.njk';
const TITLE = 'Import an impact framework';
/** Problems shown on the page; the rest are counted, so a badly broken file still makes a usable page. */
const SHOWN_PROBLEMS = 200;

const uploadSchema = z.object({
  file: z.object({ fileName: z.string().min(1), content: z.instanceof(Buffer) }),
});

// Kept with the file's name: its extension says which format it is, and the audit entry names it.
async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

/** The hub admin's import of a new framework version, as JSON or CSV. */
export const impactFrameworkAdminModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  // Only in this plugin's scope. 'keyValues' puts the CSRF field on the body, where the global CSRF check looks.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 5, parts: 6 },
  });

  // Refused before the body is read, so that nobody else can fill memory with an upload.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || policies.hubAdmin({ user: request.user, params: {} })) return;
    if (request.user) throw new HttpError(403, 'You do not have permission to do this');
    throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
  });

  const page = async (
    reply: FastifyReply,
    context: { errors?: FormErrors; located?: FileProblem[]; more?: number } = {},
  ) =>
    reply.view(VIEW, {
      title: TITLE,
      current: await currentFrameworkVersion(database),
      columns: CSV_COLUMNS,
      example: FRAMEWORK_JSON_EXAMPLE,
      maxMegabytes: MAX_FILE_BYTES / 1024 / 1024,
      maxMeasures: MAX_MEASURES.toLocaleString('en-GB'),
      ...context,
    });

  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text =
      error.code === 'FST_FILES_LIMIT'
        ? 'Select one file'
        : `The selected file must be smaller than ${MAX_FILE_BYTES / 1024 / 1024} MB`;
    return page(reply.status(413), { errors: fileErrors([text]) });
  });

  app.get(paths.admin.impactFramework(), hubAdmin, async (_request, reply) => page(reply));

  app.post(paths.admin.impactFramework(), hubAdmin, async (request, reply) => {
    const upload = uploadSchema.safeParse(request.body ?? {});
    if (!upload.success) return page(reply.status(400), { errors: fileErrors(['Select a JSON or CSV file']) });
    const result = await importFramework(database, upload.data.file, {
      userId: request.user?.id ?? null,
      ip: request.ip,
    });
    if (!result.ok) return page(reply.status(400), rejection(result));
    setFlash(reply, describeFrameworkImport(result));
    return reply.redirect(paths.admin.impactFramework(), 303);
  });
};

function fileErrors(messages: string[]): FormErrors {
  return {
    list: messages.map((text) => ({ text, href: '#file' })),
    fields: { file: { text: messages.join('. ') } },
  };
}

function rejection(result: Extract<FrameworkImportResult, { ok: false }>) {
  if (result.located.length === 0) return { errors: fileErrors(result.problems) };
  const count = result.located.length;
  const text = `The file has ${count} ${count === 1 ? 'problem' : 'problems'} to correct. Nothing has been imported`;
  return {
    errors: {
      list: [{ text, href: '#file-problems' }],
      fields: { file: { text: `${text}: correct the problems listed below, then upload the file again` } },
    },
    located: result.located.slice(0, SHOWN_PROBLEMS),
    more: Math.max(0, count - SHOWN_PROBLEMS),
  };
}
