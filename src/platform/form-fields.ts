import { z } from 'zod';
import { poundsToPence } from './money.ts';

// Builders for posted form fields that several forms share: what a browser sends is strings, or a list of
// strings for repeated checkboxes, and a blank field means "not given".

/** Zero, one or many values of a repeated field, always as a list. */
export const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => (value === undefined || value === '' ? [] : [value].flat()), z.array(item));

/**
 * A whole number between min and max, or null when blank; thousands separators are allowed. Years are shown
 * without one ("to 2026", not "to 2,026").
 */
export const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const number = Number(value.replaceAll(',', ''));
      if (!Number.isInteger(number) || number < min || number > max) {
        const shownMax = label.startsWith('Year') ? String(max) : max.toLocaleString('en-GB');
        context.addIssue({ code: 'custom', message: `${label} must be a whole number from ${min} to ${shownMax}` });
        return z.NEVER;
      }
      return number;
    });

/** An amount typed in pounds, as integer pence, or null when blank. */
export const pounds = (label: string, example: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const pence = poundsToPence(value);
      if (pence === undefined) {
        context.addIssue({ code: 'custom', message: `${label} must be an amount in pounds, like ${example}` });
        return z.NEVER;
      }
      return pence;
    });
