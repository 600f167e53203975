import type { Opportunity, OpportunityStatus } from './opportunities.tables.ts';

// The lifecycle, as pure rules, so the service and its tests share one statement of them.

/** A rule was broken: the message is for the person, and is shown as it is, by the field it is about if any. */
export class RuleError extends Error {
  readonly field?: string;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

export type Transition = 'publish' | 'close' | 'award' | 'contract' | 'complete' | 'terminate';

export const TRANSITIONS: Record<Transition, { from: OpportunityStatus; to: OpportunityStatus; label: string }> = {
  publish: { from: 'draft', to: 'published', label: 'published' },
  close: { from: 'published', to: 'closed', label: 'closed' },
  award: { from: 'closed', to: 'awarded', label: 'awarded' },
  contract: { from: 'awarded', to: 'contract', label: 'put under contract' },
  complete: { from: 'contract', to: 'completed', label: 'completed' },
  terminate: { from: 'contract', to: 'terminated', label: 'terminated' },
};

export const isTransition = (name: unknown): name is Transition =>
  typeof name === 'string' && Object.hasOwn(TRANSITIONS, name);

/** The next steps open from a status, for the buttons on the buyer's page. */
export const nextTransitions = (status: OpportunityStatus): Transition[] =>
  (Object.keys(TRANSITIONS) as Transition[]).filter((name) => TRANSITIONS[name].from === status);

export function checkTransition(opportunity: Pick<Opportunity, 'status' | 'title'>, transition: Transition): void {
  const { from, label } = TRANSITIONS[transition];
  if (opportunity.status !== from) {
    throw new RuleError(
      `“${opportunity.title}” is ${opportunity.status}, so it cannot be ${label}: only a ${from} opportunity can.`,
    );
  }
}

type Lot = { id: string; title: string };

/** The lots no award covers yet; an award naming no lots covered the whole opportunity. */
export function openLots<L extends Lot>(lots: L[], awarded: { lotIds: string[] }[]): L[] {
  if (awarded.some((award) => award.lotIds.length === 0)) return [];
  const taken = new Set(awarded.flatMap((award) => award.lotIds));
  return lots.filter((lot) => !taken.has(lot.id));
}

/** Whether an award can be recorded: the opportunity is closed, or awarded with lots still open. */
export const awardable = (status: OpportunityStatus, open: readonly Lot[]) =>
  status === TRANSITIONS.award.from || (status === TRANSITIONS.award.to && open.length > 0);

/**
 * The lots an award covers. A closed opportunity is awarded whole or lot by lot; once awarded, further awards
 * may take the lots still open. Choosing no lots takes every lot still open (and, without lots, the whole).
 */
export function lotsToAward(
  opportunity: Pick<Opportunity, 'status' | 'title'>,
  lots: Lot[],
  awarded: { lotIds: string[] }[],
  chosen: string[],
): string[] {
  const open = openLots(lots, awarded);
  if (!awardable(opportunity.status, open)) checkTransition(opportunity, 'award');
  const unknown = chosen.filter((id) => !lots.some((lot) => lot.id === id));
  if (unknown.length > 0) throw new RuleError('Choose lots of this opportunity.', 'lotIds');
  const already = lots.filter((lot) => chosen.includes(lot.id) && !open.includes(lot));
  if (already.length > 0) {
    const titles = already.map((lot) => `“${lot.title}”`).join(' and ');
    throw new RuleError(
      `${titles} ${already.length > 1 ? 'are' : 'is'} already awarded: choose lots still open.`,
      'lotIds',
    );
  }
  return chosen.length > 0
    ? lots.filter((lot) => chosen.includes(lot.id)).map((lot) => lot.id)
    : open.map((lot) => lot.id);
}

/** What must be true before anything is published: suppliers act on these details. */
export function checkPublishable(
  opportunity: Pick<Opportunity, 'kind' | 'submissionDeadline' | 'description'>,
  now: Date,
): void {
  if (!opportunity.description.trim()) throw new RuleError('Add a description before publishing.');
  if (opportunity.kind !== 'opportunity') return;
  if (!opportunity.submissionDeadline) throw new RuleError('Add a submission deadline before publishing.');
  if (opportunity.submissionDeadline <= now) throw new RuleError('The submission deadline must be in the future.');
}

// After publication suppliers rely on the scope, value and terms, so only these may change, and each change
// is written to the history. Deadlines may move while the opportunity is open (a clarification, an extension).
export const AMENDABLE_FIELDS = [
  'description',
  'outcomesSought',
  'outcomeCodes',
  'clarificationDeadline',
  'submissionDeadline',
] as const;
export type AmendableField = (typeof AMENDABLE_FIELDS)[number];

export const EDITABLE_FIELDS = [
  'kind',
  'procurementType',
  'title',
  'description',
  'outcomesSought',
  'outcomeCodes',
  'districts',
  'services',
  'valuePence',
  'durationMonths',
  'plannedDate',
  'clarificationDeadline',
  'submissionDeadline',
  'suitableForVcse',
  'suitableForSme',
  'reservedForVcse',
  'socialValueWeightingPercent',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

const comparable = (value: unknown) => JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));

/** The fields whose value differs, in a stable order. */
export function changedFields<Field extends string>(
  before: Record<Field, unknown>,
  after: Partial<Record<Field, unknown>>,
  fields: readonly Field[],
): Field[] {
  return fields.filter((field) => field in after && comparable(before[field]) !== comparable(after[field]));
}

/** Which changes are allowed in this status; throws with the names of the fields that may not change. */
export function checkEditable(status: OpportunityStatus, changed: readonly EditableField[]): void {
  if (status === 'draft') return;
  if (status !== 'published') throw new RuleError(`A ${status} opportunity can no longer be changed.`);
  const fixed = changed.filter((field) => !(AMENDABLE_FIELDS as readonly string[]).includes(field));
  if (fixed.length > 0) {
    throw new RuleError(
      `After publication only the description, outcomes and deadlines can change; not ${fixed.join(', ')}.`,
    );
  }
}

/** A snapshot for history and audit: dates as ISO strings. */
export function snapshot(values: Partial<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((field) => {
      const value = values[field];
      return [field, value instanceof Date ? value.toISOString() : (value ?? null)];
    }),
  );
}
