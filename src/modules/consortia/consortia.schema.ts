import { z } from 'zod';

// The consortium forms, each message saying what to fix.

const text = (max: number, empty: string, long: string) =>
  z.string({ error: empty }).trim().min(1, { error: empty }).max(max, { error: long });
const optionalText = (max: number, long: string) =>
  z
    .string()
    .trim()
    .max(max, { error: long })
    .optional()
    .transform((value) => value ?? '');
const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message }).transform((value) => value === 'yes');

/** Most organisations invited when the consortium is formed: as many as a suggested consortium can have. */
export const MAX_INVITED_AT_FORMING = 20;

/** Organisations to invite as partners as soon as the consortium is formed, ticked from a suggested consortium. */
export const inviteesSchema = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : [value].flat()),
  z
    .array(z.uuid({ error: 'Invite only organisations from the suggested consortium' }))
    .max(MAX_INVITED_AT_FORMING, { error: `Invite at most ${MAX_INVITED_AT_FORMING} organisations at once` }),
);

export const createSchema = z.object({
  name: text(200, 'Enter a name for the consortium', 'The name must be 200 characters or fewer'),
  leadOrganisationId: z.uuid({ error: 'Choose the organisation that will lead' }),
  invite: inviteesSchema,
});

export const inviteSchema = z.object({
  organisationId: z.uuid({ error: 'Choose an organisation to invite' }),
  role: z.enum(['partner', 'subcontractor'], { error: 'Choose whether it joins as a partner or a subcontractor' }),
});

export const answerSchema = z.object({
  answer: z.enum(['accept', 'decline'], { error: 'Choose whether to accept or decline the invitation' }),
});

export const charterSchema = z.object({
  leadDelivers: yesNo('Say whether the lead also delivers services itself'),
  leadDelivery: optionalText(2000, 'Where the lead delivers must be 2,000 characters or fewer'),
  conflictsOfInterest: optionalText(2000, 'Conflicts of interest must be 2,000 characters or fewer'),
  willNotCompete: yesNo('Say whether the lead commits not to compete with members for delivery'),
});

export const decisionSchema = z.object({
  decision: text(2000, 'Enter the decision', 'The decision must be 2,000 characters or fewer'),
});

export const listingSchema = z.object({ listed: yesNo('Choose whether the consortium is listed') });

/** The version of the terms the member read and agrees to. */
export const agreementSchema = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });

/** Allocation fields are named `cell:<lot id>:<district>`, each with the member's id, or empty for nobody. */
export function allocationsFrom(body: unknown) {
  if (typeof body !== 'object' || body === null) return [];
  return Object.entries(body).flatMap(([name, value]) => {
    const match = /^cell:([0-9a-f-]{36}):([A-Z0-9]{1,12})$/i.exec(name);
    if (!match || typeof value !== 'string' || !z.uuid().safeParse(value).success) return [];
    return [{ lot_id: match[1] as string, district: match[2] as string, organisation_id: value }];
  });
}

/** The terms form names each member's payment-by-results share `pbr-<organisation id>`. */
export function termsInputFrom(body: unknown) {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const pbrShares = Object.entries(fields).flatMap(([name, value]) => {
    const match = /^pbr-([0-9a-f-]{36})$/i.exec(name);
    return match && typeof value === 'string' && value.trim() !== '' ? [{ memberId: match[1], percent: value }] : [];
  });
  return { ...fields, pbrShares };
}
