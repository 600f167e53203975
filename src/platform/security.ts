import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { HttpError, sendProblem, wantsJson } from './errors.ts';
import { paths } from './paths.ts';
import { isPolicyName, policies } from './policies.ts';
import { type CurrentUser, findCurrentUser, SESSION_COOKIE, SESSION_DAYS } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
  }
  interface FastifyInstance {
    /** Every route with the policy it declares, for the authorisation test matrix. */
    routePolicies(): { method: string; url: string; policy: string | undefined; asset: boolean }[];
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionCookieOptions(config: Config) {
  return {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    // Lax, not strict: a person who follows an e-mailed link must arrive signed in.
    sameSite: 'lax' as const,
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  };
}

/** Security headers, cookies, CSRF, rate limits, the signed-in person and the policy check on every route. */
export async function registerSecurity(app: FastifyInstance, config: Config, database: Database): Promise<void> {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: config.baseUrl.startsWith('https:') ? [] : null,
      },
    },
    strictTransportSecurity: config.baseUrl.startsWith('https:'),
    referrerPolicy: { policy: 'same-origin' },
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'wc_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
  });
  await app.register(rateLimit, {
    global: false,
    // After the body is read, so that sign-in can be limited per e-mail address as well as per address.
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'Too many attempts', `You have tried too many times. Wait ${context.after} and try again.`),
  });

  // Kept as the route objects themselves: hooks in child plugins may still set the policy after this one runs.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.decorate('routePolicies', () =>
    routes
      .flatMap((route) =>
        [route.method].flat().map((method) => ({
          method,
          url: route.url,
          policy: route.config?.policy,
          asset: route.config?.asset === true,
        })),
      )
      .filter((route) => route.method !== 'HEAD'),
  );
  app.addHook('onReady', async () => {
    const missing = routes
      .filter((route) => !isPolicyName(route.config?.policy))
      .map((route) => `${route.method} ${route.url}`);
    if (missing.length > 0) throw new Error(`Every route needs a policy; these have none: ${missing.join(', ')}`);
  });

  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.asset) return;
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.user = await findCurrentUser(database.db, token);
  });

  app.addHook('preHandler', async (request, reply) => {
    const policy = request.routeOptions.config?.policy;
    if (!policy) return; // the not-found handler
    const allowed = policies[policy]({ user: request.user, params: request.params as Record<string, string> });
    if (!allowed) return refuse(request, reply);
    if (UNSAFE_METHODS.has(request.method))
      await new Promise<void>((resolve, reject) => {
        app.csrfProtection.call(app, request, reply, (error?: Error) => (error ? reject(error) : resolve()));
      });
  });
}

function refuse(request: FastifyRequest, reply: FastifyReply) {
  if (request.user) throw new HttpError(403, 'You do not have permission to do this');
  if (wantsJson(request)) return sendProblem(reply, 401, 'Sign in to use this part of the API.');
  // A page sends the person to sign in and back; a form post has nowhere sensible to come back to.
  if (request.method !== 'GET') throw new HttpError(401, 'You need to sign in', 'Sign in, then try again.');
  return reply.redirect(paths.account.signIn({ next: request.url }), 303);
}
