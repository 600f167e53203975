import type { Database } from '../../../db/client.ts';
import { recordAuditSql } from '../../../platform/audit.ts';
import { HttpError } from '../../../platform/errors.ts';
import { RuleError } from '../../ledger/contracts.rules.ts';
import type { Actor, ConsortiaService } from '../consortia.service.ts';
import * as repository from './ratings.repository.ts';
import type { RatingInput } from './ratings.schema.ts';

// After delivery, each member organisation other than the lead rates the lead once. Non-members learn nothing;
// the lead cannot rate itself.

const notFound = () => new HttpError(404, 'Page not found', 'There is no consortium at this address.');
const forbidden = () =>
  new HttpError(
    403,
    'You do not have permission to do this',
    'Only members of the consortium other than its lead can rate the lead.',
  );

export function ratingsService({ database, consortia }: { database: Database; consortia: ConsortiaService }) {
  /** The consortium, and the person's organisations that may rate its lead, with any rating each has given. */
  const raters = async (id: string, actor: Actor) => {
    const { consortium, members, access } = await consortia.load(id, actor);
    if (!access.seesPrivate) throw notFound();
    const mine = members.filter(
      (member) =>
        actor.organisationIds.includes(member.organisation_id) &&
        member.status === 'accepted' &&
        member.role !== 'lead',
    );
    if (mine.length === 0) throw forbidden();
    const given = await repository.ratingsGiven(
      database,
      id,
      mine.map((member) => member.organisation_id),
    );
    const organisations = mine.map((member) => ({
      id: member.organisation_id,
      name: member.name,
      rating: given.find((rating) => rating.rater_organisation_id === member.organisation_id),
    }));
    return { consortium, organisations, completed: consortium.status === 'completed' };
  };

  return {
    raters,

    async rate(id: string, input: RatingInput, actor: Actor) {
      const { consortium, organisations, completed } = await raters(id, actor);
      const rater = organisations.find((organisation) => organisation.id === input.organisationId);
      if (!rater) throw forbidden();
      if (!completed) throw new RuleError('Members can rate the lead only once delivery is completed.', 'stars');
      await database.transaction(async (tx) => {
        const stored = await repository.insertRating(tx, {
          consortiumId: id,
          raterOrganisationId: rater.id,
          leadOrganisationId: consortium.lead_organisation_id,
          stars: input.stars,
          comment: input.comment,
          userId: actor.userId,
        });
        if (!stored)
          throw new RuleError(
            `${rater.name} has already rated the lead of this consortium. Each member organisation rates it once.`,
            'organisationId',
          );
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: 'consortium.rate_lead',
          subjectType: 'consortium',
          subjectId: id,
          details: { rater: rater.id, lead: consortium.lead_organisation_id, stars: input.stars },
          ip: actor.ip,
        });
      });
      return { lead: consortium.lead_name };
    },
  };
}
