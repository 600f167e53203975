import { Feed } from 'feed';
import ical, { type ICalCalendar } from 'ical-generator';
import type { PublishedOpportunity } from './feeds.repository.ts';

// Deadlines are written in UTC (the trailing Z): every calendar converts them to the reader's own zone, and no
// VTIMEZONE block has to be kept up to date with the UK's clock changes.

type Deadline = Pick<
  PublishedOpportunity,
  'id' | 'title' | 'buyer_name' | 'clarification_deadline' | 'submission_deadline' | 'updated_at'
>;

function addDeadlines(calendar: ICalCalendar, opportunity: Deadline, baseUrl: string) {
  const url = `${baseUrl}/opportunities/${opportunity.id}`;
  const deadlines = [
    ['clarification', 'Clarification questions close', opportunity.clarification_deadline],
    ['submission', 'Submissions close', opportunity.submission_deadline],
  ] as const;
  for (const [kind, label, at] of deadlines) {
    if (!at) continue;
    calendar.createEvent({
      id: `${opportunity.id}-${kind}@working-connections`,
      // When the opportunity last changed, not when the file was made: the same deadline is the same bytes.
      stamp: opportunity.updated_at,
      start: at,
      end: at,
      summary: `${label}: ${opportunity.title}`,
      description: `${label} for "${opportunity.title}" from ${opportunity.buyer_name}. ${url}`,
      url,
    });
  }
}

export function deadlinesCalendar(name: string, opportunities: Deadline[], baseUrl: string): string {
  const calendar = ical({ name, prodId: { company: 'Working Connections', product: 'deadlines' } });
  for (const opportunity of opportunities) addDeadlines(calendar, opportunity, baseUrl);
  return calendar.toString();
}

export function opportunitiesAtom(opportunities: PublishedOpportunity[], baseUrl: string): string {
  const feed = new Feed({
    id: `${baseUrl}/opportunities.atom`,
    title: 'Working Connections: open opportunities',
    description: 'Opportunities published by public bodies in Kent and Medway.',
    link: `${baseUrl}/opportunities`,
    copyright: 'Working Connections',
    updated: opportunities[0]?.publication_date ?? new Date(0),
    feedLinks: { atom: `${baseUrl}/opportunities.atom` },
  });
  for (const opportunity of opportunities) {
    const link = `${baseUrl}/opportunities/${opportunity.id}`;
    feed.addItem({
      id: link,
      link,
      title: opportunity.title,
      description: opportunity.description,
      author: [{ name: opportunity.buyer_name }],
      date: opportunity.updated_at,
      published: opportunity.publication_date ?? undefined,
    });
  }
  return feed.atom1();
}
