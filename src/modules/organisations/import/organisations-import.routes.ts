import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { setFlash } from '../../../platform/flash.ts';
import type { FormErrors } from '../../../platform/forms.ts';
import { paths } from '../../../platform/paths.ts';
import { policies } from '../../../platform/policies.ts';
import { COLUMNS, EXAMPLE_CSV, MAX_BYTES, MAX_ROWS } from './organisations-csv.ts';
import { describeImport, type ImportResult, importOrganisations } from './organisations-import.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;
const VIEW = 'organisations/views/import.njk';
const TITLE = 'Import organisations';
/** Rejected rows shown on the page; the rest are counted, so a badly broken file still makes a usable page. */
const SHOWN_ROWS = 200;

const uploadSchema = z.object({
  file: z.object({ fileName: z.string(), content: z.instanceof(Buffer) }).refine((file) => file.fileName !== '', {
    message: 'Select a CSV file',
  }),
});

// Kept with the file's name, which the audit entry and the confirmation give back.
async function onFile(part: MultipartFile) {
  const content = await part.toBuffer();
  part.value = { fileName: (part.filename.split(/[\\/]/).pop() ?? '').slice(0, 200), content };
}

/** The hub admin's CSV import of organisations. */
export const organisationsImportModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  // Only in this plugin's scope: nowhere else takes uploads. 'keyValues' puts the CSRF field on the body, where the
  // global CSRF check looks for it, and reads the whole upload (up to the limit) before that check runs.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    onFile,
    limits: { fileSize: MAX_BYTES, files: 1, fields: 5, parts: 6 },
  });

  // The policy check runs after the body is read; refusing an upload earlier keeps a visitor from filling memory.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || policies.hubAdmin({ user: request.user, params: {} })) return;
    if (request.user) throw new HttpError(403, 'You do not have permission to do this');
    throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
  });

  const page = (reply: FastifyReply, context: { errors?: FormErrors; rejected?: unknown[]; more?: number } = {}) =>
    reply.view(VIEW, {
      title: TITLE,
      columns: COLUMNS,
      example: EXAMPLE_CSV,
      maxRows: MAX_ROWS.toLocaleString('en-GB'),
      ...context,
    });

  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error.code !== 'FST_REQ_FILE_TOO_LARGE' && error.code !== 'FST_FILES_LIMIT') throw error;
    const text =
      error.code === 'FST_FILES_LIMIT' ? 'Select one CSV file' : 'The selected file must be smaller than 10 MB';
    return page(reply.status(413), { errors: fileErrors([text]) });
  });

  app.get(paths.admin.imports.organisations(), hubAdmin, async (_request, reply) => page(reply));

  app.post(paths.admin.imports.organisations(), hubAdmin, async (request, reply) => {
    const upload = uploadSchema.safeParse(request.body ?? {});
    if (!upload.success) return page(reply.status(400), { errors: fileErrors(['Select a CSV file']) });
    const { fileName, content } = upload.data.file;
    const result = await importOrganisations(
      database,
      content,
      { userId: request.user?.id ?? null, ip: request.ip },
      { fileName },
    );
    if (!result.ok) return page(reply.status(400), rejection(result));
    setFlash(reply, describeImport(result));
    return reply.redirect(paths.admin.imports.organisations(), 303);
  });
};

function fileErrors(messages: string[]): FormErrors {
  return {
    list: messages.map((text) => ({ text, href: '#file' })),
    fields: { file: { text: messages.join('. ') } },
  };
}

function rejection(result: Extract<ImportResult, { ok: false }>) {
  if (result.rejected.length === 0) return { errors: fileErrors(result.problems) };
  const count = result.rejected.length;
  const text = `${count} ${count === 1 ? 'row needs' : 'rows need'} correcting. Nothing has been imported`;
  return {
    errors: {
      list: [{ text, href: '#rejected-rows' }],
      fields: { file: { text: `${text}: correct the rows listed below, then upload the file again` } },
    },
    rejected: result.rejected.slice(0, SHOWN_ROWS),
    more: Math.max(0, count - SHOWN_ROWS),
  };
}
