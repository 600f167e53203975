import type { Database } from '../../db/client.ts';
import { recordAudit } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { formatPounds } from '../../platform/money.ts';
import { hashToken, newToken } from '../../platform/tokens.ts';
import { organisationImpactService } from '../impact/organisation-impact.service.ts';
import * as feeds from './feeds.repository.ts';
import { deadlinesCalendar, opportunitiesAtom } from './feeds.ts';
import { reasonsFor } from './matching.presenter.ts';
import {
  criteriaOf,
  type Match,
  organisationSummary,
  rankOpportunities,
  rankOrganisations,
} from './matching.repository.ts';

const notFound = (what: string) => new HttpError(404, 'Page not found', `There is no ${what} at this address.`);

/** Opportunities for an organisation, organisations for an opportunity, and the feeds built on them. */
export function matchingService({ database, baseUrl }: { database: Database; baseUrl: string }) {
  const impact = organisationImpactService({ database });
  /** Titles for the outcome codes the matches give as reasons, looked up once for the whole list. */
  const outcomeTitles = async (matches: readonly Match[]) => {
    const codes = [
      ...new Set(
        matches.flatMap((match) => [...match.core_outcomes_in_common, ...match.value_adding_outcomes_in_common]),
      ),
    ];
    const titles = new Map((await impact.outcomesNamed(codes)).map((outcome) => [outcome.code, outcome.title]));
    return (code: string) => titles.get(code) ?? code;
  };
  const opportunitiesFor = async (organisationId: string, limit = 50) => {
    const organisation = isUuid(organisationId) ? await organisationSummary(database, organisationId) : undefined;
    if (!organisation) throw notFound('organisation');
    const rows = await rankOpportunities(database, organisationId, limit);
    return { organisation, rows };
  };

  return {
    async opportunitiesFor(organisationId: string) {
      const { organisation, rows } = await opportunitiesFor(organisationId);
      const outcomeTitle = await outcomeTitles(rows);
      const matches = rows.map((row) => ({
        ...row,
        value: formatPounds(row.value_pence),
        reasons: reasonsFor(row, {
          tier: organisation.tier,
          valuePence: row.value_pence,
          reserved: row.reserved_for_vcse,
          suitable: row.suitable_for_vcse,
          outcomeTitle,
        }),
      }));
      return { organisation, matches, feedCreatedAt: await feeds.feedCreatedAt(database, organisationId) };
    },

    /** The top organisations for one opportunity; only its buyer's officers may see them. */
    async organisationsFor(opportunityId: string, buyerIds: string[]) {
      const criteria = isUuid(opportunityId) ? await criteriaOf(database, opportunityId) : undefined;
      if (!criteria) throw notFound('opportunity');
      if (!buyerIds.includes(criteria.buyerOrganisationId))
        throw new HttpError(403, 'This opportunity is not yours', 'Only officers of the buying body can see this.');
      const rows = await rankOrganisations(database, criteria, 20);
      const outcomeTitle = await outcomeTitles(rows);
      const matches = rows.map((row) => ({
        ...row,
        reasons: reasonsFor(row, {
          tier: row.tier,
          valuePence: criteria.valuePence,
          reserved: criteria.reservedForVcse,
          suitable: criteria.suitableForVcse,
          outcomeTitle,
        }),
      }));
      return { opportunity: { id: opportunityId, title: criteria.title }, matches };
    },

    /** A new private feed address; the one before it stops working. */
    async newCalendarToken(organisationId: string, actor: { userId: string; ip: string }) {
      const token = newToken();
      await feeds.replaceFeedToken(database, organisationId, hashToken(token), actor.userId);
      await recordAudit(database.db, {
        actorUserId: actor.userId,
        action: 'organisation.calendar_feed_replaced',
        subjectType: 'organisation',
        subjectId: organisationId,
        ip: actor.ip,
      });
      return token;
    },

    /** The deadlines of open opportunities that fit the organisation; undefined for an unknown token. */
    async calendar(token: string) {
      const organisation = await feeds.organisationForFeed(database, hashToken(token));
      if (!organisation) return undefined;
      const { rows } = await opportunitiesFor(organisation.id, 100);
      const name = `Deadlines for ${organisation.name}`;
      return deadlinesCalendar(name, rows.map(deadlineOf), baseUrl);
    },

    async deadline(opportunityId: string) {
      const opportunity = isUuid(opportunityId) ? await feeds.findPublic(database, opportunityId) : undefined;
      if (!opportunity) throw notFound('opportunity');
      return deadlinesCalendar(opportunity.title, [opportunity], baseUrl);
    },

    atom: async () => opportunitiesAtom(await feeds.listPublished(database), baseUrl),
  };
}

const deadlineOf = (row: Awaited<ReturnType<typeof rankOpportunities>>[number]) => ({
  id: row.id,
  title: row.title,
  buyer_name: row.buyer_name,
  clarification_deadline: row.clarification_deadline,
  submission_deadline: row.submission_deadline,
  updated_at: row.updated_at,
});
