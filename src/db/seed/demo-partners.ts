import { partnersService } from '../../modules/consortia/partners/partners.service.ts';
import type { Database } from '../client.ts';
import { adminOrganisationOf, type ConsortiumOpportunity, demoActor } from './demo-opportunities.ts';

// Two demo requests for partners on open demo opportunities, posted and answered through the service: org.admin4's
// organisation looks for partners for a lot the demo befriending consortium does not yet cover, and org.admin1
// answers it; org.admin1's organisation looks for partners for the peer support opportunity, still unanswered.

type DemoRequest = {
  opportunity: ConsortiumOpportunity;
  admin: string;
  /** The lot, by the start of its title; none for any lot. */
  lot?: string;
  districts: string[];
  services: string[];
  message: string;
  answer?: { admin: string; message: string };
};

const REQUESTS: DemoRequest[] = [
  {
    opportunity: 'befriending',
    admin: 'org.admin4@demo.example.org',
    lot: 'Lot 2',
    districts: [],
    services: ['103'],
    message:
      'We run lunch clubs and community transport in Canterbury. We are looking for a partner with trained ' +
      'befrienders and health links to deliver Lot 2 with us, especially in Folkestone and Hythe (demo).',
    answer: {
      admin: 'org.admin1@demo.example.org',
      message:
        'Our volunteers already befriend older people on the coast and we would like to talk about Folkestone. ' +
        'Our coordinator is free most mornings (demo).',
    },
  },
  {
    opportunity: 'peerSupport',
    admin: 'org.admin1@demo.example.org',
    districts: ['E07000105', 'E07000113'],
    services: ['104'],
    message:
      'We can run peer support groups in Maidstone and Medway and want partners who work with disabled people in ' +
      'Ashford and Swale (demo).',
  },
];

/** Adds the demo requests for partners to the opportunities given; returns how many were made. */
export async function seedDemoPartnerRequests(
  database: Database,
  opportunities: ReadonlyMap<ConsortiumOpportunity, string>,
): Promise<number> {
  const service = partnersService({ database });
  let made = 0;
  for (const demo of REQUESTS) {
    const opportunityId = opportunities.get(demo.opportunity);
    const actor = await demoActor(database, demo.admin);
    const organisationId = await adminOrganisationOf(database, demo.admin);
    if (!opportunityId || !actor || !organisationId) continue;
    const lots = await database.query<{ id: string }>(
      `SELECT id FROM opportunity_lots WHERE opportunity_id = $1 AND title LIKE $2 || '%'`,
      [opportunityId, demo.lot ?? ''],
    );
    const id = await service.post(
      opportunityId,
      {
        organisationId,
        lotIds: demo.lot ? lots.map((lot) => lot.id) : [],
        districts: demo.districts,
        services: demo.services,
        message: demo.message,
      },
      actor,
    );
    const answerer = demo.answer && (await demoActor(database, demo.answer.admin));
    const answeringFor = demo.answer && (await adminOrganisationOf(database, demo.answer.admin));
    if (demo.answer && answerer && answeringFor)
      await service.reply(id, { organisationId: answeringFor, message: demo.answer.message }, answerer);
    made += 1;
  }
  return made;
}
