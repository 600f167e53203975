import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { formErrors } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { GLOBAL_ROLES } from '../../platform/sessions.ts';
import { adminService } from './admin.service.ts';

type IdParams = { Params: { id: string } };

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;
const view = (name: string) => `admin/views/${name}.njk`;
const uuid = z.uuid();
const usersQuery = z.object({ q: z.string().trim().max(200).catch('') });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(1_000_000).catch(1) });
const rolesForm = z.object({
  roles: z
    .union([z.enum(GLOBAL_ROLES), z.array(z.enum(GLOBAL_ROLES))], { message: 'Select roles from the list' })
    .optional()
    .transform((value) => [value ?? []].flat()),
});

/** The hub admin's pages: people and roles, the audit log, and the mail outbox. */
export const adminModule: FastifyPluginAsync<ModuleOptions> = async (app, { database, mailer }) => {
  const admin = adminService({ database });
  const userFrom = async (id: string) => {
    const user = uuid.safeParse(id).success ? await admin.userWithRoles(id) : undefined;
    if (!user) throw new HttpError(404, 'Page not found', 'There is no person at this address.');
    return user;
  };

  app.get(paths.admin.index(), hubAdmin, async (_request, reply) =>
    reply.view(view('index'), { title: 'Hub admin', mailKind: mailer.kind }),
  );

  app.get(paths.admin.users(), hubAdmin, async (request, reply) => {
    const { q } = usersQuery.parse(request.query);
    return reply.view(view('users'), { title: 'People and roles', q, users: await admin.searchUsers(q) });
  });

  app.get<IdParams>('/admin/users/:id/roles', hubAdmin, async (request, reply) => {
    const person = await userFrom(request.params.id);
    return reply.view(view('roles'), { title: `Roles for ${person.displayName}`, person, roles: GLOBAL_ROLES });
  });
  app.post<IdParams>('/admin/users/:id/roles', hubAdmin, async (request, reply) => {
    const person = await userFrom(request.params.id);
    const form = rolesForm.safeParse(request.body ?? {});
    const selfDemotion = form.success && person.id === request.user?.id && !form.data.roles.includes('hub_admin');
    if (!form.success || selfDemotion) {
      const message = selfDemotion
        ? 'You cannot remove your own hub admin role. Ask another hub admin'
        : 'Select roles from the list';
      return reply.status(400).view(view('roles'), {
        title: `Roles for ${person.displayName}`,
        person,
        roles: GLOBAL_ROLES,
        errors: formErrors([['roles', message]]),
      });
    }
    const { granted, revoked } = await admin.setRoles(person.id, form.data.roles, {
      userId: request.user?.id ?? '',
      ip: request.ip,
    });
    setFlash(
      reply,
      granted.length + revoked.length ? `Roles for ${person.displayName} have been updated.` : 'Nothing changed.',
    );
    return reply.redirect(paths.admin.users({ q: person.email }), 303);
  });

  app.get(paths.admin.audit(), hubAdmin, async (request, reply) => {
    const { page } = pageQuery.parse(request.query);
    return reply.view(view('audit'), { title: 'Audit log', ...(await admin.auditPage(page)) });
  });

  app.get(paths.admin.outbox(), hubAdmin, async (_request, reply) =>
    reply.view(view('outbox'), { title: 'Outbox', mailKind: mailer.kind, ...(await admin.outbox()) }),
  );
  app.get<IdParams>('/admin/outbox/:id', hubAdmin, async (request, reply) => {
    const message = uuid.safeParse(request.params.id).success
      ? await admin.outboxMessage(request.params.id)
      : undefined;
    if (!message) throw new HttpError(404, 'Page not found', 'There is no message at this address.');
    return reply.view(view('message'), { title: message.subject, message });
  });
};
