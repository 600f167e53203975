import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { paths } from '../../platform/paths.ts';

const HEALTH_TIMEOUT_MS = 2000;

/** The home page, the service's own pages (accessibility, privacy, cookies) and the health check. */
export const pagesModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const publicPage = { config: { policy: 'public' } } as const;

  app.get(paths.home(), publicPage, async (_request, reply) => reply.view('pages/views/home.njk', { title: 'Home' }));
  app.get(paths.accessibility(), publicPage, async (_request, reply) =>
    reply.view('pages/views/accessibility.njk', { title: 'Accessibility statement' }),
  );
  app.get(paths.privacy(), publicPage, async (_request, reply) =>
    reply.view('pages/views/privacy.njk', { title: 'Privacy notice' }),
  );
  app.get(paths.cookies(), publicPage, async (_request, reply) =>
    reply.view('pages/views/cookies.njk', { title: 'Cookies' }),
  );

  app.get(paths.health(), publicPage, async (_request, reply) => {
    try {
      await Promise.race([
        database.query('SELECT 1'),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), HEALTH_TIMEOUT_MS).unref()),
      ]);
      return reply.send({ status: 'ok', database: database.kind });
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: database.kind });
    }
  });
};
