// Money is integer pence everywhere; these convert at the edges, where people type and read pounds.

const POUNDS = /^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/;

/** "£12,345.6" → 1234560; undefined when it is not an amount of money. */
export function poundsToPence(text: string): number | undefined {
  const trimmed = text.trim();
  const match = POUNDS.exec(trimmed);
  if (!match) return undefined;
  const whole = Number((match[1] ?? '').replaceAll(',', ''));
  const fraction = match[3] ? Number(match[3].slice(1).padEnd(2, '0')) : 0;
  const pence = whole * 100 + fraction;
  return Number.isSafeInteger(pence) ? pence : undefined;
}

const formatter = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

/** 1234560 → "£12,346": whole pounds, for profiles and tables. */
export function formatPounds(pence: number | null | undefined): string {
  return pence === null || pence === undefined ? '' : formatter.format(pence / 100);
}
