import { z } from 'zod';
import { list, pounds, wholeNumber } from '../../platform/form-fields.ts';
import { isDistrictCode } from '../geography/geography.ts';
import { codesOf, SERVICES } from '../organisations/catalogue.ts';
import { KINDS, PROCUREMENT_TYPES, STATUSES } from './opportunities.tables.ts';

// The buyer's forms and the public search, as zod schemas: posted strings in, typed values out.

const text = (max: number, label: string) =>
  z.string().trim().max(max, `${label} must be ${max} characters or fewer`).optional().default('');

const districtList = list(z.string().refine(isDistrictCode, 'Choose areas from the list'));
const serviceList = list(z.enum(codesOf(SERVICES), { message: 'Choose services from the list' }));
// Framework outcome codes; which ones exist depends on the current framework, so the service checks them.
const outcomeList = list(z.string().trim().min(1).max(40)).transform((codes) => [...new Set(codes)].sort());
const yes = z.preprocess((value) => value === 'yes', z.boolean());

/** "2027-03-01T12:00" typed in the UK, to the instant it names (GMT or BST as the date falls). */
export function londonInstant(local: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const inLondon = new Date(new Date(asUtc).toLocaleString('en-US', { timeZone: 'Europe/London' }));
  const inUtc = new Date(new Date(asUtc).toLocaleString('en-US', { timeZone: 'UTC' }));
  const instant = new Date(asUtc - (inLondon.getTime() - inUtc.getTime()));
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** The instant as the UK reads it, for a datetime-local field. */
export function londonLocal(instant: Date | null): string {
  if (!instant) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

const deadline = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const instant = londonInstant(value);
      if (!instant) {
        context.addIssue({ code: 'custom', message: `${label} must be a date and time, like 2027-03-01T12:00` });
        return z.NEVER;
      }
      return instant;
    });

export const opportunitySchema = z
  .object({
    kind: z.enum(KINDS, { message: 'Choose what you are publishing' }),
    procurementType: z.enum(PROCUREMENT_TYPES, { message: 'Choose how you will buy' }),
    title: z.string().trim().min(1, 'Enter a title').max(200, 'Title must be 200 characters or fewer'),
    description: text(10_000, 'Description'),
    outcomesSought: text(10_000, 'Outcomes sought'),
    districts: districtList,
    services: serviceList,
    outcomeCodes: outcomeList,
    valuePence: pounds('Estimated value', '250,000'),
    durationMonths: wholeNumber('Duration', 1, 240),
    plannedDate: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || null)
      .refine((value) => value === null || /^\d{4}-\d{2}-\d{2}$/.test(value), 'Planned date must be like 2027-04-01'),
    clarificationDeadline: deadline('Clarification deadline'),
    submissionDeadline: deadline('Submission deadline'),
    suitableForVcse: yes,
    suitableForSme: yes,
    reservedForVcse: yes,
    socialValueWeightingPercent: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? Number(value) : 10))
      .refine(
        (value) => Number.isInteger(value) && value >= 10 && value <= 100,
        'Social value weighting must be a whole number from 10 to 100: the government minimum is 10%',
      ),
  })
  .refine(
    (value) =>
      !value.clarificationDeadline ||
      !value.submissionDeadline ||
      value.clarificationDeadline <= value.submissionDeadline,
    { message: 'Clarification deadline must be before the submission deadline', path: ['clarificationDeadline'] },
  );
export type OpportunityInput = z.output<typeof opportunitySchema>;

export const newOpportunitySchema = z.object({
  buyerOrganisationId: z.uuid({ message: 'Choose the organisation you buy for' }),
});

export const lotSchema = z.object({
  title: z.string().trim().min(1, 'Enter a title for the lot').max(200, 'Lot title must be 200 characters or fewer'),
  description: text(5_000, 'Lot description'),
  valuePence: pounds('Lot value', '250,000'),
  districts: districtList,
});
export type LotInput = z.output<typeof lotSchema>;

export const awardSchema = z
  .object({
    supplierIds: list(z.uuid({ message: 'Choose suppliers from the list' })),
    consortiumIds: list(z.uuid({ message: 'Choose consortia from the list' })),
    lotIds: list(z.uuid({ message: 'Choose lots from the list' })),
    valuePence: pounds('Awarded value', '250,000'),
  })
  .refine((award) => award.supplierIds.length + award.consortiumIds.length > 0, {
    message: 'Choose at least one supplier or consortium',
    path: ['supplierIds'],
  });

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), z.enum(values).optional()).catch(undefined);

export const VALUE_BANDS = {
  under25k: { label: 'Under £25,000', min: 0, max: 2_500_000 },
  '25kTo100k': { label: '£25,000 to £100,000', min: 2_500_000, max: 10_000_000 },
  '100kTo1m': { label: '£100,000 to £1 million', min: 10_000_000, max: 100_000_000 },
  over1m: { label: 'Over £1 million', min: 100_000_000, max: Number.MAX_SAFE_INTEGER },
} as const;

export const searchSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: optionalEnum(['published', 'closed', 'awarded', 'contract', 'completed', 'terminated'] as const),
  kind: optionalEnum(KINDS),
  procurementType: optionalEnum(PROCUREMENT_TYPES),
  district: z.string().refine(isDistrictCode).optional().catch(undefined),
  service: optionalEnum(codesOf(SERVICES)),
  value: optionalEnum(Object.keys(VALUE_BANDS) as [keyof typeof VALUE_BANDS, ...(keyof typeof VALUE_BANDS)[]]),
  vcse: optionalEnum(['yes'] as const),
  sme: optionalEnum(['yes'] as const),
  reserved: optionalEnum(['yes'] as const),
  closingBefore: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type SearchInput = z.output<typeof searchSchema>;
export const statusesForSearch = STATUSES.filter((status) => status !== 'draft');
