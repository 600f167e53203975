import type { SqlRunner } from '../../../db/client.ts';
import { leadRatingSummary } from './ratings.repository.ts';

/** The lead-ratings part of an organisation's public profile; undefined when it has never been rated as a lead. */
export async function leadRatingsSection(sql: SqlRunner, organisationId: string) {
  const summary = await leadRatingSummary(sql, organisationId);
  if (summary.count === 0) return undefined;
  return {
    ...summary,
    average: summary.averageStars.toLocaleString('en-GB', { maximumFractionDigits: 1 }),
  };
}
