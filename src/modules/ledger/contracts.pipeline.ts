import type { Executor } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import * as repository from './contracts.repository.ts';

/**
 * When an awarded opportunity is put under contract: one contract per award, measured against the current
 * framework version, inside the caller's transaction. Without any framework there is nothing to measure
 * commitments against, so no contract is made (buyers can enter it later, once a framework exists).
 */
export async function createContractsForAwards(
  tx: Executor,
  opportunityId: string,
  actor: { userId: string; ip: string },
): Promise<string[]> {
  const framework = await repository.currentFrameworkVersion(tx);
  if (!framework) return [];
  const made = await repository.insertContractsForAwards(tx, opportunityId, framework.id, actor.userId);
  for (const contract of made) {
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: 'contract.create',
      subjectType: 'contract',
      subjectId: contract.id,
      details: { opportunityId, awardId: contract.award_id, frameworkVersionId: framework.id },
      ip: actor.ip,
    });
  }
  return made.map((contract) => contract.id);
}
