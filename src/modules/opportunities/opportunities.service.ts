import { randomUUID } from 'node:crypto';
import { type Database, type Executor, sqlRunnerOf } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import {
  biddingFor as consortiaBiddingFor,
  followAwarded as followAwardedConsortia,
  listedFor as listedConsortia,
  setStatus as setConsortiumStatus,
} from '../consortia/consortia.repository.ts';
import { activeRequestsFor as partnerRequestsFor } from '../consortia/partners/partners.repository.ts';
import { districts as allDistricts } from '../geography/geography.ts';
import { organisationImpactService } from '../impact/organisation-impact.service.ts';
import { createContractsForAwards } from '../ledger/contracts.pipeline.ts';
import { listDocuments, listQuestions } from './documents/documents.repository.ts';
import { ocidFor } from './opportunities.ocds.ts';
import { type Change, publishRelease } from './opportunities.publishing.ts';
import * as repository from './opportunities.repository.ts';
import {
  changedFields,
  checkEditable,
  checkPublishable,
  checkTransition,
  EDITABLE_FIELDS,
  lotsToAward,
  openLots,
  RuleError,
  snapshot,
  TRANSITIONS,
  type Transition,
} from './opportunities.rules.ts';
import type { LotInput, OpportunityInput, SearchInput } from './opportunities.schema.ts';
import type { Opportunity } from './opportunities.tables.ts';

/** Who is acting: the organisations they belong to decide what they may buy for. */
export type Actor = { userId: string; ip: string; organisationIds: readonly string[] };
/** Who is looking: nobody, or a signed-in person. */
export type Viewer = { organisationIds: readonly string[] } | null;
/** Who an award goes to, for how much each, and which lots it covers (none: every lot still open). */
export type AwardChoice = {
  supplierIds: string[];
  consortiumIds?: string[];
  valuePence: number | null;
  lotIds?: string[];
};

const notFound = () => new HttpError(404, 'Page not found', 'There is no opportunity at this address.');

/** The opportunity as it is now, its row locked until the transaction ends. */
async function lockedOpportunity(tx: Executor, id: string) {
  const opportunity = await repository.findOpportunityForUpdate(tx, id);
  if (!opportunity) throw notFound();
  return opportunity;
}
const notYours = () =>
  new HttpError(403, 'You do not have permission to do this', 'Only officers of the buying organisation can.');

const CONSORTIUM_STAGES: Partial<Record<Transition, 'delivering' | 'completed'>> = {
  contract: 'delivering',
  complete: 'completed',
  terminate: 'completed',
};

/**
 * A lot with no areas of its own is delivered in all of the opportunity's (all of Kent and Medway when it names
 * none), so that its lots and districts can be allocated to consortium members and suggested for.
 */
const lotAreas = (districts: string[], opportunity: Pick<Opportunity, 'districts'>) =>
  districts.length > 0
    ? districts
    : opportunity.districts.length > 0
      ? opportunity.districts
      : allDistricts.map((district) => district.code);

/**
 * An opportunity published without lots is bought as one lot: it is given that lot, named and valued as the
 * opportunity, so that consortia can allocate its districts and each award and contract can name what it covers.
 */
async function addWholeLot(tx: Executor, opportunity: Opportunity) {
  if (opportunity.kind !== 'opportunity') return;
  const lots = await repository.listLots(tx, opportunity.id);
  if (lots.length > 0) return;
  await repository.insertLot(tx, {
    opportunityId: opportunity.id,
    title: opportunity.title,
    description: 'The whole opportunity, which is not divided into lots.',
    valuePence: opportunity.valuePence,
    districts: lotAreas([], opportunity),
  });
}

export function opportunitiesService({ database, now = () => new Date() }: { database: Database; now?: () => Date }) {
  const { db } = database;
  const impact = organisationImpactService({ database });

  /** Outcomes newly asked for must be in the current framework; ones already saved may stay. */
  async function checkOutcomes(codes: readonly string[], saved: readonly string[] = []) {
    const unknown = await impact.unknownOutcomeCodes(codes.filter((code) => !saved.includes(code)));
    if (unknown.length) throw new RuleError(`Choose outcomes from the impact framework; not ${unknown.join(', ')}.`);
  }

  /** Writes the history entry and the OCDS release for one change, inside the caller's transaction. */
  async function recordChange(
    tx: Executor,
    opportunityId: string,
    change: Change,
    actor: Actor,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ) {
    await repository.insertHistory(tx, { opportunityId, actorUserId: actor.userId, change, before, after });
    await publishRelease(tx, opportunityId, change, now());
  }

  async function audit(tx: Executor, actor: Actor, action: string, id: string, details: Record<string, unknown>) {
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action,
      subjectType: 'opportunity',
      subjectId: id,
      details,
      ip: actor.ip,
    });
  }

  const service = {
    buyerOptions: (userId: string) => repository.publicBodiesOf(db, userId),

    /** An opportunity anyone may see: drafts only for the buyer's own officers. */
    async findVisible(id: string, viewer: Viewer) {
      const opportunity = isUuid(id) ? await repository.findOpportunity(db, id) : undefined;
      if (!opportunity) return undefined;
      if (opportunity.status === 'draft' && !viewer?.organisationIds.includes(opportunity.buyerOrganisationId))
        return undefined;
      return opportunity;
    },

    /** An opportunity the actor buys for; 404 when there is none, 403 when it is another body's. */
    async findForBuyer(id: string, actor: Actor) {
      const opportunity = await service.findVisible(id, actor);
      if (!opportunity) throw notFound();
      if (!actor.organisationIds.includes(opportunity.buyerOrganisationId)) throw notYours();
      return opportunity;
    },

    async details(opportunity: Opportunity & { outcomeCodes: string[] }) {
      const [lots, awards, history, outcomes] = await Promise.all([
        repository.listLots(db, opportunity.id),
        repository.listAwards(db, opportunity.id),
        repository.listHistory(db, opportunity.id),
        impact.outcomesNamed(opportunity.outcomeCodes),
      ]);
      return { lots, awards, history, outcomes };
    },

    /**
     * A document added once the opportunity is public is a change like any other: shown in its history and
     * published in a release, inside the caller's transaction.
     */
    async recordDocumentAdded(tx: Executor, opportunity: Opportunity, fileName: string, actor: Actor) {
      if (opportunity.status === 'draft') return;
      await recordChange(tx, opportunity.id, 'amend', actor, {}, { documentAdded: fileName });
    },

    /** The current framework's outcomes, for the form's checkboxes. */
    outcomeOptions: () => impact.currentOutcomes(),

    /**
     * Documents, clarification questions (every one for the buyer, answered ones for everyone else), the
     * consortia that have chosen to be listed as bidding for it, and organisations' requests for partners.
     */
    async extras(id: string, isBuyer: boolean) {
      const [documents, questions, consortia, partnerRequests] = await Promise.all([
        listDocuments(db, id),
        listQuestions(db, id, !isBuyer),
        listedConsortia(database, id),
        partnerRequestsFor(database, id),
      ]);
      return { documents, questions, consortia, partnerRequests };
    },

    async listMine(actor: Actor) {
      const bodies = await repository.publicBodiesOf(db, actor.userId);
      return {
        bodies,
        opportunities: await repository.listForBuyers(
          db,
          bodies.map((body) => body.id),
        ),
      };
    },

    search: (search: SearchInput, limit: number) => repository.searchPublished(db, search, limit),

    async create(buyerOrganisationId: string, input: OpportunityInput, actor: Actor) {
      const bodies = await repository.publicBodiesOf(db, actor.userId);
      if (!bodies.some((body) => body.id === buyerOrganisationId)) throw notYours();
      const { outcomeCodes, ...columns } = input;
      await checkOutcomes(outcomeCodes);
      const id = randomUUID();
      return db.transaction(async (tx) => {
        const row = await repository.insertOpportunity(tx, {
          ...columns,
          id,
          buyerOrganisationId,
          ocid: ocidFor(id),
          createdBy: actor.userId,
        });
        await repository.replaceOutcomes(tx, id, outcomeCodes);
        await audit(tx, actor, 'opportunity.create', id, { title: input.title, buyerOrganisationId, outcomeCodes });
        return row;
      });
    },

    /** Saves the fields that changed; after publication only some may, and each change is public history. */
    async update(id: string, input: Partial<OpportunityInput>, actor: Actor) {
      const opportunity = await service.findForBuyer(id, actor);
      const changed = changedFields(opportunity, input, EDITABLE_FIELDS);
      checkEditable(opportunity.status, changed);
      if (changed.length === 0) return changed;
      if (changed.includes('outcomeCodes')) await checkOutcomes(input.outcomeCodes ?? [], opportunity.outcomeCodes);
      const before = snapshot(opportunity, changed);
      const after = snapshot(input, changed);
      const { outcomeCodes, ...values } = Object.fromEntries(changed.map((field) => [field, input[field]]));
      await db.transaction(async (tx) => {
        await repository.updateOpportunity(tx, id, values);
        if (changed.includes('outcomeCodes'))
          await repository.replaceOutcomes(tx, id, (outcomeCodes ?? []) as string[]);
        if (opportunity.status !== 'draft') await recordChange(tx, id, 'amend', actor, before, after);
        await audit(tx, actor, 'opportunity.update', id, { changed, before, after });
      });
      return changed;
    },

    async addLot(id: string, input: LotInput, actor: Actor) {
      await service.findForBuyer(id, actor);
      return db.transaction(async (tx) => {
        // Under the lock: publishing meanwhile would otherwise leave a lot added after it.
        const opportunity = await lockedOpportunity(tx, id);
        if (opportunity.status !== 'draft')
          throw new RuleError('Lots can only be added while the opportunity is a draft.');
        const districts = lotAreas(input.districts, opportunity);
        const lot = await repository.insertLot(tx, { ...input, districts, opportunityId: id });
        await audit(tx, actor, 'opportunity.lot.add', id, { lotId: lot.id, title: lot.title });
        return lot;
      });
    },

    async removeLot(id: string, lotId: string, actor: Actor) {
      const opportunity = await service.findForBuyer(id, actor);
      if (opportunity.status !== 'draft')
        throw new RuleError('Lots can only be removed while the opportunity is a draft.');
      if (!isUuid(lotId)) throw notFound();
      await db.transaction(async (tx) => {
        const lot = await repository.deleteLot(tx, id, lotId);
        if (!lot) throw notFound();
        await audit(tx, actor, 'opportunity.lot.remove', id, { lotId, title: lot.title });
      });
    },

    /** Publish, close, contract, complete or terminate. Awards go through `award`, which names suppliers. */
    async transition(id: string, transition: Exclude<Transition, 'award'>, actor: Actor) {
      const opportunity = await service.findForBuyer(id, actor);
      checkTransition(opportunity, transition);
      if (transition === 'publish') checkPublishable(opportunity, now());
      const { to } = TRANSITIONS[transition];
      await db.transaction(async (tx) => {
        // Checked again under the lock, so that the same step sent twice at once is taken once.
        const current = await lockedOpportunity(tx, id);
        checkTransition(current, transition);
        if (transition === 'publish') await addWholeLot(tx, current);
        await repository.updateOpportunity(tx, id, {
          status: to,
          ...(transition === 'publish' ? { publicationDate: now() } : {}),
        });
        await recordChange(tx, id, transition, actor, { status: opportunity.status }, { status: to });
        await audit(tx, actor, `opportunity.${transition}`, id, { from: opportunity.status, to });
        // Each award becomes a contract whose social value is then recorded in the ledger.
        if (transition === 'contract') await createContractsForAwards(tx, id, actor);
        // A consortium awarded the work delivers it under contract; once it ends, members can rate the lead.
        const consortiumStage = CONSORTIUM_STAGES[transition];
        if (consortiumStage) await followAwardedConsortia(sqlRunnerOf(tx), id, consortiumStage);
      });
      return to;
    },

    /**
     * Awards the opportunity, or some of its lots, to directory organisations and to consortia that bid for it: a
     * consortium's award goes to its lead, the supplier, and its members are shown as subcontractors in the open
     * data. Lots not yet awarded can be awarded later, each award a change of its own.
     */
    async award(id: string, choice: AwardChoice, actor: Actor) {
      const { supplierIds, valuePence, consortiumIds = [] } = choice;
      await service.findForBuyer(id, actor);
      const unique = [...new Set(supplierIds)];
      const suppliers = await repository.organisationsWithIds(db, unique);
      if (suppliers.length !== unique.length || suppliers.some((supplier) => supplier.sector === 'public'))
        throw new RuleError('Choose suppliers from the directory of voluntary and community organisations.');
      await db.transaction(async (tx) => {
        // Under the opportunity's lock, so that two awards at once cannot both take the same lot or consortium.
        const current = await lockedOpportunity(tx, id);
        const bidding = await consortiaBiddingFor(sqlRunnerOf(tx), id);
        const consortia = bidding.filter((consortium) => consortiumIds.includes(consortium.id));
        if (consortia.length !== new Set(consortiumIds).size)
          throw new RuleError('Choose consortia from those that bid for this opportunity.');
        const twice = consortia.find((consortium) => unique.includes(consortium.lead_organisation_id));
        if (twice)
          throw new RuleError(`${twice.lead_name} is chosen on its own and as the lead of a consortium: choose one.`);
        const lots = await repository.listLots(tx, id);
        const awarded = await repository.listAwards(tx, id);
        const lotIds = lotsToAward(current, lots, awarded, choice.lotIds ?? []);
        await repository.insertAwards(
          tx,
          id,
          [
            ...unique.map((organisationId) => ({ organisationId, consortiumId: null })),
            ...consortia.map((consortium) => ({
              organisationId: consortium.lead_organisation_id,
              consortiumId: consortium.id,
            })),
          ],
          { valuePence, lotIds },
        );
        await setConsortiumStatus(
          sqlRunnerOf(tx),
          consortia.map((consortium) => consortium.id),
          'awarded',
        );
        await repository.updateOpportunity(tx, id, { status: 'awarded' });
        const names = [
          ...suppliers.map((supplier) => supplier.name),
          ...consortia.map((consortium) => `${consortium.name} (led by ${consortium.lead_name})`),
        ];
        const lotTitles = lots.filter((lot) => lotIds.includes(lot.id)).map((lot) => lot.title);
        await recordChange(
          tx,
          id,
          'award',
          actor,
          { status: current.status },
          { status: 'awarded', suppliers: names, valuePence, ...(lotTitles.length ? { lots: lotTitles } : {}) },
        );
        await audit(tx, actor, 'opportunity.award', id, { supplierIds: unique, consortiumIds, valuePence, lotIds });
      });
    },

    /** The lots no award covers yet, for the award page. */
    async openLots(id: string) {
      const [lots, awards] = await Promise.all([repository.listLots(db, id), repository.listAwards(db, id)]);
      return openLots(lots, awards);
    },

    /** Consortia that bid for the opportunity, for the award page. */
    biddingConsortia: (id: string) => consortiaBiddingFor(database, id),

    findSuppliers: (name: string) => (name.trim().length >= 2 ? repository.organisationsNamed(db, name.trim()) : []),
    releases: (ocid: string) => repository.listReleases(db, ocid),
  };
  return service;
}
