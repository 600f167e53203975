import { z } from 'zod';
import { emailField } from '../accounts/accounts.schema.ts';

const optionalIdentifier = (label: string, pattern: RegExp, example: string) =>
  z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => value === '' || pattern.test(value), `${label} must be like ${example}`)
    .transform((value) => value || null)
    .optional()
    .transform((value) => value ?? null);

export const createOrganisationSchema = z.object({
  name: z
    .string({ message: 'Enter the name of your organisation' })
    .trim()
    .min(1, 'Enter the name of your organisation')
    .max(200, 'Name must be 200 characters or fewer'),
  charityNumber: optionalIdentifier('Charity number', /^\d{6,8}(-\d{1,2})?$/, '1123456'),
  companyNumber: optionalIdentifier('Company number', /^([A-Z]{2}\d{6}|\d{8})$/, '01234567 or SC123456'),
});

export const invitationSchema = z.object({
  email: emailField,
  role: z.enum(['member', 'admin'], { message: 'Select whether they will be a member or an admin' }),
});

export const organisationIdSchema = z.uuid();

export type CreateOrganisationInput = z.output<typeof createOrganisationSchema>;
export type InvitationInput = z.output<typeof invitationSchema>;
