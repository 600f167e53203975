import type { Database } from '../../src/db/client.ts';
import type { Actor } from '../../src/modules/ledger/contracts.rules.ts';
import { contractsService } from '../../src/modules/ledger/contracts.service.ts';
import { buildOrganisation, buildUser } from './factories.ts';
import { buildFramework } from './impact-factories.ts';
import { buildBuyer } from './opportunity-factories.ts';

// A contract ready for social value: a framework, a public body with a procurement officer, and a voluntary
// organisation with a member who reports results. Everything is written through the services.

export const actorOf = (userId: string, organisationIds: string[], buyingStaff = false): Actor => ({
  userId,
  ip: '127.0.0.1',
  organisationIds,
  buyingStaff,
});

export async function buildContractSetup(
  database: Database,
  options: { framework?: Awaited<ReturnType<typeof buildFramework>> } = {},
) {
  const framework = options.framework ?? (await buildFramework(database));
  const buyer = await buildBuyer(database);
  const buyerActor = actorOf(buyer.officer.id, [buyer.body.id], true);
  const deliverer = await buildUser(database);
  const supplier = await buildOrganisation(database, { members: [{ id: deliverer.id }] });
  const delivererActor = actorOf(deliverer.id, [supplier.id]);
  const contract = await contractsService({ database }).create(
    {
      buyerOrganisationId: buyer.body.id,
      supplierOrganisationId: supplier.id,
      title: 'Befriending for older people in Swale',
      description: 'Weekly visits and calls.',
      valuePence: 12_000_000,
      startDate: '2026-04-01',
      endDate: '2028-03-31',
    },
    buyerActor,
  );
  return { framework, buyer, buyerActor, deliverer, supplier, delivererActor, contract };
}

/** A small valid PDF, enough for the content check. */
export const pdf = (text = 'evidence') => Buffer.from(`%PDF-1.4\n% ${text}\n%%EOF\n`, 'latin1');
