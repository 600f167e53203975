import type { Database } from '../../../db/client.ts';
import { recordAuditSql } from '../../../platform/audit.ts';
import { HttpError } from '../../../platform/errors.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import type { Actor, ConsortiaService } from '../consortia.service.ts';
import { currentFairnessDefaults } from '../fairness-settings.ts';
import { checkCashflow } from './cashflow.check.ts';
import * as repository from './cashflow.repository.ts';
import type { ScheduleInput } from './cashflow.schema.ts';

// The cash-flow check is part of the private space: members see it, the lead's members record the schedule.
// Anyone else, including an organisation invited but not yet in, learns nothing, not even that it exists.

const notFound = () => new HttpError(404, 'Page not found', 'There is no consortium at this address.');

export function cashflowService({ database, consortia }: { database: Database; consortia: ConsortiaService }) {
  const asMember = async (id: string, actor: Actor) => {
    const loaded = await consortia.load(id, actor);
    if (!loaded.access.seesPrivate) throw notFound();
    return loaded;
  };

  return {
    asMember,

    /** The schedule in force, where the inputs come from, and each member's gap, or what is missing for it. */
    async check(id: string, actor: Actor) {
      const { consortium, access } = await asMember(id, actor);
      const [schedule, terms, members, defaults] = await Promise.all([
        repository.latestSchedule(database, id),
        repository.latestTerms(database, id),
        repository.memberWork(database, id),
        currentFairnessDefaults(database),
      ]);
      // What the contract is known to be, to start the form from: needed only until a schedule is recorded.
      const basis = schedule ? undefined : await repository.contractBasis(database, id);
      const maxShare = defaults.maxCashGapShareOfIncomeBasisPoints.value;
      const allocated = members.some((member) => member.cells > 0);
      const result = schedule && terms && allocated ? checkCashflow(schedule, terms, members, maxShare) : undefined;
      return { consortium, access, schedule, basis, terms, allocated, maxShareOfIncomeBasisPoints: maxShare, result };
    },

    /** Records a new version of the contract's payment schedule; the lead's members only. */
    async recordSchedule(id: string, input: ScheduleInput, actor: Actor) {
      const { consortium, access } = await asMember(id, actor);
      if (!access.isLead)
        throw new HttpError(403, 'You do not have permission to do this', 'Only the lead organisation’s members can.');
      if (consortium.status === 'withdrawn') throw new RuleError('The consortium has been withdrawn.');
      return database.transaction(async (tx) => {
        const version = await repository.insertSchedule(
          tx,
          id,
          {
            contract_value_pence: input.contractValue,
            periods: input.periods,
            period_length: input.periodLength,
            buyer_payment_days: input.buyerPaymentDays,
            results_basis_points: input.resultsPercent,
            results_lag_days: input.resultsLagDays,
          },
          actor.userId,
        );
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: 'consortium.payment_schedule',
          subjectType: 'consortium',
          subjectId: id,
          details: { version, ...input },
          ip: actor.ip,
        });
        return version;
      });
    },
  };
}
