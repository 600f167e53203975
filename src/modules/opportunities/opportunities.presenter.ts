import { formatPounds } from '../../platform/money.ts';
import { districtName } from '../geography/geography.ts';
import { serviceLabel } from '../organisations/catalogue.ts';
import { londonLocal } from './opportunities.schema.ts';
import type { Opportunity, OpportunityKind, OpportunityStatus, ProcurementType } from './opportunities.tables.ts';

export const KIND_LABELS: Record<OpportunityKind, string> = {
  intention: 'Commissioning intention',
  engagement: 'Pre-market engagement',
  opportunity: 'Opportunity',
};
export const TYPE_LABELS: Record<ProcurementType, string> = {
  tender: 'Tender',
  grant: 'Grant',
  sla: 'Service-level agreement',
  call_off: 'Call-off from a framework',
};
export const STATUS_LABELS: Record<OpportunityStatus, string> = {
  draft: 'Draft',
  published: 'Open',
  closed: 'Closed',
  awarded: 'Awarded',
  contract: 'Under contract',
  completed: 'Completed',
  terminated: 'Terminated',
};
const STATUS_COLOURS: Record<OpportunityStatus, string> = {
  draft: 'govuk-tag--grey',
  published: 'govuk-tag--green',
  closed: 'govuk-tag--yellow',
  awarded: 'govuk-tag--blue',
  contract: 'govuk-tag--blue',
  completed: 'govuk-tag--grey',
  terminated: 'govuk-tag--red',
};

const FIELD_LABELS: Record<string, string> = {
  status: 'Status',
  documentAdded: 'Document added',
  description: 'Description',
  outcomesSought: 'Outcomes sought',
  outcomeCodes: 'Framework outcomes',
  clarificationDeadline: 'Clarification deadline',
  submissionDeadline: 'Submission deadline',
  suppliers: 'Suppliers',
  lots: 'Lots',
  valuePence: 'Value',
};

const options = (labels: Record<string, string>) => Object.entries(labels).map(([value, text]) => ({ value, text }));
export const kindOptions = options(KIND_LABELS);
export const typeOptions = options(TYPE_LABELS);

/** What one opportunity shows: labels, money in pounds and names for codes. */
export function presentOpportunity(opportunity: Opportunity & { buyerName: string }) {
  return {
    ...opportunity,
    kindLabel: KIND_LABELS[opportunity.kind],
    typeLabel: TYPE_LABELS[opportunity.procurementType],
    statusLabel: STATUS_LABELS[opportunity.status],
    statusClass: STATUS_COLOURS[opportunity.status],
    value: formatPounds(opportunity.valuePence),
    districtNames: opportunity.districts.map(districtName),
    serviceNames: opportunity.services.map(serviceLabel),
  };
}

const showValue = (field: string, value: unknown) => {
  if (value === null || value === undefined || value === '') return '(none)';
  if (field === 'status') return STATUS_LABELS[value as OpportunityStatus] ?? String(value);
  if (field === 'valuePence') return formatPounds(Number(value));
  if (field.endsWith('Deadline')) return londonLocal(new Date(String(value))).replace('T', ' ');
  return Array.isArray(value) ? value.join(', ') : String(value);
};

/** History entries as "field: before → after" lines. */
export function presentHistory(
  entries: { change: string; before: Record<string, unknown>; after: Record<string, unknown> }[],
) {
  return entries.map((entry) => ({
    ...entry,
    lines: Object.keys(entry.after).map((field) => ({
      field: FIELD_LABELS[field] ?? field,
      before: field in entry.before ? showValue(field, entry.before[field]) : undefined,
      after: showValue(field, entry.after[field]),
    })),
  }));
}

/** The saved opportunity as the strings its form shows. */
export function formValuesFrom(
  opportunity: Opportunity & { outcomeCodes?: string[] },
): Record<string, string | string[]> {
  return {
    kind: opportunity.kind,
    procurementType: opportunity.procurementType,
    title: opportunity.title,
    description: opportunity.description,
    outcomesSought: opportunity.outcomesSought,
    outcomeCodes: opportunity.outcomeCodes ?? [],
    districts: opportunity.districts,
    services: opportunity.services,
    valuePence: opportunity.valuePence === null ? '' : String(opportunity.valuePence / 100),
    durationMonths: opportunity.durationMonths === null ? '' : String(opportunity.durationMonths),
    plannedDate: opportunity.plannedDate ?? '',
    clarificationDeadline: londonLocal(opportunity.clarificationDeadline),
    submissionDeadline: londonLocal(opportunity.submissionDeadline),
    suitableForVcse: opportunity.suitableForVcse ? 'yes' : '',
    suitableForSme: opportunity.suitableForSme ? 'yes' : '',
    reservedForVcse: opportunity.reservedForVcse ? 'yes' : '',
    socialValueWeightingPercent: String(opportunity.socialValueWeightingPercent),
  };
}
