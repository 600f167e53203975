import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleOptions } from '../../app.ts';
import { HttpError } from '../../platform/errors.ts';
import { setFlash } from '../../platform/flash.ts';
import { type FormErrors, formErrors, keptValues, parseForm } from '../../platform/forms.ts';
import { paths } from '../../platform/paths.ts';
import { sendAttachment } from '../opportunities/documents/document-types.ts';
import { contractActor, contractPage, resultPage } from './contracts.page.ts';
import { RuleError } from './contracts.rules.ts';
import { contractsService } from './contracts.service.ts';
import {
  commitmentSchema,
  contractSchema,
  correctionSchema,
  querySchema,
  verificationSchema,
} from './ledger.schema.ts';
import { socialValueService } from './social-value.service.ts';

type IdParams = { Params: { id: string } };
type ResultParams = { Params: { id: string; resultId: string } };
type CommitmentParams = { Params: { id: string; commitmentId: string } };
const view = (name: string) => `ledger/views/${name}.njk`;
// The services decide who may act on a contract (its buyer's officers or its deliverer's members); everyone
// else gets 404, so the routes only need someone signed in.
const signedIn = { config: { policy: 'signedIn' } } as const;
const buying = { config: { policy: 'buyingStaff' } } as const;
const query = (request: FastifyRequest, name: string) =>
  String((request.query as Record<string, unknown> | undefined)?.[name] ?? '').slice(0, 200);

/** Contracts and their commitments, and the buyer's queries and verifications of results. */
export const contractsModule: FastifyPluginAsync<ModuleOptions> = async (app, { database }) => {
  const contracts = contractsService({ database });
  const socialValue = socialValueService({ database });

  const showContract = async (
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
    extra: { errors?: FormErrors; commitmentValues?: Record<string, string> } = {},
  ) => {
    const page = await contractPage(database, contracts, request.params.id, contractActor(request));
    return reply.status(extra.errors ? 400 : 200).view(view('contract'), { ...page, commitmentValues: {}, ...extra });
  };
  const showResult = async (
    request: FastifyRequest<ResultParams>,
    reply: FastifyReply,
    extra: { errors?: FormErrors; values?: Record<string, string> } = {},
  ) => {
    const page = await contractPage(database, contracts, request.params.id, contractActor(request));
    return reply
      .status(extra.errors ? 400 : 200)
      .view(view('result'), { ...resultPage(page, request.params.resultId), values: {}, ...extra });
  };

  app.get(paths.contracts.index(), signedIn, async (request, reply) => {
    const rows = await contracts.listMine(contractActor(request));
    return reply.view(view('index'), {
      title: 'Contracts',
      contracts: rows,
      canEnter: contractActor(request).buyingStaff,
    });
  });

  const newPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FormErrors,
  ) => {
    const actor = contractActor(request);
    const q = query(request, 'q') || values.q || '';
    const [bodies, suppliers] = await Promise.all([contracts.buyerOptions(actor.userId), contracts.findSuppliers(q)]);
    return reply
      .status(errors ? 400 : 200)
      .view(view('new'), { title: 'Enter a contract', bodies, suppliers, q, values, errors });
  };
  app.get(paths.contracts.new(), buying, async (request, reply) => newPage(request, reply, {}));
  app.post(paths.contracts.new(), buying, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(contractSchema, request.body);
    if (!form.ok) return newPage(request, reply, values, form.errors);
    try {
      const contract = await contracts.create(form.data, contractActor(request));
      setFlash(reply, `“${contract.title}” has been entered. Add its social value commitments below.`);
      return reply.redirect(paths.contracts.show({ id: contract.id }), 303);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return newPage(request, reply, values, formErrors([['supplierOrganisationId', error.message]]));
    }
  });

  app.get<IdParams>('/contracts/:id', signedIn, async (request, reply) => showContract(request, reply));

  app.post<IdParams>('/contracts/:id/publish', signedIn, async (request, reply) => {
    try {
      await contracts.publish(request.params.id, contractActor(request));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return showContract(request, reply, { errors: formErrors([['publish', error.message]]) });
    }
    setFlash(reply, 'The contract has been published: its commitments and results are now public.');
    return reply.redirect(paths.contracts.show({ id: request.params.id }), 303);
  });

  app.post<IdParams>('/contracts/:id/commitments', signedIn, async (request, reply) => {
    const commitmentValues = keptValues(request.body);
    const form = parseForm(commitmentSchema, request.body);
    if (!form.ok) return showContract(request, reply, { errors: form.errors, commitmentValues });
    try {
      await socialValue.addCommitment(request.params.id, form.data, contractActor(request));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return showContract(request, reply, { errors: formErrors([['measureId', error.message]]), commitmentValues });
    }
    setFlash(reply, 'The commitment has been recorded in the ledger.');
    return reply.redirect(`${paths.contracts.show({ id: request.params.id })}#commitments`, 303);
  });

  const correctPage = async (
    request: FastifyRequest<CommitmentParams>,
    reply: FastifyReply,
    values: Record<string, string> | null,
    errors?: FormErrors,
  ) => {
    const page = await contractPage(database, contracts, request.params.id, contractActor(request));
    const commitment = page.currentCommitments.find((row) => row.id === request.params.commitmentId);
    if (!commitment || !page.roles.isBuyerStaff)
      throw new HttpError(404, 'Page not found', 'There is no commitment to correct at this address.');
    const start = values ?? {
      measureId: commitment.measureId,
      targetQuantity: commitment.targetQuantity,
      reportingPeriod: commitment.reportingPeriod,
    };
    return reply.status(errors ? 400 : 200).view(view('correct'), {
      ...page,
      title: `Correct the commitment to ${commitment.measureTitle}`,
      commitment,
      values: start,
      errors,
    });
  };
  app.get<CommitmentParams>('/contracts/:id/commitments/:commitmentId/correct', signedIn, async (request, reply) =>
    correctPage(request, reply, null),
  );
  app.post<CommitmentParams>('/contracts/:id/commitments/:commitmentId/correct', signedIn, async (request, reply) => {
    const values = keptValues(request.body);
    const form = parseForm(correctionSchema, request.body);
    if (!form.ok) return correctPage(request, reply, values, form.errors);
    try {
      await socialValue.correctCommitment(
        request.params.id,
        request.params.commitmentId,
        form.data,
        contractActor(request),
      );
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return correctPage(request, reply, values, formErrors([['measureId', error.message]]));
    }
    setFlash(reply, 'The correction has been recorded in the ledger. The old commitment stays in its history.');
    return reply.redirect(`${paths.contracts.show({ id: request.params.id })}#commitments`, 303);
  });

  app.get<ResultParams>('/contracts/:id/results/:resultId', signedIn, async (request, reply) =>
    showResult(request, reply),
  );

  app.post<ResultParams>('/contracts/:id/results/:resultId/query', signedIn, async (request, reply) => {
    const form = parseForm(querySchema, request.body);
    const values = keptValues(request.body);
    if (!form.ok) return showResult(request, reply, { errors: form.errors, values });
    try {
      await socialValue.query(request.params.id, request.params.resultId, form.data.message, contractActor(request));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return showResult(request, reply, { errors: formErrors([['message', error.message]]), values });
    }
    setFlash(reply, 'Your query has been sent to the deliverer.');
    return reply.redirect(paths.contracts.result(request.params), 303);
  });

  app.post<ResultParams>('/contracts/:id/results/:resultId/verify', signedIn, async (request, reply) => {
    const form = parseForm(verificationSchema, request.body);
    const values = keptValues(request.body);
    if (!form.ok) return showResult(request, reply, { errors: form.errors, values });
    try {
      await socialValue.verify(request.params.id, request.params.resultId, form.data.note, contractActor(request));
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      return showResult(request, reply, { errors: formErrors([['note', error.message]]), values });
    }
    setFlash(reply, 'The result has been verified.');
    return reply.redirect(paths.contracts.result(request.params), 303);
  });

  app.get<{ Params: { id: string; evidenceId: string } }>(
    '/contracts/:id/evidence/:evidenceId',
    signedIn,
    async (request, reply) => {
      const file = await socialValue.evidenceFile(request.params.id, request.params.evidenceId, contractActor(request));
      return sendAttachment(reply, file);
    },
  );
};
