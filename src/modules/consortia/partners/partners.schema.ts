import { z } from 'zod';
import { list } from '../../../platform/form-fields.ts';
import { isDistrictCode } from '../../geography/geography.ts';
import { codesOf, SERVICES } from '../../organisations/catalogue.ts';

// The forms for looking for partners and answering, each message saying what to fix. Whether the lots, areas
// and services chosen belong to the opportunity is checked by the service, which knows the opportunity.

const organisation = (message: string) => z.uuid({ error: message });
const message = (empty: string) =>
  z
    .string({ error: empty })
    .trim()
    .min(1, { error: empty })
    .max(2000, { error: 'The message must be 2,000 characters or fewer' });

export const requestSchema = z.object({
  organisationId: organisation('Choose the organisation that is looking for partners'),
  lotIds: list(z.uuid({ error: 'Choose lots from the list' })),
  districts: list(z.string().refine(isDistrictCode, { error: 'Choose areas from the list' })),
  services: list(z.enum(codesOf(SERVICES), { error: 'Choose services from the list' })),
  message: message('Say what kind of partner you are looking for'),
});
export type RequestInput = z.output<typeof requestSchema>;

export const replySchema = z.object({
  organisationId: organisation('Choose the organisation you are answering for'),
  message: message('Enter your answer'),
});
export type ReplyInput = z.output<typeof replySchema>;
