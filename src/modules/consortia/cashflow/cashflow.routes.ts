import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../../app.ts';
import { HttpError } from '../../../platform/errors.ts';
import { setFlash } from '../../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues, parseForm } from '../../../platform/forms.ts';
import { paths } from '../../../platform/paths.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import { type Actor, consortiaService } from '../consortia.service.ts';
import { cashflowPage } from './cashflow.page.ts';
import type { PaymentSchedule } from './cashflow.repository.ts';
import { scheduleSchema } from './cashflow.schema.ts';
import { cashflowService } from './cashflow.service.ts';

type IdParams = { Params: { id: string } };
// The service decides who sees and records what; the route only needs someone signed in.
const signedIn = { config: { policy: 'signedIn' } } as const;

function actorOf(request: FastifyRequest): Actor {
  if (!request.user) throw new HttpError(401, 'You need to sign in');
  return { userId: request.user.id, ip: request.ip, organisationIds: [...request.user.memberships.keys()] };
}

const pounds = (pence: number) => (pence / 100).toFixed(2).replace(/\.00$/, '');

/**
 * The schedule in force, as the form shows it for the next version. Before there is one, what the contract is
 * known to be: its value (awarded, else advertised), monthly payments over its duration, and the buyer paying in
 * 30 days, as public bodies must under the Public Contracts Regulations 2015 (regulation 113).
 */
const formValuesOf = (
  schedule: PaymentSchedule | undefined,
  basis: { value_pence: number | null; duration_months: number | null } | undefined,
): Record<string, string> => {
  if (schedule)
    return {
      contractValue: pounds(schedule.contract_value_pence),
      periods: String(schedule.periods),
      periodLength: schedule.period_length,
      buyerPaymentDays: String(schedule.buyer_payment_days),
      resultsPercent: String(schedule.results_basis_points / 100),
      resultsLagDays: String(schedule.results_lag_days),
    };
  const months = basis?.duration_months ?? null;
  return {
    contractValue: basis?.value_pence ? pounds(basis.value_pence) : '',
    periods: months !== null && months >= 1 && months <= 120 ? String(months) : '',
    periodLength: 'monthly',
    buyerPaymentDays: '30',
    resultsPercent: '0',
    resultsLagDays: '0',
  };
};

/** Each member's cash gap from the contract's payment schedule, which the lead records. */
export const cashflowModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const cashflow = cashflowService({ database, consortia: consortiaService({ database }) });

  const show = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FormErrors } = {},
  ) => {
    const actor = actorOf(request);
    const check = await cashflow.check(request.params.id, actor);
    return reply.status(form.errors ? 400 : 200).view('consortia/cashflow/views/cashflow.njk', {
      ...cashflowPage(check, actor),
      values: form.values ?? formValuesOf(check.schedule, check.basis),
      prefilled: !form.values && !check.schedule && check.access.isLead,
      basisAwarded: check.basis?.awarded ?? false,
      errors: form.errors,
    });
  };

  app.get<IdParams>('/consortia/:id/cashflow', signedIn, async (request, reply) => show(request, reply));

  app.post<IdParams>('/consortia/:id/cashflow', signedIn, async (request, reply) => {
    const actor = actorOf(request);
    const values = keptValues(request.body);
    const form = parseForm(scheduleSchema, request.body);
    if (!form.ok) {
      // Only the lead learns what to fix; others get the same answer as for a good form.
      const { access } = await cashflow.asMember(request.params.id, actor);
      if (!access.isLead)
        throw new HttpError(403, 'You do not have permission to do this', 'Only the lead organisation’s members can.');
      return show(request, reply, { values, errors: form.errors });
    }
    try {
      const version = await cashflow.recordSchedule(request.params.id, form.data, actor);
      setFlash(reply, `The payment schedule has been recorded as version ${version}.`);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return show(request, reply, { values, errors: formErrors([[error.field ?? 'contractValue', error.message]]) });
    }
    return reply.redirect(paths.consortia.cashflow({ id: request.params.id }), 303);
  });
};
