import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error meant for the person who made the request: its status, title and detail are shown as they are. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly title: string;
  readonly detail: string | undefined;
  constructor(statusCode: number, title: string, detail?: string) {
    super(detail ?? title);
    this.statusCode = statusCode;
    this.title = title;
    this.detail = detail;
  }
}

const titles: Record<number, string> = {
  400: 'There is a problem with the request',
  401: 'You need to sign in',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  405: 'Method not allowed',
  409: 'This has already been recorded',
  413: 'The upload is too large',
  415: 'The request is in a format we cannot read',
  429: 'Too many attempts',
  500: 'Sorry, there is a problem with the service',
  503: 'Sorry, the service is unavailable',
};

const JSON_PREFIXES = ['/api/', '/openreferral/'];

/** API and open-data routes answer problem details; everything else answers a page. */
export function wantsJson(request: FastifyRequest): boolean {
  return JSON_PREFIXES.some((prefix) => request.url.startsWith(prefix)) || request.url === '/health';
}

/** RFC 9457 problem details. */
export function sendProblem(
  reply: FastifyReply,
  status: number,
  detail?: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: titles[status] ?? 'Error',
      status,
      detail,
      instance: reply.request.url,
      ...extra,
    });
}

function describe(error: FastifyError | HttpError): { status: number; title: string; detail: string | undefined } {
  if (error instanceof HttpError) return { status: error.statusCode, title: error.title, detail: error.detail };
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  if (status >= 500 && error.code !== '23505')
    return { status, title: titles[status] ?? titles[500] ?? '', detail: undefined };
  // A unique constraint that a check before the write did not catch (two people at once): say so, plainly.
  if (error.code === '23505') {
    return {
      status: 409,
      title: 'This has already been recorded',
      detail: 'Someone else saved the same details a moment ago. Go back and check.',
    };
  }
  if (error.code?.startsWith('FST_CSRF')) {
    return {
      status: 403,
      title: 'This form has expired',
      detail: 'For your security, forms expire. Go back, reload the page and try again.',
    };
  }
  return { status, title: titles[status] ?? 'There is a problem', detail: error.message };
}

export function registerErrorPages(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | HttpError, request, reply) => {
    const { status, title, detail } = describe(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status, code: (error as FastifyError).code }, detail ?? title);
    if (wantsJson(request)) return sendProblem(reply, status, detail);
    return reply.status(status).view('errors/error.njk', { title, detail, status });
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (wantsJson(request)) return sendProblem(reply, 404, `Nothing is published at ${request.url}.`);
    return reply.status(404).view('errors/not-found.njk', { title: titles[404] });
  });
}
