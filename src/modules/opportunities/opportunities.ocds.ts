import type { Opportunity, OpportunityLot } from './opportunities.tables.ts';

// Each change to a published opportunity becomes one OCDS 1.1.5 release, kept as published in ocds_releases.

/** This service's OCID prefix. Registered prefixes are `ocds-` and six characters; ours stands until one is. */
export const OCID_PREFIX = 'ocds-wckm01';

export const ocidFor = (id: string) => `${OCID_PREFIX}-${id}`;

// The extensions whose fields the releases use, as Find a Tender declares them; a release's package names those
// it uses (extensionsOf), so that a reader knows where each field is defined.
const OCP_EXTENSIONS = 'https://raw.githubusercontent.com/open-contracting-extensions';
export const EXTENSIONS = {
  lots: `${OCP_EXTENSIONS}/ocds_lots_extension/master/extension.json`,
  suitability: `${OCP_EXTENSIONS}/ocds_suitability_extension/master/extension.json`,
  /** tender.otherRequirements.reservedParticipation */
  otherRequirements: `${OCP_EXTENSIONS}/ocds_otherRequirements_extension/master/extension.json`,
  /** The UK's codes, among them reservedParticipation's smeVcse. */
  uk: 'https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json',
  /** The parts of a contract that its supplier subcontracts. */
  subcontracting: `${OCP_EXTENSIONS}/ocds_subcontracting_extension/master/extension.json`,
} as const;

type Subcontractor = { organisation_id: string; name: string; role: string; share_basis_points: number | null };
type Award = {
  organisationId: string;
  name: string;
  valuePence: number | null;
  awardedAt: Date;
  /** The lots the award covers; none for the whole opportunity. */
  lotIds: string[];
  /** The other members of the consortium the award went to, if it went to one. */
  subcontractors?: Subcontractor[];
};

/**
 * A consortium's award in the subcontracting extension's terms: its lead is the supplier, and the members'
 * allocated share of the work is the part subcontracted (a fraction from 0 to 1, as the extension has it).
 */
function subcontracting(awards: Award[]) {
  const members = awards.flatMap((award) => award.subcontractors ?? []);
  if (members.length === 0) return {};
  const known = members.every((member) => member.share_basis_points !== null);
  const fraction = members.reduce((sum, member) => sum + (member.share_basis_points ?? 0), 0) / 10_000;
  const describe = (member: Subcontractor) =>
    `${member.name} (${member.role}${member.share_basis_points === null ? '' : `, ${member.share_basis_points / 100}% of the work`})`;
  return {
    hasSubcontracting: true,
    subcontracting: {
      description: `Delivered by a consortium whose lead is the supplier, with ${members.map(describe).join(', ')}.`,
      ...(known ? { minimumPercentage: fraction, maximumPercentage: fraction } : {}),
    },
  };
}

/**
 * One OCDS award for each award the buyer recorded (the suppliers chosen together, for the same lots), in the
 * order they were made, with the lots it covers as the lots extension has them.
 */
function awardsOf(ocid: string, awards: Award[]) {
  const groups = new Map<string, Award[]>();
  for (const award of awards) {
    const key = `${award.awardedAt.toISOString()} ${[...award.lotIds].sort().join(',')}`;
    groups.set(key, [...(groups.get(key) ?? []), award]);
  }
  return [...groups.values()]
    .sort((a, b) => (a[0]?.awardedAt.getTime() ?? 0) - (b[0]?.awardedAt.getTime() ?? 0))
    .map((group, at) => ({
      id: `${ocid}-award-${at + 1}`,
      status: 'active',
      date: iso(group[0]?.awardedAt ?? null),
      value: group.some((item) => item.valuePence !== null)
        ? gbp(group.reduce((sum, item) => sum + (item.valuePence ?? 0), 0))
        : undefined,
      suppliers: group.map((award) => ({ id: award.organisationId, name: award.name })),
      relatedLots: group[0]?.lotIds.length ? group[0].lotIds : undefined,
      ...subcontracting(group),
    }));
}

/** Each party once, with every role it has: OCDS wants the parties unique by id. */
function mergedParties(parties: { id: string; name: string; roles: string[] }[]) {
  const byId = new Map<string, { id: string; name: string; roles: string[] }>();
  for (const party of parties) {
    const known = byId.get(party.id);
    if (known) known.roles = [...new Set([...known.roles, ...party.roles])];
    else byId.set(party.id, { ...party, roles: [...party.roles] });
  }
  return [...byId.values()];
}

export type ReleaseInput = {
  opportunity: Opportunity;
  buyerName: string;
  lots: OpportunityLot[];
  awards: Award[];
  releaseId: string;
  date: Date;
  tags: string[];
  /** The opportunity's documents, as listed; without a URL, which depends on where the service runs. */
  documents?: { id: string; fileName: string; contentType: string; uploadedAt: Date }[];
};

const gbp = (pence: number | null) => (pence === null ? undefined : { amount: pence / 100, currency: 'GBP' });
const iso = (date: Date | null) => date?.toISOString();

const procurementMethod = { tender: 'open', grant: 'open', sla: 'direct', call_off: 'selective' } as const;

function tenderStatus(opportunity: Opportunity) {
  if (opportunity.status === 'published') return opportunity.kind === 'opportunity' ? 'active' : 'planning';
  return 'complete';
}

function contractStatus(opportunity: Opportunity) {
  return opportunity.status === 'contract' ? 'active' : 'terminated';
}

/** Tags for a change: planning for intentions and engagement, tender for opportunities. */
export function tagsFor(
  opportunity: Pick<Opportunity, 'kind'>,
  change: 'publish' | 'amend' | 'close' | 'award' | 'contract' | 'complete' | 'terminate',
): string[] {
  const stage = opportunity.kind === 'opportunity' ? 'tender' : 'planning';
  if (change === 'publish') return [stage];
  if (change === 'amend' || change === 'close') return [`${stage}Update`];
  if (change === 'award') return ['award'];
  if (change === 'contract') return ['contract'];
  return ['contractTermination'];
}

export function buildRelease(input: ReleaseInput) {
  const { opportunity, buyerName, lots, awards, releaseId, date, tags, documents = [] } = input;
  const { ocid } = opportunity;
  const buyer = { id: opportunity.buyerOrganisationId, name: buyerName };
  const suppliers = awards.map((award) => ({ id: award.organisationId, name: award.name }));
  const awarded = awardsOf(ocid, awards);
  const hasContract = ['contract', 'completed', 'terminated'].includes(opportunity.status);
  return {
    ocid,
    id: releaseId,
    date: date.toISOString(),
    tag: tags,
    initiationType: 'tender',
    language: 'en',
    parties: mergedParties([
      { ...buyer, roles: ['buyer', 'procuringEntity'] },
      ...suppliers.map((supplier) => ({ ...supplier, roles: ['supplier'] })),
      // partyRole is an open codelist: consortium members are named as the supplier's subcontractors.
      ...awards
        .flatMap((award) => award.subcontractors ?? [])
        .map((member) => ({ id: member.organisation_id, name: member.name, roles: ['subcontractor'] })),
    ]),
    buyer,
    planning: {
      rationale: opportunity.outcomesSought || undefined,
      budget: opportunity.valuePence === null ? undefined : { amount: gbp(opportunity.valuePence) },
    },
    tender: {
      id: opportunity.id,
      title: opportunity.title,
      description: opportunity.description,
      status: tenderStatus(opportunity),
      procuringEntity: buyer,
      value: gbp(opportunity.valuePence),
      procurementMethod: procurementMethod[opportunity.procurementType],
      mainProcurementCategory: 'services',
      awardCriteriaDetails: `Social value is weighted at ${opportunity.socialValueWeightingPercent}% of the evaluation.`,
      tenderPeriod: opportunity.submissionDeadline ? { endDate: iso(opportunity.submissionDeadline) } : undefined,
      enquiryPeriod: opportunity.clarificationDeadline
        ? { endDate: iso(opportunity.clarificationDeadline) }
        : undefined,
      contractPeriod: opportunity.durationMonths ? { durationInDays: opportunity.durationMonths * 30 } : undefined,
      // The lots and suitability extensions, as Find a Tender and the Procurement Act notices use them.
      lots: lots.map((lot) => ({
        id: lot.id,
        title: lot.title,
        description: lot.description,
        value: gbp(lot.valuePence),
      })),
      suitability: { sme: opportunity.suitableForSme, vcse: opportunity.suitableForVcse },
      // Reserved for VCSEs: the UK's one reservation code below the thresholds, for SMEs and VCSEs.
      otherRequirements: opportunity.reservedForVcse ? { reservedParticipation: ['smeVcse'] } : undefined,
      documents: documents.length
        ? documents.map((document) => ({
            id: document.id,
            title: document.fileName,
            format: document.contentType.split(';')[0],
            datePublished: iso(document.uploadedAt),
          }))
        : undefined,
    },
    awards: awarded.length ? awarded : undefined,
    contracts:
      hasContract && awarded.length
        ? awarded.map((award, at) => ({
            id: `${ocid}-contract-${at + 1}`,
            awardID: award.id,
            status: contractStatus(opportunity),
            value: award.value,
          }))
        : undefined,
  };
}

/** The extensions a release built by buildRelease uses. */
export function extensionsOf(release: ReturnType<typeof buildRelease>): string[] {
  const { tender, awards = [] } = release;
  return [
    ...(tender.lots.length > 0 ? [EXTENSIONS.lots] : []),
    EXTENSIONS.suitability,
    ...(tender.otherRequirements ? [EXTENSIONS.otherRequirements, EXTENSIONS.uk] : []),
    ...(awards.some((award) => 'subcontracting' in award) ? [EXTENSIONS.subcontracting] : []),
  ];
}
