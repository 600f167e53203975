import type { Database } from '../../src/db/client.ts';
import { opportunitiesService } from '../../src/modules/opportunities/opportunities.service.ts';
import { buildOrganisation } from './factories.ts';
import { buildBuyer, opportunityInput } from './opportunity-factories.ts';

// Profiles and published opportunities for the ranking and feed tests.

export async function buildProfile(
  database: Database,
  profile: { name?: string; services: string[]; districts: string[]; incomePence: number | null },
  members: { id: string }[] = [],
) {
  const organisation = await buildOrganisation(database, { name: profile.name, members });
  await database.query('UPDATE organisations SET services = $2, districts = $3, income_pence = $4 WHERE id = $1', [
    organisation.id,
    profile.services,
    profile.districts,
    profile.incomePence,
  ]);
  return organisation;
}

/** A buyer, and a function that creates and (unless told otherwise) publishes its opportunities. */
export async function buildPublisher(database: Database) {
  const buyer = await buildBuyer(database);
  const service = opportunitiesService({ database });
  const publish = async (overrides: Parameters<typeof opportunityInput>[0] = {}, options = { publish: true }) => {
    const created = await service.create(buyer.body.id, opportunityInput(overrides), buyer.actor);
    if (options.publish) await service.transition(created.id, 'publish', buyer.actor);
    return created;
  };
  return { ...buyer, publish };
}
