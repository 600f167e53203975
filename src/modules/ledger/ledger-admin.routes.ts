import type { FastifyPluginAsync } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { recordAudit } from '../../platform/audit.ts';
import { paths } from '../../platform/paths.ts';
import { verifyLedger } from './ledger.verify.ts';

const hubAdmin = { config: { policy: 'hubAdmin' } } as const;

/** The hub admin's check of the whole ledger: the same verification as `verify-ledger`, from a button. */
export const ledgerAdminModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  app.get(paths.admin.ledger(), hubAdmin, async (_request, reply) =>
    reply.view('ledger/views/admin-ledger.njk', { title: 'Social value ledger' }),
  );

  app.post(paths.admin.ledger(), hubAdmin, async (request, reply) => {
    const started = performance.now();
    const verification = await verifyLedger(database);
    const milliseconds = Math.round(performance.now() - started);
    await recordAudit(database.db, {
      actorUserId: request.user?.id ?? null,
      action: 'ledger.verify',
      subjectType: 'ledger',
      details: verification.holds
        ? { holds: true, entries: verification.entries, evidenceFiles: verification.evidenceFiles, milliseconds }
        : { holds: false, entries: verification.entries, problem: verification.problem, milliseconds },
      ip: request.ip,
    });
    return reply.view('ledger/views/admin-ledger.njk', {
      title: verification.holds ? 'The ledger holds' : 'The ledger is broken',
      verification,
      milliseconds,
      checkedAt: new Date(),
    });
  });
};
