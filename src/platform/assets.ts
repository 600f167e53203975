import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const root = path.resolve(import.meta.dirname, '../..');
const govuk = path.join(root, 'node_modules/govuk-frontend/dist/govuk');

/** GOV.UK Frontend's fonts, images and script, and our own stylesheet and script. Public, no session. */
export async function registerAssets(app: FastifyInstance): Promise<void> {
  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, policy: 'public', asset: true };
    });
    const cache = { maxAge: '1d', immutable: false };
    await assets.register(fastifyStatic, { root: path.join(govuk, 'assets'), prefix: '/assets/', ...cache });
    await assets.register(fastifyStatic, {
      root: govuk,
      prefix: '/govuk/',
      allowedPath: (pathName) => pathName === '/govuk-frontend.min.js',
      decorateReply: false,
      ...cache,
    });
    await assets.register(fastifyStatic, {
      root: path.join(root, 'public'),
      prefix: '/public/',
      decorateReply: false,
      ...cache,
    });
  });
}
