import { HttpError } from '../../platform/errors.ts';
import { formatPounds } from '../../platform/money.ts';
import { presentRequests } from '../consortia/partners/partners.page.ts';
import { districts as allDistricts, districtName } from '../geography/geography.ts';
import { formatSize, labelFor } from './documents/document-types.ts';
import { presentHistory, presentOpportunity } from './opportunities.presenter.ts';
import { awardable, nextTransitions, openLots, TRANSITIONS } from './opportunities.rules.ts';
import type { opportunitiesService, Viewer } from './opportunities.service.ts';

/** Everything the opportunity page shows, for the public and (with its controls) for the buyer's officers. */
export async function showPage(service: ReturnType<typeof opportunitiesService>, id: string, viewer: Viewer) {
  const opportunity = await service.findVisible(id, viewer);
  if (!opportunity) throw new HttpError(404, 'Page not found', 'There is no opportunity at this address.');
  const { lots, awards, history, outcomes } = await service.details(opportunity);
  const isBuyer = viewer?.organisationIds.includes(opportunity.buyerOrganisationId) ?? false;
  const actions = isBuyer
    ? nextTransitions(opportunity.status).map((name) => ({ name, label: TRANSITIONS[name].label }))
    : [];
  const { documents, questions, consortia, partnerRequests } = await service.extras(opportunity.id, isBuyer);
  // Open for bids, as opportunities are matched: published and the submission deadline not yet passed.
  const open =
    opportunity.status === 'published' &&
    (opportunity.submissionDeadline === null || opportunity.submissionDeadline > new Date());
  return {
    title: opportunity.title,
    opportunity: presentOpportunity(opportunity),
    outcomes,
    lots: lots.map((lot) => ({
      ...lot,
      value: formatPounds(lot.valuePence),
      districtNames: lot.districts.map(districtName),
    })),
    awards: awards.map((award) => ({
      ...award,
      value: formatPounds(award.valuePence),
      lotTitles: lots.filter((lot) => award.lotIds.includes(lot.id)).map((lot) => lot.title),
    })),
    // Lots still to award once some are: the buyer records their award the same way.
    awardsOpen: awardable(opportunity.status, openLots(lots, awards)),
    history: presentHistory(history),
    isBuyer,
    actions,
    lotValues: {},
    lotDistrictOptions: allDistricts.map((district) => ({ code: district.code, label: district.name })),
    documents: documents.map((document) => ({
      ...document,
      size: formatSize(document.sizeBytes),
      typeLabel: labelFor(document.contentType),
    })),
    questions,
    questionValues: {},
    consortia,
    // Organisations form consortia while the opportunity is open; the buyer does not bid on its own work.
    canFormConsortium: viewer !== null && !isBuyer && opportunity.status === 'published',
    // While it is open, organisations look for partners and answer each other; the buyer's officers only read.
    partnersOpen: open,
    partnerRequests: open ? presentRequests(partnerRequests, lots, viewer?.organisationIds ?? []) : [],
    canLookForPartners: open && viewer !== null && !isBuyer && viewer.organisationIds.length > 0,
  };
}
