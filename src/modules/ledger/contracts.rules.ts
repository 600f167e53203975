import type { Contract } from './ledger.tables.ts';

/** A broken rule, shown to the person beside the form field (when it names one) or action that broke it. */
export class RuleError extends Error {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** Who is acting: the organisations they belong to, and whether they hold a buying role. */
export type Actor = { userId: string; ip: string; organisationIds: readonly string[]; buyingStaff: boolean };

/** What someone may do with a contract. Nobody else sees it at all until it is published on the public pages. */
export function rolesOn(contract: Pick<Contract, 'buyerOrganisationId' | 'supplierOrganisationId'>, actor: Actor) {
  const ofBuyer = actor.organisationIds.includes(contract.buyerOrganisationId);
  const ofDeliverer = actor.organisationIds.includes(contract.supplierOrganisationId);
  return {
    canSee: ofBuyer || ofDeliverer,
    /** The buyer's commissioners and procurement officers: commitments, queries, verification, publishing. */
    isBuyerStaff: ofBuyer && actor.buyingStaff,
    /** The deliverer's members: results and answers to queries. */
    isDeliverer: ofDeliverer,
  };
}
export type ContractRoles = ReturnType<typeof rolesOn>;
