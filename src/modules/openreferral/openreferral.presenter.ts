import { createHash } from 'node:crypto';
import { districtName } from '../geography/geography.ts';
import { activityLabel, beneficiaryLabel, serviceLabel } from '../organisations/catalogue.ts';
import type { PublishedOrganisation } from './openreferral.repository.ts';

// Directory organisations as Open Referral UK (HSDS 3.0, UK profile) objects. The directory has no separate
// services: each organisation publishes one service, described by the organisation's own profile.

export type HsdsOrganizationIdentifier = {
  id: string;
  organization_id: string;
  identifier_scheme: 'GB-CHC' | 'GB-COH';
  identifier_type: string;
  identifier: string;
};
export type HsdsOrganization = {
  id: string;
  name: string;
  description: string;
  email?: string;
  website?: string;
  organization_identifiers?: HsdsOrganizationIdentifier[];
};
export type HsdsServiceArea = { id: string; service_id: string; name: string; service_area: string; uri: string };
export type HsdsPhone = { id: string; contact_id: string; number: string };
export type HsdsContact = { id: string; service_id: string; name: string; phones: HsdsPhone[] };
export type HsdsTaxonomyTerm = { id: string; name: string; description: string; term: string; taxonomy: string };
export type HsdsAttribute = {
  id: string;
  link_id: string;
  link_type: string;
  taxonomy_term_id: string;
  taxonomy_term: HsdsTaxonomyTerm;
};
/** A service with its one-to-one fields and its organization: an item of the paginated list. */
export type HsdsServiceSummary = {
  id: string;
  organization_id: string;
  name: string;
  description: string;
  url?: string;
  email?: string;
  status: 'active';
  alert?: string;
  assured_date?: string;
  last_modified: string;
  organization: HsdsOrganization;
};
/** The fully nested service. */
export type HsdsService = HsdsServiceSummary & {
  service_areas: HsdsServiceArea[];
  contacts: HsdsContact[];
  attributes: HsdsAttribute[];
};

// Fixed for good: nested objects get UUID v5 ids in this namespace, so the same row always publishes the same
// ids. Changing it would rename everything consumers have already stored.
const NAMESPACE = Buffer.from('b8d137ef434e4a17a3809466201a28eb', 'hex');

/** A deterministic UUID (version 5) for the thing the parts name. */
export function stableUuid(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join(':')).digest();
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Profiles are typed in by people and not all of them are valid addresses; the schema says uri and email, so
// anything that is not one is left out rather than published broken. The e-mail pattern is the schema
// validator's own (ajv-formats, full mode).
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const publicEmail = (value: string | null) => {
  const email = value?.trim();
  return email && EMAIL.test(email) ? email : undefined;
};
const webAddress = (value: string | null) => {
  if (!value?.trim() || !URL.canParse(value.trim())) return undefined;
  const url = new URL(value.trim());
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
};

const DEMO_ALERT = 'Demo data: this organisation and everything about it is invented, for trying out the service.';

// The Charity Commission's what/who/how classification, as attributes with taxonomy terms. The UK profile
// drops taxonomy_term.code, so each code is kept in the term's description and in its stable id.
const CLASSIFICATIONS = [
  {
    field: 'services',
    linkType: 'purpose',
    label: serviceLabel,
    taxonomy: 'Charity Commission register of charities classification: what the organisation does',
  },
  {
    field: 'beneficiaries',
    linkType: 'audience',
    label: beneficiaryLabel,
    taxonomy: 'Charity Commission register of charities classification: who the organisation helps',
  },
  {
    field: 'activities',
    linkType: 'activity',
    label: activityLabel,
    taxonomy: 'Charity Commission register of charities classification: how the organisation works',
  },
] as const;

function taxonomyTermFor(code: string, label: (code: string) => string, taxonomy: string): HsdsTaxonomyTerm {
  const name = label(code);
  return {
    id: stableUuid('taxonomy_term', 'charity-commission-classification', code),
    name,
    description: `Charity Commission classification code ${code}: ${name}.`,
    term: name,
    taxonomy,
  };
}

function identifiersOf(row: PublishedOrganisation): HsdsOrganizationIdentifier[] {
  const identifiers: HsdsOrganizationIdentifier[] = [];
  const add = (scheme: HsdsOrganizationIdentifier['identifier_scheme'], type: string, value: string | null) => {
    const identifier = value?.trim();
    if (!identifier) return;
    identifiers.push({
      id: stableUuid('organization_identifier', row.id, scheme),
      organization_id: row.id,
      identifier_scheme: scheme,
      identifier_type: type,
      identifier,
    });
  };
  // Scheme codes from org-id.guide, as the schema asks.
  add('GB-CHC', 'Charity number', row.charityNumber);
  add('GB-COH', 'Company number', row.companyNumber);
  return identifiers;
}

/** One organization, with the identifiers a consumer can match it on. */
export function organizationFrom(row: PublishedOrganisation): HsdsOrganization {
  return {
    ...basicOrganization(row),
    organization_identifiers: identifiersOf(row),
  };
}

// The one-to-one fields only, as the compiled service list nests it.
function basicOrganization(row: PublishedOrganisation): HsdsOrganization {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    email: publicEmail(row.publicEmail),
    website: webAddress(row.website),
  };
}

export function serviceSummaryFrom(row: PublishedOrganisation): HsdsServiceSummary {
  return {
    // The service takes its organisation's id: one service per organisation, and /services/{id} stays a
    // primary-key lookup. If organisations ever publish several services, they will need ids of their own.
    id: row.id,
    organization_id: row.id,
    name: row.name,
    description: row.description,
    url: webAddress(row.website),
    email: publicEmail(row.publicEmail),
    status: 'active',
    alert: row.isDemo ? DEMO_ALERT : undefined,
    // A hub admin's verification is the directory's check of the information.
    assured_date: row.verifiedAt?.toISOString().slice(0, 10),
    last_modified: row.updatedAt.toISOString(),
    organization: basicOrganization(row),
  };
}

export function serviceFrom(row: PublishedOrganisation): HsdsService {
  const serviceId = row.id;
  const phone = row.publicPhone?.trim();
  const contactId = stableUuid('contact', serviceId, 'public');
  return {
    ...serviceSummaryFrom(row),
    organization: organizationFrom(row),
    service_areas: row.districts.map((code) => ({
      id: stableUuid('service_area', serviceId, code),
      service_id: serviceId,
      name: districtName(code),
      service_area: districtName(code),
      // The ONS linked-data identifier of the local authority district.
      uri: `http://statistics.data.gov.uk/id/statistical-geography/${code}`,
    })),
    // The UK profile keeps phones only as linked to a contact (phone.contact_id), so the public number is the
    // one phone of a contact for public enquiries, nested as HSDS 3.0 nests it. Named people are never published.
    contacts: phone
      ? [
          {
            id: contactId,
            service_id: serviceId,
            name: 'Public enquiries',
            phones: [{ id: stableUuid('phone', serviceId, 'public'), contact_id: contactId, number: phone }],
          },
        ]
      : [],
    attributes: CLASSIFICATIONS.flatMap(({ field, linkType, label, taxonomy }) =>
      row[field].map((code) => {
        const term = taxonomyTermFor(code, label, taxonomy);
        return {
          id: stableUuid('attribute', serviceId, code),
          link_id: serviceId,
          link_type: linkType,
          taxonomy_term_id: term.id,
          taxonomy_term: term,
        };
      }),
    ),
  };
}
