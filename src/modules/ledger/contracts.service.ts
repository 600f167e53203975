import type { Database } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { opportunitiesService } from '../opportunities/opportunities.service.ts';
import * as repository from './contracts.repository.ts';
import { type Actor, RuleError, rolesOn } from './contracts.rules.ts';
import type { ContractInput } from './ledger.schema.ts';
import { publishOpenData } from './open-data.ts';

export const contractNotFound = () => new HttpError(404, 'Page not found', 'There is no contract at this address.');

/** Contracts: entered by a buyer's officers or made from an award, seen only by the buyer and the deliverer. */
export function contractsService({ database, now = () => new Date() }: { database: Database; now?: () => Date }) {
  const { db } = database;
  const opportunities = opportunitiesService({ database, now });

  const service = {
    /** The public bodies a person may enter contracts for. */
    buyerOptions: (userId: string) => opportunities.buyerOptions(userId),
    findSuppliers: (name: string) => opportunities.findSuppliers(name),

    /** The contract with the actor's roles on it; 404 for anyone who is neither its buyer nor its deliverer. */
    async findForActor(id: string, actor: Actor) {
      const found = isUuid(id) ? await repository.findContract(db, id) : undefined;
      if (!found) throw contractNotFound();
      const roles = rolesOn(found.contract, actor);
      if (!roles.canSee) throw contractNotFound();
      return { ...found, roles };
    },

    listMine: (actor: Actor) => repository.listContractsOf(db, [...actor.organisationIds]),

    async create(input: ContractInput, actor: Actor) {
      const bodies = await opportunities.buyerOptions(actor.userId);
      if (!actor.buyingStaff || !bodies.some((body) => body.id === input.buyerOrganisationId))
        throw new RuleError('Choose a public body you buy for.');
      const supplier = await repository.findSupplier(db, input.supplierOrganisationId);
      if (!supplier)
        throw new RuleError('Choose the supplier from the directory of voluntary and community organisations.');
      const framework = await repository.currentFrameworkVersion(db);
      if (!framework)
        throw new RuleError('There is no impact framework yet to measure commitments against. Ask a hub admin.');
      return db.transaction(async (tx) => {
        const contract = await repository.insertContract(tx, {
          ...input,
          frameworkVersionId: framework.id,
          createdBy: actor.userId,
        });
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'contract.create',
          subjectType: 'contract',
          subjectId: contract.id,
          details: { title: contract.title, supplierOrganisationId: supplier.id, frameworkVersionId: framework.id },
          ip: actor.ip,
        });
        return contract;
      });
    },

    /** From now on its commitments and results are public. Publishing cannot be undone: the record stays. */
    async publish(id: string, actor: Actor) {
      const { contract, roles } = await service.findForActor(id, actor);
      if (!roles.isBuyerStaff)
        throw new HttpError(403, 'You do not have permission to do this', "Only the buyer's officers can.");
      if (contract.publishedAt) throw new RuleError('The contract is already published.');
      await db.transaction(async (tx) => {
        const published = await repository.publishContract(tx, id, now());
        if (!published) throw new RuleError('The contract is already published.');
        await publishOpenData(tx, id, now());
        await recordAudit(tx, {
          actorUserId: actor.userId,
          action: 'contract.publish',
          subjectType: 'contract',
          subjectId: id,
          ip: actor.ip,
        });
      });
    },
  };
  return service;
}
