import { z } from 'zod';
import { poundsToPence } from '../../../platform/money.ts';
import { percentToBasisPoints } from '../terms/index.ts';

// The contract's payment schedule as the lead types it, each message saying what to fix.

const MAX_CONTRACT_PENCE = 1_000_000_000_00;

const required = (missing: string) => z.string({ error: missing }).trim().min(1, { error: missing });

const wholeNumber = (missing: string, invalid: string, min: number, max: number) =>
  required(missing).transform((text, context) => {
    const number = Number(text.replaceAll(',', ''));
    if (!/^[\d,]+$/.test(text) || !Number.isInteger(number) || number < min || number > max) {
      context.addIssue({ code: 'custom', message: invalid });
      return z.NEVER;
    }
    return number;
  });

export const scheduleSchema = z.object({
  contractValue: required('Enter the contract’s total value in pounds').transform((text, context) => {
    const pence = poundsToPence(text);
    if (pence === undefined || pence === 0 || pence > MAX_CONTRACT_PENCE) {
      context.addIssue({
        code: 'custom',
        message: 'Contract value must be an amount in pounds from £0.01 to £1,000,000,000, like 240,000',
      });
      return z.NEVER;
    }
    return pence;
  }),
  periods: wholeNumber(
    'Enter how many payments the buyer makes over the contract',
    'Number of payments must be a whole number from 1 to 120, like 12',
    1,
    120,
  ),
  periodLength: z.enum(['monthly', 'quarterly'], { error: 'Choose whether the buyer pays monthly or quarterly' }),
  buyerPaymentDays: wholeNumber(
    'Enter how many days the buyer takes to pay after each period ends',
    'Buyer’s payment days must be a whole number from 0 to 365, like 30',
    0,
    365,
  ),
  resultsPercent: required(
    'Enter the share of each payment the buyer makes only on results, or 0 if none is',
  ).transform((text, context) => {
    const basisPoints = percentToBasisPoints(text);
    if (basisPoints === undefined) {
      context.addIssue({
        code: 'custom',
        message: 'Share paid on results must be a percentage from 0 to 100, with at most 2 decimal places, like 20',
      });
      return z.NEVER;
    }
    return basisPoints;
  }),
  resultsLagDays: wholeNumber(
    'Enter how many days after the rest of a payment the results-based share is paid, or 0',
    'Results lag must be a whole number of days from 0 to 730, like 90',
    0,
    730,
  ),
});
export type ScheduleInput = z.output<typeof scheduleSchema>;
