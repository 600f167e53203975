import { z } from 'zod';
import { pounds } from '../../platform/form-fields.ts';
import { REPORTING_PERIODS } from './ledger.tables.ts';

// What buyers and deliverers type: contracts, commitments, results, queries, answers and verifications.

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
    .optional()
    .transform((value) => value ?? '');

const isRealDate = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayMessage = (label: string) => `${label} must be a real date, like 2027-04-01`;

/** A date typed as 2027-04-01, or null when blank. */
const optionalDay = (label: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null)
    .refine((value) => value === null || (DAY.test(value) && isRealDate(value)), dayMessage(label));

/** A date typed as 2027-04-01 that must be given. */
const requiredDay = (label: string) =>
  z
    .string({ message: `Enter the ${label.toLowerCase()}` })
    .trim()
    .min(1, `Enter the ${label.toLowerCase()}`)
    .refine((value) => DAY.test(value) && isRealDate(value), dayMessage(label));

/**
 * A quantity as a decimal string with up to 2 decimal places, so it is stored and hashed exactly as typed
 * (thousands separators removed, no float rounding).
 */
const quantity = (label: string, { positive }: { positive: boolean }) =>
  z
    .string({ message: `Enter the ${label.toLowerCase()}` })
    .trim()
    .transform((value, context) => {
      const plain = value.replaceAll(',', '');
      if (!plain) {
        context.addIssue({ code: 'custom', message: `Enter the ${label.toLowerCase()}` });
        return z.NEVER;
      }
      const number = Number(plain);
      if (!/^\d{1,12}(\.\d{1,2})?$/.test(plain) || (positive && number <= 0)) {
        context.addIssue({
          code: 'custom',
          message: `${label} must be a number ${positive ? 'greater than 0' : 'of 0 or more'}, with up to 2 decimal places`,
        });
        return z.NEVER;
      }
      // One spelling for one number: "007.50" and "7.5" are both kept as "7.5".
      return String(number);
    });

const uuidField = (message: string) => z.uuid({ message });

export const contractSchema = z
  .object({
    buyerOrganisationId: uuidField('Choose the organisation buying'),
    supplierOrganisationId: uuidField('Choose the supplier from the directory'),
    title: z
      .string({ message: 'Enter a title' })
      .trim()
      .min(1, 'Enter a title')
      .max(200, 'Title must be 200 characters or fewer'),
    description: text(10_000, 'Description'),
    valuePence: pounds('Value', '250,000'),
    startDate: optionalDay('Start date'),
    endDate: optionalDay('End date'),
  })
  .refine((value) => !value.startDate || !value.endDate || value.startDate <= value.endDate, {
    message: 'End date must be on or after the start date',
    path: ['endDate'],
  });
export type ContractInput = z.output<typeof contractSchema>;

export const commitmentSchema = z.object({
  measureId: uuidField('Choose a measure'),
  targetQuantity: quantity('Target', { positive: true }),
  reportingPeriod: z.enum(REPORTING_PERIODS, { message: 'Choose how often results are reported' }),
});
export type CommitmentInput = z.output<typeof commitmentSchema>;

export const correctionSchema = commitmentSchema.extend({
  reason: z
    .string({ message: 'Say why the commitment is corrected' })
    .trim()
    .min(1, 'Say why the commitment is corrected')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
});
export type CorrectionInput = z.output<typeof correctionSchema>;

const resultFields = {
  periodStart: requiredDay('Start of the period'),
  periodEnd: requiredDay('End of the period'),
  quantity: quantity('Quantity', { positive: false }),
  narrative: text(10_000, 'What was done'),
};
const periodInOrder = (value: { periodStart: string; periodEnd: string }) => value.periodStart <= value.periodEnd;
const periodMessage = { message: 'The end of the period must be on or after its start', path: ['periodEnd'] };

export const resultSchema = z
  .object({ commitmentId: uuidField('Choose the commitment'), ...resultFields })
  .refine(periodInOrder, periodMessage);
export type ResultInput = z.output<typeof resultSchema>;

const message = (label: string) =>
  z
    .string({ message: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(5000, `${label[0]?.toUpperCase()}${label.slice(1)} must be 5,000 characters or fewer`);

export const querySchema = z.object({ message: message('your question') });
export const responseSchema = z
  .object({ message: message('your answer'), ...resultFields })
  .refine(periodInOrder, periodMessage);
export type ResponseInput = z.output<typeof responseSchema>;
export const verificationSchema = z.object({ note: text(2000, 'The note') });
