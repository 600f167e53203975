import { Agent } from '../../../../test/support/agent.ts';
import { buildOrganisation, buildUser, sessionCookieFor } from '../../../../test/support/factories.ts';
import { buildBuyer, opportunityInput } from '../../../../test/support/opportunity-factories.ts';
import type { TestContext } from '../../../../test/support/test-app.ts';
import { opportunitiesService } from '../../opportunities/opportunities.service.ts';
import { type Actor, consortiaService } from '../consortia.service.ts';

// For the cash-flow and ratings tests: a consortium on an open opportunity with one lot of £120,000 over two
// districts, a lead, a partner who has accepted, an organisation invited that has not answered, and an outsider,
// each with one person.

export const SWALE = 'E07000113';
export const MEDWAY = 'E06000035';

const ROLES = ['lead', 'partner', 'invitee', 'outsider'] as const;
export type Role = (typeof ROLES)[number];

export async function buildTestConsortium(context: TestContext, name = 'Swale Together') {
  const { database } = context;
  const buyer = await buildBuyer(database);
  const opportunities = opportunitiesService({ database });
  const opportunity = await opportunities.create(buyer.body.id, opportunityInput(), buyer.actor);
  const lot = await opportunities.addLot(
    opportunity.id,
    { title: 'Befriending', description: '', valuePence: 120_000_00, districts: [SWALE, MEDWAY] },
    buyer.actor,
  );
  await opportunities.transition(opportunity.id, 'publish', buyer.actor);

  const people = {} as Record<Role, string>;
  const organisations = {} as Record<Role, string>;
  const actors = {} as Record<Role, Actor>;
  for (const role of ROLES) {
    const user = await buildUser(database);
    const organisation = await buildOrganisation(database, { name: `${role} charity`, members: [{ id: user.id }] });
    people[role] = user.id;
    organisations[role] = organisation.id;
    actors[role] = { userId: user.id, ip: '127.0.0.1', organisationIds: [organisation.id] };
  }
  const consortia = consortiaService({ database });
  const { id } = await consortia.create(
    { opportunityId: opportunity.id, leadOrganisationId: organisations.lead, name },
    actors.lead,
  );
  await consortia.invite(id, { organisationId: organisations.partner, role: 'partner' }, actors.lead);
  await consortia.invite(id, { organisationId: organisations.invitee, role: 'subcontractor' }, actors.lead);
  await consortia.answer(id, organisations.partner, true, actors.partner);

  const agentFor = async (role?: Role) => {
    const agent = new Agent(context.app);
    if (role) agent.cookies.set('wc_session', await sessionCookieFor(database, people[role]));
    return agent;
  };
  return { id, lotId: lot.id, opportunityId: opportunity.id, people, organisations, actors, consortia, agentFor };
}
