import type { Database, SqlRunner } from '../../../db/client.ts';
import { recordAuditSql } from '../../../platform/audit.ts';
import { HttpError } from '../../../platform/errors.ts';
import { isUuid } from '../../../platform/ids.ts';
import type { Mailer } from '../../../platform/mail.ts';
import { paths } from '../../../platform/paths.ts';
import { districts as allDistricts } from '../../geography/geography.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import { type Actor, consortiaService } from '../consortia.service.ts';
import { type Gaps, gapsOf, rankPartners, type Wanted } from './partners.ranking.ts';
import * as repository from './partners.repository.ts';
import type { ReplyInput, RequestInput } from './partners.schema.ts';

// The rules of looking for partners. While an opportunity is open, a member of a voluntary or community
// organisation posts for it the lots, areas and services it wants partners for; anyone sees the requests. Members
// of other such organisations answer; answers are private to the requester and to the organisation answering.
// Only the requester's members withdraw a request (it is kept, marked withdrawn) and search for partners that
// complement it. Every change is written with its audit entry in one transaction.

const noOpportunity = () =>
  new HttpError(404, 'Page not found', 'There is no opportunity open for bids at this address.');
const noRequest = () => new HttpError(404, 'Page not found', 'There is no request for partners at this address.');
const requestersOnly = (name: string) =>
  new HttpError(403, 'You do not have permission to do this', `Only members of ${name} can.`);

/** The districts an opportunity is delivered in: its own and its lots', or all of Kent and Medway. */
export function areasOf(opportunity: Pick<repository.Opportunity, 'districts'>, lots: readonly repository.Lot[]) {
  const named = new Set([...opportunity.districts, ...lots.flatMap((lot) => lot.districts)]);
  return allDistricts.map((district) => district.code).filter((code) => named.size === 0 || named.has(code));
}

/**
 * What the partners would cover: the request's own choices, or else what its lots (or the whole opportunity)
 * need. The value a partner must be able to take on is the smallest lot asked for, or the opportunity's.
 */
export function wantedBy(
  request: Pick<repository.PartnerRequest, 'lot_ids' | 'districts' | 'services'>,
  opportunity: repository.Opportunity,
  lots: readonly repository.Lot[],
): Wanted {
  const chosen = request.lot_ids.length ? lots.filter((lot) => request.lot_ids.includes(lot.id)) : lots;
  const lotDistricts = [...new Set(chosen.flatMap((lot) => lot.districts))];
  const values = chosen.flatMap((lot) => (lot.value_pence === null ? [] : [lot.value_pence]));
  return {
    services: request.services.length ? request.services : opportunity.services,
    districts: request.districts.length
      ? request.districts
      : request.lot_ids.length && lotDistricts.length
        ? lotDistricts
        : areasOf(opportunity, lots),
    outcomes: opportunity.outcome_codes,
    valuePence: values.length ? Math.min(...values) : opportunity.value_pence,
  };
}

export function partnersService({ database }: { database: Database }) {
  const consortia = consortiaService({ database });
  const audit = (sql: SqlRunner, actor: Actor, action: string, id: string, details: Record<string, unknown> = {}) =>
    recordAuditSql(sql, {
      actorUserId: actor.userId,
      action: `partner_request.${action}`,
      subjectType: 'partner_request',
      subjectId: id,
      details,
      ip: actor.ip,
    });

  /** The request with its opportunity and lots; 404 for an unknown one. */
  const load = async (id: string) => {
    const request = isUuid(id) ? await repository.findRequest(database, id) : undefined;
    if (!request) throw noRequest();
    const [opportunity, lots] = await Promise.all([
      repository.findOpportunity(database, request.opportunity_id),
      repository.lotsOf(database, request.opportunity_id),
    ]);
    if (!opportunity) throw noRequest();
    return { request, opportunity, lots };
  };
  const asRequester = async (id: string, actor: Actor) => {
    const loaded = await load(id);
    if (!actor.organisationIds.includes(loaded.request.organisation_id))
      throw requestersOnly(loaded.request.organisation_name);
    return loaded;
  };
  /** The open opportunity, its lots and areas, and the organisations the person may post for. */
  const newRequest = async (opportunityId: string, actor: Actor) => {
    const opportunity = isUuid(opportunityId) ? await repository.findOpportunity(database, opportunityId) : undefined;
    if (!opportunity?.open) throw noOpportunity();
    const [lots, organisations] = await Promise.all([
      repository.lotsOf(database, opportunityId),
      repository.vcseAmong(database, actor.organisationIds),
    ]);
    return { opportunity, lots, areas: areasOf(opportunity, lots), organisations };
  };

  return {
    newRequest,

    async post(opportunityId: string, input: RequestInput, actor: Actor) {
      const { opportunity, lots, areas, organisations } = await newRequest(opportunityId, actor);
      if (!organisations.some((organisation) => organisation.id === input.organisationId))
        throw new RuleError(
          'Choose a voluntary or community organisation you are a member of to post for',
          'organisationId',
        );
      if (input.lotIds.some((id) => !lots.some((lot) => lot.id === id)))
        throw new RuleError('Choose lots of this opportunity', 'lotIds');
      if (input.districts.some((code) => !areas.includes(code)))
        throw new RuleError('Choose areas this opportunity is delivered in', 'districts');
      if (opportunity.services.length && input.services.some((code) => !opportunity.services.includes(code)))
        throw new RuleError('Choose services this opportunity asks for', 'services');
      return database.transaction(async (tx) => {
        const id = await repository.insertRequest(tx, {
          opportunityId,
          ...input,
          lotIds: [...new Set(input.lotIds)],
          districts: [...new Set(input.districts)],
          services: [...new Set(input.services)],
          userId: actor.userId,
        });
        await audit(tx, actor, 'create', id, { opportunityId, organisationId: input.organisationId });
        return id;
      });
    },

    /**
     * The request as this person sees it: the requester's members see every answer, the members of an
     * organisation that answered see its own answers, and everyone else sees none.
     */
    async view(id: string, actor: Actor | null) {
      const loaded = await load(id);
      const mine = actor?.organisationIds ?? [];
      const isRequester = mine.includes(loaded.request.organisation_id);
      const [replies, answerable] = await Promise.all([
        repository.repliesTo(database, id, isRequester ? 'all' : mine),
        repository.vcseAmong(
          database,
          mine.filter((organisationId) => organisationId !== loaded.request.organisation_id),
        ),
      ]);
      const open = loaded.opportunity.open && loaded.request.withdrawn_at === null;
      return { ...loaded, replies, isRequester, canAnswerAs: open ? answerable : [], open };
    },

    async reply(id: string, input: ReplyInput, actor: Actor) {
      const { request, opportunity } = await load(id);
      if (request.organisation_id === input.organisationId)
        throw new RuleError('Your organisation posted this request, so it cannot answer it', 'organisationId');
      const [organisation] = actor.organisationIds.includes(input.organisationId)
        ? await repository.vcseAmong(database, [input.organisationId])
        : [];
      if (!organisation)
        throw new RuleError('Choose a voluntary or community organisation you are a member of', 'organisationId');
      if (request.withdrawn_at) throw new RuleError('This request has been withdrawn.', 'message');
      if (!opportunity.open) throw new RuleError('The opportunity is no longer open for bids.', 'message');
      await database.transaction(async (tx) => {
        const replyId = await repository.insertReply(tx, {
          requestId: id,
          organisationId: input.organisationId,
          message: input.message,
          userId: actor.userId,
        });
        await audit(tx, actor, 'reply', id, { replyId, organisationId: input.organisationId });
      });
      return { requester: request.organisation_name, organisation, opportunity };
    },

    /** Tells the requester's members that an organisation has answered, with the answer and where to read it. */
    async notifyRequester(
      id: string,
      answer: { organisationName: string; opportunityTitle: string; message: string },
      { mailer, baseUrl }: { mailer: Mailer; baseUrl: string },
    ) {
      const request = await repository.findRequest(database, id);
      if (!request) return;
      for (const { email } of await repository.memberAddresses(database, request.organisation_id)) {
        await mailer.send({
          to: email,
          subject: `${answer.organisationName} has answered your request for partners`,
          text:
            `${answer.organisationName} has answered ${request.organisation_name}'s request for partners on ` +
            `“${answer.opportunityTitle}”:\n\n${answer.message}\n\nRead it and see every answer:\n\n` +
            `${baseUrl}${paths.partners.show({ id })}#answers\n\n` +
            `Only members of ${request.organisation_name} and of ${answer.organisationName} can see this answer.\n\n` +
            'Working Connections',
        });
      }
    },

    async withdraw(id: string, actor: Actor) {
      await asRequester(id, actor);
      await database.transaction(async (tx) => {
        if (!(await repository.withdrawRequest(tx, id)))
          throw new RuleError('This request has already been withdrawn.', 'withdraw');
        await audit(tx, actor, 'withdraw', id);
      });
    },

    /**
     * Organisations that complement the requester on the opportunity, best first, one page at a time, with what
     * the requester lacks; and the consortium it leads there, if any, to invite them to.
     */
    async partners(id: string, actor: Actor, { page, pageSize }: { page: number; pageSize: number }) {
      const { request, opportunity, lots } = await asRequester(id, actor);
      const wanted = wantedBy(request, opportunity, lots);
      const gaps = (await gapsOf(database, request.organisation_id, wanted)) ?? wanted;
      const [rows, consortium] = await Promise.all([
        rankPartners(database, request.organisation_id, wanted, gaps, {
          limit: pageSize + 1,
          offset: (page - 1) * pageSize,
        }),
        repository.formingConsortiumLedBy(database, request.organisation_id, opportunity.id),
      ]);
      return {
        request,
        opportunity,
        wanted,
        gaps,
        matches: rows.slice(0, pageSize),
        more: rows.length > pageSize,
        consortium,
      };
    },

    /**
     * For the lead of a forming consortium, without posting a request: organisations that complement the
     * consortium as a whole on everything its opportunity asks for. Its gaps are what none of its members (the
     * lead and those who have accepted) offers, serves or delivers as core impact.
     */
    async partnersForConsortium(id: string, actor: Actor, { page, pageSize }: { page: number; pageSize: number }) {
      const { consortium, members, access } = await consortia.load(id, actor);
      if (!access.isLead)
        throw new HttpError(403, 'You do not have permission to do this', 'Only the lead organisation’s members can.');
      if (consortium.status !== 'forming')
        throw new HttpError(409, 'Partners cannot be added now', 'The consortium has bid, so its members are settled.');
      const opportunity = await repository.findOpportunity(database, consortium.opportunity_id);
      if (!opportunity) throw noOpportunity();
      const lots = await repository.lotsOf(database, opportunity.id);
      const wanted = wantedBy({ lot_ids: [], districts: [], services: [] }, opportunity, lots);
      const inIt = members.filter((member) => member.status === 'accepted');
      const memberGaps = await Promise.all(inIt.map((member) => gapsOf(database, member.organisation_id, wanted)));
      const lackedByAll = (pick: (gaps: Gaps) => string[]) =>
        pick(wanted).filter((code) => memberGaps.every((gaps) => !gaps || pick(gaps).includes(code)));
      const gaps: Gaps = {
        services: lackedByAll((gaps) => gaps.services),
        districts: lackedByAll((gaps) => gaps.districts),
        outcomes: lackedByAll((gaps) => gaps.outcomes),
      };
      const rows = await rankPartners(database, consortium.lead_organisation_id, wanted, gaps, {
        limit: pageSize + 1,
        offset: (page - 1) * pageSize,
      });
      return {
        consortium: {
          id: consortium.id,
          name: consortium.name,
          member_ids: members.filter((member) => member.status !== 'declined').map((member) => member.organisation_id),
        },
        opportunity,
        wanted,
        gaps,
        matches: rows.slice(0, pageSize),
        more: rows.length > pageSize,
      };
    },
  };
}
