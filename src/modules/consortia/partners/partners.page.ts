import { districtName } from '../../geography/geography.ts';
import { serviceLabel } from '../../organisations/catalogue.ts';
import type { Lot, PartnerRequest } from './partners.repository.ts';

// What the pages show of a request for partners: names, never codes.

/** "A", "A and B", "A, B and C". */
export const inWords = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/** The lots, areas and services a request wants partners for, in words; an empty choice means all of them. */
export function describeRequest(
  request: Pick<PartnerRequest, 'lot_ids' | 'districts' | 'services'>,
  lots: readonly Pick<Lot, 'id' | 'title'>[],
) {
  const lotTitles = lots.filter((lot) => request.lot_ids.includes(lot.id)).map((lot) => lot.title);
  return {
    lots: lotTitles.length ? inWords(lotTitles) : lots.length ? 'Any lot' : 'Bought as a single lot',
    districts: request.districts.length ? inWords(request.districts.map(districtName)) : 'All its areas',
    services: request.services.length ? inWords(request.services.map(serviceLabel)) : 'Any of its services',
  };
}

/** The open requests on an opportunity's page, each marked when it is one of the viewer's organisations'. */
export const presentRequests = (
  requests: readonly PartnerRequest[],
  lots: readonly Pick<Lot, 'id' | 'title'>[],
  viewerOrganisationIds: readonly string[],
) =>
  requests.map((request) => ({
    ...request,
    ...describeRequest(request, lots),
    mine: viewerOrganisationIds.includes(request.organisation_id),
  }));
