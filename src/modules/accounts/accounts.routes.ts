import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { setFlash } from '../../platform/flash.ts';
import { formErrors, keptValues, parseForm } from '../../platform/forms.ts';
import { paths, safeNextPath } from '../../platform/paths.ts';
import { sessionCookieOptions } from '../../platform/security.ts';
import { SESSION_COOKIE } from '../../platform/sessions.ts';
import { organisationsService } from '../organisations/organisations.service.ts';
import {
  changePasswordSchema,
  emailOnlySchema,
  registerSchema,
  resetPasswordSchema,
  signInSchema,
} from './accounts.schema.ts';
import { accountsService } from './accounts.service.ts';

type TokenParams = { Params: { token: string } };

const publicPage = { policy: 'public' } as const;
const perAddressAndEmail = (request: FastifyRequest) => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return `${request.ip}|${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
};
const limits = {
  signIn: { max: 10, timeWindow: '15 minutes', keyGenerator: perAddressAndEmail },
  register: { max: 10, timeWindow: '1 hour' },
  sendsMail: { max: 5, timeWindow: '1 hour', keyGenerator: perAddressAndEmail },
};

const view = (name: string) => `accounts/views/${name}.njk`;

/** Register, confirm e-mail, sign in and out, reset and change passwords. */
export const accountsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer, config }) => {
  const accounts = accountsService({ database, mailer, baseUrl: config.baseUrl });
  const organisations = organisationsService({ database, mailer, baseUrl: config.baseUrl });
  const actor = (request: FastifyRequest) => ({ userId: request.user?.id ?? null, ip: request.ip });

  app.get(paths.account.register(), { config: publicPage }, async (_request, reply) =>
    reply.view(view('register'), { title: 'Create an account', values: {} }),
  );
  app.post(
    paths.account.register(),
    { config: { ...publicPage, rateLimit: limits.register } },
    async (request, reply) => {
      const form = parseForm(registerSchema, request.body);
      if (!form.ok) {
        return reply.status(400).view(view('register'), {
          title: 'Create an account',
          values: keptValues(request.body),
          errors: form.errors,
        });
      }
      await accounts.register(form.data, actor(request));
      return reply.redirect(paths.account.registered(), 303);
    },
  );
  app.get(paths.account.registered(), { config: publicPage }, async (_request, reply) =>
    reply.view(view('check-your-email'), { title: 'Check your email', purpose: 'register' }),
  );

  app.get<TokenParams>('/verify-email/:token', { config: publicPage }, async (request, reply) => {
    const verified = await accounts.verifyEmail(request.params.token, actor(request));
    if (!verified)
      return reply.status(400).view(view('link-invalid'), { title: 'This link has expired', purpose: 'verify' });
    setFlash(reply, 'Your email address is confirmed. You can now sign in.');
    return reply.redirect(paths.account.signIn(), 303);
  });
  app.get(paths.account.resendVerification(), { config: publicPage }, async (_request, reply) =>
    reply.view(view('resend-verification'), { title: 'Get a new confirmation link', values: {} }),
  );
  app.post(
    paths.account.resendVerification(),
    { config: { ...publicPage, rateLimit: limits.sendsMail } },
    async (request, reply) => {
      const form = parseForm(emailOnlySchema, request.body);
      if (!form.ok) {
        return reply.status(400).view(view('resend-verification'), {
          title: 'Get a new confirmation link',
          values: keptValues(request.body),
          errors: form.errors,
        });
      }
      await accounts.resendVerification(form.data.email);
      return reply.redirect(paths.account.registered(), 303);
    },
  );

  app.get<{ Querystring: { next?: string } }>(paths.account.signIn(), { config: publicPage }, async (request, reply) =>
    reply.view(view('sign-in'), { title: 'Sign in', values: { next: safeNextPath(request.query.next) ?? '' } }),
  );
  app.post(paths.account.signIn(), { config: { ...publicPage, rateLimit: limits.signIn } }, async (request, reply) => {
    const render = (errors: ReturnType<typeof formErrors>) =>
      reply.status(400).view(view('sign-in'), { title: 'Sign in', values: keptValues(request.body), errors });
    const form = parseForm(signInSchema, request.body);
    if (!form.ok) return render(form.errors);
    const result = await accounts.signIn(form.data.email, form.data.password, actor(request));
    if (!result.ok) {
      return render(
        result.reason === 'unverified'
          ? formErrors([
              [
                'email',
                'Confirm your email address before you sign in. Use the link we sent you, or get a new one below',
              ],
            ])
          : formErrors([['email', 'Enter a correct email address and password']]),
      ).header('x-sign-in-failure', result.reason);
    }
    reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions(config));
    return reply.redirect(safeNextPath(form.data.next) ?? paths.account.show(), 303);
  });

  app.post(paths.account.signOut(), { config: { policy: 'signedIn' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await accounts.signOut(token, actor(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(reply, 'You have signed out.');
    return reply.redirect(paths.account.signIn(), 303);
  });

  app.get(paths.account.forgotPassword(), { config: publicPage }, async (_request, reply) =>
    reply.view(view('forgot-password'), { title: 'Reset your password', values: {} }),
  );
  app.post(
    paths.account.forgotPassword(),
    { config: { ...publicPage, rateLimit: limits.sendsMail } },
    async (request, reply) => {
      const form = parseForm(emailOnlySchema, request.body);
      if (!form.ok) {
        return reply.status(400).view(view('forgot-password'), {
          title: 'Reset your password',
          values: keptValues(request.body),
          errors: form.errors,
        });
      }
      await accounts.requestPasswordReset(form.data.email);
      return reply.redirect(paths.account.forgotPasswordSent(), 303);
    },
  );
  app.get(paths.account.forgotPasswordSent(), { config: publicPage }, async (_request, reply) =>
    reply.view(view('check-your-email'), { title: 'Check your email', purpose: 'reset' }),
  );

  app.get<TokenParams>('/reset-password/:token', { config: publicPage }, async (request, reply) => {
    if (!(await accounts.isResetLinkUsable(request.params.token))) {
      return reply.status(400).view(view('link-invalid'), { title: 'This link has expired', purpose: 'reset' });
    }
    return reply.view(view('reset-password'), { title: 'Choose a new password', token: request.params.token });
  });
  app.post<TokenParams>(
    '/reset-password/:token',
    { config: { ...publicPage, rateLimit: limits.register } },
    async (request, reply) => {
      const form = parseForm(resetPasswordSchema, request.body);
      if (!form.ok) {
        return reply.status(400).view(view('reset-password'), {
          title: 'Choose a new password',
          token: request.params.token,
          errors: form.errors,
        });
      }
      if (!(await accounts.resetPassword(request.params.token, form.data.password, actor(request)))) {
        return reply.status(400).view(view('link-invalid'), { title: 'This link has expired', purpose: 'reset' });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      setFlash(reply, 'Your password has been reset. Sign in with your new password.');
      return reply.redirect(paths.account.signIn(), 303);
    },
  );

  app.get(paths.account.show(), { config: { policy: 'signedIn' } }, async (request, reply) =>
    reply.view(view('account'), {
      title: 'Your account',
      organisations: await organisations.organisationsOf(request.user?.id ?? ''),
    }),
  );
  app.get(paths.account.changePassword(), { config: { policy: 'signedIn' } }, async (_request, reply) =>
    reply.view(view('change-password'), { title: 'Change your password' }),
  );
  app.post(
    paths.account.changePassword(),
    { config: { policy: 'signedIn', rateLimit: limits.register } },
    async (request, reply) => {
      const render = (errors: ReturnType<typeof formErrors>) =>
        reply.status(400).view(view('change-password'), { title: 'Change your password', errors });
      const form = parseForm(changePasswordSchema, request.body);
      if (!form.ok) return render(form.errors);
      const user = request.user;
      if (!user) return render(formErrors([['currentPassword', 'Sign in again']]));
      const changed = await accounts.changePassword(
        user,
        form.data.currentPassword,
        form.data.password,
        actor(request),
      );
      if (!changed) return render(formErrors([['currentPassword', 'Your current password is not correct']]));
      setFlash(reply, 'Your password has been changed. You have been signed out on other devices.');
      return reply.redirect(paths.account.show(), 303);
    },
  );
};
