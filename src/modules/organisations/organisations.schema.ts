import { z } from 'zod';
import { emailField } from '../accounts/accounts.schema.ts';
import { identifierRules } from './profile.schema.ts';

export const createOrganisationSchema = z.object({
  name: z
    .string({ message: 'Enter the name of your organisation' })
    .trim()
    .min(1, 'Enter the name of your organisation')
    .max(200, 'Name must be 200 characters or fewer'),
  ...identifierRules,
});

export const invitationSchema = z.object({
  email: emailField,
  role: z.enum(['member', 'admin'], { message: 'Select whether they will be a member or an admin' }),
});

export const organisationIdSchema = z.uuid();

export type CreateOrganisationInput = z.output<typeof createOrganisationSchema>;
export type InvitationInput = z.output<typeof invitationSchema>;
