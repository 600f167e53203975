import Fastify from 'fastify';
import { createViewEnvironment } from '../src/platform/views.ts';

/**
 * The baseline the page benchmarks measure against: a bare Fastify server rendering the home page's
 * govuk-frontend layout at /, with no hooks, no session and no database. Returns its address.
 */
export async function startBarePage() {
  const views = createViewEnvironment();
  const bare = Fastify();
  bare.get('/', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(views.render('pages/views/home.njk', { title: 'Home', navigation: [] })),
  );
  const address = await bare.listen({ port: 0, host: '127.0.0.1' });
  return { address, close: () => bare.close() };
}
