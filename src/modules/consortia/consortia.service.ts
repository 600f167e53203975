import type { Database, SqlRunner } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { RuleError } from '../ledger/contracts.rules.ts';
import * as repository from './consortia.repository.ts';
import { currentFairnessDefaults } from './fairness-settings.ts';
import { type FairnessFlag, type FairTerms, flagTerms } from './terms/index.ts';

// The rules of a consortium. Its lead's members run it: they invite, allocate, and record the terms and the
// charter. An invited organisation sees the consortium and its terms, so that it can decide, and answers for
// itself. Members see the private space. Anyone else sees a consortium only when it has chosen to be listed, and
// then only its public face. Every change is written with its audit entry in one transaction.

export type Actor = { userId: string; ip: string; organisationIds: readonly string[] };
export type Access = ReturnType<typeof accessTo>;

const notFound = () => new HttpError(404, 'Page not found', 'There is no consortium at this address.');
const forbidden = (who: string) => new HttpError(403, 'You do not have permission to do this', `Only ${who} can.`);

/** What the person may see and do, from their organisations' places in the consortium. */
export function accessTo(
  consortium: Pick<repository.Consortium, 'lead_organisation_id' | 'listed' | 'buyer_organisation_id' | 'status'>,
  members: Pick<repository.Member, 'organisation_id' | 'status'>[],
  actor: Actor | null,
) {
  const mine = members.filter((member) => actor?.organisationIds.includes(member.organisation_id));
  const isLead = actor?.organisationIds.includes(consortium.lead_organisation_id) ?? false;
  const isMember = mine.some((member) => member.status === 'accepted');
  const invitations = mine.filter((member) => member.status === 'invited').map((member) => member.organisation_id);
  // Once it bids, the buyer's staff see what any bidder's public face shows, listed or not.
  const isBuyer =
    consortium.status !== 'forming' && (actor?.organisationIds.includes(consortium.buyer_organisation_id) ?? false);
  const isPublic = consortium.listed || isBuyer;
  return {
    isLead,
    isMember,
    /** The organisations of the person with an invitation to answer. */
    invitations,
    /** The private space: documents, decisions, allocations, cash gaps. */
    seesPrivate: isMember,
    /** The terms and the charter: members, and those invited, who must know what they are joining. */
    seesTerms: isMember || invitations.length > 0 || isPublic,
    seesAnything: isMember || invitations.length > 0 || isPublic,
  };
}

/** The members who must agree to the terms: every one that has accepted, besides the lead that wrote them. */
export const termsPartiesOf = <M extends Pick<repository.Member, 'role' | 'status'>>(members: M[]) =>
  members.filter((member) => member.role !== 'lead' && member.status === 'accepted');

export function consortiaService({ database }: { database: Database }) {
  const audit = (sql: SqlRunner, actor: Actor, action: string, id: string, details: Record<string, unknown> = {}) =>
    recordAuditSql(sql, {
      actorUserId: actor.userId,
      action: `consortium.${action}`,
      subjectType: 'consortium',
      subjectId: id,
      details,
      ip: actor.ip,
    });

  const load = async (id: string, actor: Actor | null) => {
    const consortium = isUuid(id) ? await repository.findConsortium(database, id) : undefined;
    if (!consortium) throw notFound();
    const members = await repository.membersOf(database, id);
    const access = accessTo(consortium, members, actor);
    if (!access.seesAnything) throw notFound();
    return { consortium, members, access };
  };
  const asLead = async (id: string, actor: Actor) => {
    const loaded = await load(id, actor);
    if (!loaded.access.isLead) throw forbidden('the lead organisation’s members');
    if (loaded.consortium.status === 'withdrawn') throw new RuleError('The consortium has been withdrawn.');
    return loaded;
  };

  /** Inside a transaction: locks the consortium and refuses the change unless it is still forming. */
  const whileForming = async (tx: SqlRunner, id: string, refused: string, field?: string) => {
    const status = await repository.lockedStatus(tx, id);
    if (status !== 'forming')
      throw new RuleError(
        `The consortium has ${status === 'withdrawn' ? 'been withdrawn' : 'bid'}: ${refused}.`,
        field,
      );
  };

  return {
    load,

    /** The consortia the person's organisations belong to or are invited to. */
    mine: (actor: Actor) => repository.consortiaOf(database, actor.organisationIds),

    listedFor: (opportunityId: string) => repository.listedFor(database, opportunityId),

    /**
     * Forms the consortium with the actor's organisation as lead, and invites as partners the organisations given
     * (those of a suggested consortium), all or nothing.
     */
    async create(
      input: { opportunityId: string; leadOrganisationId: string; name: string; invite?: readonly string[] },
      actor: Actor,
    ) {
      if (!actor.organisationIds.includes(input.leadOrganisationId))
        throw new RuleError('Choose an organisation you belong to as the lead', 'leadOrganisationId');
      const wanted = [...new Set(input.invite ?? [])].filter((id) => id !== input.leadOrganisationId);
      const [opportunity, lead, invitees] = await Promise.all([
        repository.findOpportunity(database, input.opportunityId),
        repository.findVcse(database, input.leadOrganisationId),
        wanted.length > 0 ? repository.vcseAmong(database, wanted) : [],
      ]);
      if (opportunity?.status !== 'published')
        throw new RuleError('Consortia can only be formed for an opportunity open for bids.');
      if (!lead) throw new RuleError('The lead must be a voluntary or community organisation', 'leadOrganisationId');
      if (invitees.length < wanted.length)
        throw new RuleError('Invite only voluntary or community organisations from the directory', 'invite');
      return database.transaction(async (tx) => {
        const id = await repository.insertConsortium(tx, { ...input, userId: actor.userId });
        await audit(tx, actor, 'create', id, { opportunityId: input.opportunityId, lead: input.leadOrganisationId });
        for (const invitee of invitees) {
          const invitation = { organisationId: invitee.id, role: 'partner' as const };
          await repository.insertInvitation(tx, { consortiumId: id, ...invitation, userId: actor.userId });
          await audit(tx, actor, 'invite', id, invitation);
        }
        return { id, invited: invitees.length };
      });
    },

    async invite(id: string, input: { organisationId: string; role: 'partner' | 'subcontractor' }, actor: Actor) {
      const { consortium } = await asLead(id, actor);
      if (consortium.status !== 'forming')
        throw new RuleError('Members can only be invited while the consortium is forming.', 'organisationId');
      const organisation = await repository.findVcse(database, input.organisationId);
      if (!organisation)
        throw new RuleError('Choose a voluntary or community organisation from the directory', 'organisationId');
      await database.transaction(async (tx) => {
        const invited = await repository.insertInvitation(tx, { consortiumId: id, ...input, userId: actor.userId });
        if (!invited)
          throw new RuleError(`${organisation.name} is already a member or has been invited`, 'organisationId');
        await audit(tx, actor, 'invite', id, input);
      });
      return organisation;
    },

    async answer(id: string, organisationId: string, accept: boolean, actor: Actor) {
      const { access } = await load(id, actor);
      if (!access.invitations.includes(organisationId)) throw forbidden('the invited organisation’s members');
      await database.transaction(async (tx) => {
        await whileForming(tx, id, 'its invitations can no longer be answered');
        const answered = await repository.answerInvitation(tx, {
          consortiumId: id,
          organisationId,
          accept,
          userId: actor.userId,
        });
        if (!answered) throw new RuleError('This invitation has already been answered.');
        await audit(tx, actor, accept ? 'accept' : 'decline', id, { organisationId });
      });
    },

    /** Who delivers each lot in each district; every named organisation must be an accepted member. */
    async allocate(id: string, cells: repository.Allocation[], actor: Actor) {
      const { consortium, members } = await asLead(id, actor);
      const accepted = new Set(members.filter((m) => m.status === 'accepted').map((m) => m.organisation_id));
      const lots = await repository.lotsOf(database, consortium.opportunity_id);
      const valid = new Set(lots.flatMap((lot) => lot.districts.map((district) => `${lot.id}:${district}`)));
      for (const cell of cells) {
        if (!valid.has(`${cell.lot_id}:${cell.district}`))
          throw new RuleError('Allocate only the opportunity’s lots in their districts.', 'allocations');
        if (!accepted.has(cell.organisation_id))
          throw new RuleError('Allocate work only to members who have accepted.', 'allocations');
      }
      await database.transaction(async (tx) => {
        await repository.replaceAllocations(tx, id, cells);
        await audit(tx, actor, 'allocate', id, { cells: cells.length });
      });
    },

    /** Records a new version of the fair-terms agreement, with the flags it raises against the hub's defaults. */
    async recordTerms(id: string, terms: FairTerms, actor: Actor): Promise<FairnessFlag[]> {
      const { members } = await asLead(id, actor);
      const current = members.filter((member) => member.status !== 'declined');
      const ids = new Set(current.map((member) => member.organisation_id));
      if (terms.pbrShares.some((share) => !ids.has(share.memberId)))
        throw new RuleError('Give payment-by-results shares only to members of the consortium.', 'pbrShares');
      const flags = flagTerms(
        terms,
        current.map((member) => ({
          id: member.organisation_id,
          name: member.name,
          tier: member.tier as 1 | 2 | 3 | 4 | 5 | null,
        })),
        await currentFairnessDefaults(database),
      );
      await database.transaction(async (tx) => {
        await whileForming(tx, id, 'its terms are settled', 'maxPaymentDays');
        const version = await repository.insertTerms(tx, id, terms, flags, actor.userId);
        await audit(tx, actor, 'terms', id, { version, flags: flags.map((flag) => flag.code) });
      });
      return flags;
    },

    /**
     * A member agrees, for its organisations in the consortium, to the version of the terms it read. Only the
     * version in force can be agreed: terms changed since are read again first. The lead wrote them.
     */
    async agreeTerms(id: string, version: number, actor: Actor) {
      const { members, access } = await load(id, actor);
      if (!access.isMember) throw forbidden('the consortium’s members');
      const mine = termsPartiesOf(members).filter((member) => actor.organisationIds.includes(member.organisation_id));
      if (mine.length === 0) throw new RuleError('The lead recorded these terms: it has agreed to them.', 'terms');
      await database.transaction(async (tx) => {
        await whileForming(tx, id, 'its terms are settled', 'terms');
        const [latest] = await repository.termsVersions(tx, id);
        if (!latest) throw new RuleError('There are no terms to agree to yet.', 'terms');
        if (latest.version !== version)
          throw new RuleError(
            `The terms have changed since you read them: read version ${latest.version}, then agree to it.`,
            'terms',
          );
        for (const member of mine)
          await repository.insertAgreement(tx, {
            consortiumId: id,
            version,
            organisationId: member.organisation_id,
            userId: actor.userId,
          });
        await audit(tx, actor, 'terms.agree', id, {
          version,
          organisationIds: mine.map((member) => member.organisation_id),
        });
      });
    },

    async recordCharter(
      id: string,
      charter: { leadDelivers: boolean; leadDelivery: string; conflictsOfInterest: string; willNotCompete: boolean },
      actor: Actor,
    ) {
      await asLead(id, actor);
      await database.transaction(async (tx) => {
        const version = await repository.insertCharter(tx, id, charter, actor.userId);
        await audit(tx, actor, 'charter', id, { version });
      });
    },

    async recordDecision(id: string, decision: string, actor: Actor) {
      const { access } = await load(id, actor);
      if (!access.isMember) throw forbidden('the consortium’s members');
      await database.transaction(async (tx) => {
        await repository.insertDecision(tx, id, decision, actor.userId);
        await audit(tx, actor, 'decision', id);
      });
    },

    /**
     * Names the consortium as a bidder: the buyer can then award the opportunity to it. It must have a member
     * besides its lead, terms every member has agreed to and a lead charter, and the opportunity must still be open.
     */
    async bid(id: string, actor: Actor) {
      const { consortium } = await asLead(id, actor);
      if (consortium.status !== 'forming') throw new RuleError('The consortium has already bid.', 'bid');
      if (consortium.opportunity_status !== 'published')
        throw new RuleError('The opportunity is no longer open for bids.', 'bid');
      await database.transaction(async (tx) => {
        // Checked under the consortium's lock: no answer, terms or agreement can slip in between.
        if ((await repository.lockedStatus(tx, id)) !== 'forming')
          throw new RuleError('The consortium has already bid.', 'bid');
        const members = await repository.membersOf(tx, id);
        const terms = await repository.termsVersions(tx, id);
        const charters = await repository.charterVersions(tx, id);
        const latest = terms[0];
        const agreed = latest ? await repository.termsAgreements(tx, id, latest.version) : [];
        const parties = termsPartiesOf(members);
        const waiting = parties.filter(
          (member) => !agreed.some((agreement) => agreement.organisation_id === member.organisation_id),
        );
        const missing = [
          parties.length > 0 ? null : 'a member besides the lead',
          latest ? null : 'fair terms',
          latest && waiting.length > 0
            ? `every member’s agreement to the terms in force (still to agree: ${waiting.map((member) => member.name).join(', ')})`
            : null,
          charters.length ? null : 'a lead charter',
        ].filter((item): item is string => item !== null);
        if (missing.length) throw new RuleError(`Before bidding, the consortium needs ${missing.join(', ')}.`, 'bid');
        await repository.setStatus(tx, [id], 'bid');
        await audit(tx, actor, 'bid', id);
      });
    },

    async setListed(id: string, listed: boolean, actor: Actor) {
      await asLead(id, actor);
      await database.transaction(async (tx) => {
        await repository.setListed(tx, id, listed);
        await audit(tx, actor, listed ? 'list' : 'unlist', id);
      });
    },
  };
}
export type ConsortiaService = ReturnType<typeof consortiaService>;
