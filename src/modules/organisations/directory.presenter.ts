import { formatPounds } from '../../platform/money.ts';
import { districtName, districts } from '../geography/geography.ts';
import {
  ASSURANCES,
  BENEFICIARIES,
  beneficiaryLabel,
  LEGAL_FORMS,
  legalFormLabel,
  SERVICES,
  serviceLabel,
} from './catalogue.ts';
import type { FacetName, SearchResult, SearchRow } from './directory.repository.ts';
import type { DirectorySearch } from './directory.schema.ts';
import { TIERS, tierInfo } from './tiers.ts';

// Search results as the page and the API show them: codes with their labels, money in pounds, identifiers.

export type FacetValue = { value: string; label: string; count: number; selected: boolean };
export type Facet = { name: FacetName; title: string; values: FacetValue[] };

const FACET_OPTIONS: Record<FacetName, { title: string; options: { code: string; label: string }[] }> = {
  district: { title: 'Area', options: districts.map((district) => ({ code: district.code, label: district.name })) },
  tier: {
    title: 'Size (income tier)',
    options: TIERS.map((tier) => ({ code: String(tier.tier), label: `Tier ${tier.tier}: ${tier.label}` })),
  },
  atRisk: { title: 'At-risk tiers', options: [{ code: 'true', label: 'Only tiers 2 to 4 (at risk)' }] },
  service: { title: 'Service', options: [...SERVICES] },
  beneficiary: { title: 'Who they help', options: [...BENEFICIARIES] },
  legalForm: { title: 'Legal form', options: [...LEGAL_FORMS] },
  assurance: { title: 'Policies and accreditations', options: [...ASSURANCES] },
  verified: { title: 'Verified', options: [{ code: 'true', label: 'Verified by the hub' }] },
};

const selectedValues = (search: DirectorySearch, facet: FacetName): string[] => {
  if (facet === 'atRisk' || facet === 'verified') return search[facet] ? ['true'] : [];
  return search[facet].map(String);
};

export function presentFacets(result: SearchResult, search: DirectorySearch): Facet[] {
  return (Object.keys(FACET_OPTIONS) as FacetName[]).map((name) => {
    const selected = selectedValues(search, name);
    return {
      name,
      title: FACET_OPTIONS[name].title,
      values: FACET_OPTIONS[name].options.map((option) => ({
        value: option.code,
        label: option.label,
        count: result.facets[name][option.code] ?? 0,
        selected: selected.includes(option.code),
      })),
    };
  });
}

/** org-id.guide identifiers: the charity number first, as commissioners look for it. */
export function orgIdentifiers(row: { charity_number?: string | null; company_number?: string | null }) {
  return [
    ...(row.charity_number ? [`GB-CHC-${row.charity_number}`] : []),
    ...(row.company_number ? [`GB-COH-${row.company_number}`] : []),
  ];
}

export function presentResult(row: SearchRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tier: row.tier,
    tierLabel: tierInfo(row.tier)?.label ?? 'Income not known',
    atRisk: tierInfo(row.tier)?.atRisk ?? false,
    income: row.income_pence === null ? null : { pence: row.income_pence, display: formatPounds(row.income_pence) },
    districts: row.districts.map((code) => ({ code, name: districtName(code) })),
    services: row.services.map((code) => ({ code, label: serviceLabel(code) })),
    beneficiaries: row.beneficiaries.map((code) => ({ code, label: beneficiaryLabel(code) })),
    legalForm: row.legal_form ? { code: row.legal_form, label: legalFormLabel(row.legal_form) } : null,
    verified: row.verified,
    demo: row.is_demo,
    identifiers: orgIdentifiers(row),
  };
}

export type PresentedResult = ReturnType<typeof presentResult>;
