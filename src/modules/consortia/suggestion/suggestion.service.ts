import type { Database } from '../../../db/client.ts';
import { HttpError } from '../../../platform/errors.ts';
import { organisationImpactService } from '../../impact/organisation-impact.service.ts';
import { listLots } from '../../opportunities/opportunities.repository.ts';
import { opportunitiesService } from '../../opportunities/opportunities.service.ts';
import { vcseAmong } from '../consortia.repository.ts';
import { loadCandidates } from './candidates.repository.ts';
import { DEFAULT_WEIGHTS } from './model.ts';
import { requirementsOf } from './requirements.ts';
import { type Solved, SolverBusyError, solverThread } from './solve.ts';
import { EXACT_TIME_LIMIT_SECONDS, type SuggestionQuery } from './suggestion.schema.ts';

export type Viewer = { organisationIds: readonly string[] };

const notFound = () => new HttpError(404, 'Page not found', 'There is no open opportunity at this address.');

/**
 * Who may see a suggestion: the buyer's officers at any stage (drafts included), to see what the sector could
 * offer; and members of any organisation while the opportunity is open, when consortia are formed. Everyone
 * else learns no more than the opportunity's page tells them.
 */
const solverBusy = (method: SuggestionQuery['method']) =>
  method === 'exact'
    ? new HttpError(
        503,
        'The exact solver is busy',
        'Other suggestions are being worked out. Try again in a minute, or ask for a quick suggestion.',
      )
    : new HttpError(503, 'Suggestions are busy', 'Many suggestions are being worked out. Try again in a minute.');

export function suggestionService({ database }: { database: Database }) {
  const opportunities = opportunitiesService({ database });
  const impact = organisationImpactService({ database });
  // An exact solve takes seconds, so few may wait; a quick one a fraction of a second.
  const threads = { exact: solverThread({ maxWaiting: 2 }), heuristic: solverThread({ maxWaiting: 8 }) };

  const opportunityFor = async (id: string, viewer: Viewer) => {
    const opportunity = await opportunities.findVisible(id, viewer);
    if (!opportunity) throw notFound();
    const isBuyer = viewer.organisationIds.includes(opportunity.buyerOrganisationId);
    if (!isBuyer && opportunity.status !== 'published') throw notFound();
    if (!isBuyer && viewer.organisationIds.length === 0)
      throw new HttpError(
        403,
        'You need to belong to an organisation',
        'Suggested consortia are for members of organisations in the directory. Ask your organisation’s admin to add you.',
      );
    return { opportunity, isBuyer };
  };

  return {
    opportunityFor,

    /** The opportunity, what it asks for, and (when it names services) the suggestion the query asks for. */
    async suggest(id: string, viewer: Viewer, query: SuggestionQuery | undefined) {
      const { opportunity, isBuyer } = await opportunityFor(id, viewer);
      const [lots, outcomes, leads] = await Promise.all([
        listLots(database.db, opportunity.id),
        impact.outcomesNamed(opportunity.outcomeCodes),
        isBuyer ? [] : vcseAmong(database, viewer.organisationIds),
      ]);
      const requirements = requirementsOf(opportunity, lots);
      const base = { opportunity, isBuyer, canForm: leads.length > 0, requirements, outcomes };
      if (!query || requirements.opportunity.lots.length === 0)
        return { ...base, solved: undefined, considered: 0, names: new Map<string, string>() };
      const thread = threads[query.method];
      if (thread.busy()) throw solverBusy(query.method);
      const candidates = await loadCandidates(database, requirements.needs);
      const input = {
        opportunity: requirements.opportunity,
        candidates,
        options: { maxMembers: query.maxMembers, minSharePercent: query.minSharePercent, weights: DEFAULT_WEIGHTS },
      };
      const method =
        query.method === 'exact'
          ? { method: 'exact' as const, timeLimitSeconds: EXACT_TIME_LIMIT_SECONDS }
          : { method: 'heuristic' as const };
      let solved: Solved;
      try {
        solved = await thread.solve({ ...input, method });
      } catch (error) {
        if (!(error instanceof SolverBusyError)) throw error;
        throw solverBusy(query.method);
      }
      const names = new Map(candidates.map((candidate) => [candidate.id, candidate.name]));
      return { ...base, solved, considered: candidates.length, names };
    },

    close: async () => {
      await Promise.all([threads.exact.close(), threads.heuristic.close()]);
    },
  };
}
