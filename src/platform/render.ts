import type { FastifyInstance } from 'fastify';
import { takeFlash } from './flash.ts';
import { navigationFor } from './navigation.ts';
import { createViewEnvironment } from './views.ts';

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page in the service layout, with the nonce, CSRF token, person and navigation filled in. */
    view(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

export function registerRendering(app: FastifyInstance): void {
  const environment = createViewEnvironment();
  app.decorateReply('view', function view(template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const path = request.url.split('?')[0] ?? '/';
    // Made on first use: a page without a form sets no CSRF cookie and pays nothing for it.
    let csrfToken: string | undefined;
    const html = environment.render(template, {
      ...context,
      cspNonce: this.cspNonce?.script,
      csrfToken: () => {
        csrfToken ??= this.generateCsrf();
        return csrfToken;
      },
      flash: takeFlash(request, this),
      user: request.user,
      navigation: navigationFor(request.user, path),
      currentPath: path,
    });
    return this.type('text/html; charset=utf-8').send(html);
  });
}
