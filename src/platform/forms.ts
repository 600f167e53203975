import type { z } from 'zod';

/** What the GOV.UK error summary and each field's errorMessage need. */
export type FormErrors = {
  list: { text: string; href: string }[];
  fields: Record<string, { text: string }>;
};

/** Builds errors from [field, message] pairs; the first message for a field wins, in the order given. */
export function formErrors(pairs: [field: string, message: string][]): FormErrors {
  const errors: FormErrors = { list: [], fields: {} };
  for (const [field, text] of pairs) {
    if (errors.fields[field]) continue;
    errors.fields[field] = { text };
    errors.list.push({ text, href: `#${field}` });
  }
  return errors;
}

export type FormResult<Output> = { ok: true; data: Output } | { ok: false; errors: FormErrors };

/** Validates a posted form against a zod schema, turning every issue into a message beside its field. */
export function parseForm<Schema extends z.ZodType>(schema: Schema, body: unknown): FormResult<z.output<Schema>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    errors: formErrors(parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'form'), issue.message])),
  };
}

/** Posted values to show again beside the errors: strings only, and never a password. */
export function keptValues(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && !/password|_csrf/i.test(entry[0]),
    ),
  );
}

/** Like keptValues, but keeps repeated fields (checkboxes) as lists, for forms with several choices. */
export function keptFormValues(body: unknown): Record<string, string | string[]> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string | string[]] =>
        !/password|_csrf/i.test(entry[0]) &&
        (typeof entry[1] === 'string' ||
          (Array.isArray(entry[1]) && entry[1].every((item) => typeof item === 'string'))),
    ),
  );
}
