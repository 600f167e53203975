import { formatPounds } from '../../platform/money.ts';
import { districtName } from '../geography/geography.ts';
import { tierInfo } from '../organisations/tiers.ts';
import type { FrameworkItem, TotalsRow } from './totals.repository.ts';
import type { ResultRow } from './transparency.repository.ts';

// Data → view models for the transparency pages and CSV files. Verified and not-yet-verified figures are always
// kept apart and labelled; nothing here adds one to the other.

export const RESULT_STATUS = {
  verified: { label: 'Verified', tag: 'govuk-tag--green' },
  submitted: { label: 'Not yet verified', tag: 'govuk-tag--yellow' },
  queried: { label: 'Queried by the buyer', tag: 'govuk-tag--orange' },
} as const satisfies Record<ResultRow['status'], { label: string; tag: string }>;

export const PERIOD_LABELS = { month: 'Monthly', quarter: 'Quarterly', year: 'Yearly' } as const;

const quantityFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const formatQuantity = (value: number | null | undefined) =>
  value === null || value === undefined ? '' : quantityFormat.format(value);

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
/** "2026-04-01" → "1 April 2026". */
export const formatDay = (day: string | null | undefined) =>
  day ? dateFormat.format(new Date(`${day}T00:00:00Z`)) : '';

export const tierLabel = (tier: number | string | null | undefined) =>
  tier === null || tier === undefined || tier === ''
    ? 'Tier not known'
    : `Tier ${tier}: ${tierInfo(Number(tier))?.label ?? ''}`;

export type Figures = Omit<TotalsRow, 'dimension' | 'key'>;
export type TotalLine = Figures & { key: string; title: string; parent?: string; unit?: string; position: number };

const ZERO: Figures = {
  contracts: 0,
  commitments: 0,
  target_quantity: 0,
  verified_quantity: 0,
  unverified_quantity: 0,
  target_pence: 0,
  verified_pence: 0,
  unverified_pence: 0,
};

const add = (a: Figures, b: Figures): Figures => ({
  contracts: a.contracts + b.contracts,
  commitments: a.commitments + b.commitments,
  target_quantity: a.target_quantity + b.target_quantity,
  verified_quantity: a.verified_quantity + b.verified_quantity,
  unverified_quantity: a.unverified_quantity + b.unverified_quantity,
  target_pence: a.target_pence + b.target_pence,
  verified_pence: a.verified_pence + b.verified_pence,
  unverified_pence: a.unverified_pence + b.unverified_pence,
});

const figuresOf = (row: TotalsRow): Figures => {
  const { dimension: _dimension, key: _key, ...figures } = row;
  return figures;
};

/**
 * Framework rows are merged by code across framework versions (codes are stable from one version to the next),
 * titled as the newest version has them. A contract is measured against one version, so none is counted twice.
 */
function byCode(rows: TotalsRow[], items: Map<string, FrameworkItem>, parentTitle: (item: FrameworkItem) => string) {
  const merged = new Map<string, TotalLine & { version: number }>();
  for (const row of rows) {
    const item = items.get(row.key);
    if (!item) continue;
    const key = item.unit === null ? item.code : `${item.code} ${item.unit}`;
    const current = merged.get(key);
    const newer = !current || item.version > current.version;
    const figures = add(current ?? ZERO, figuresOf(row));
    merged.set(key, {
      ...figures,
      key: item.code,
      title: newer ? item.title : (current?.title ?? item.title),
      parent: newer ? parentTitle(item) : current?.parent,
      unit: item.unit ?? undefined,
      position: newer ? item.position : (current?.position ?? 0),
      version: Math.max(item.version, current?.version ?? 0),
    });
  }
  return [...merged.values()].sort((a, b) => a.position - b.position || a.title.localeCompare(b.title));
}

export function presentTotals(rows: TotalsRow[], framework: FrameworkItem[]) {
  const items = new Map(framework.map((item) => [item.id, item]));
  const titleOf = (id: string | null) => (id ? (items.get(id)?.title ?? '') : '');
  const of = (dimension: TotalsRow['dimension']) => rows.filter((row) => row.dimension === dimension);
  const overall = of('all')[0];
  const tiers = of('tier')
    .map((row) => ({ ...figuresOf(row), key: row.key, title: tierLabel(row.key), position: Number(row.key || 9) }))
    .sort((a, b) => a.position - b.position);
  const districts = of('district')
    .map((row) => ({
      ...figuresOf(row),
      key: row.key,
      title: row.key ? districtName(row.key) : 'No area given',
      position: row.key ? 0 : 1,
    }))
    .sort((a, b) => a.position - b.position || a.title.localeCompare(b.title));
  return {
    overall: overall ? figuresOf(overall) : ZERO,
    themes: byCode(of('theme'), items, () => ''),
    outcomes: byCode(of('outcome'), items, (item) => titleOf(item.parent_id)),
    measures: byCode(of('measure'), items, (item) => titleOf(item.parent_id)),
    tiers,
    districts,
  };
}
export type PresentedTotals = ReturnType<typeof presentTotals>;

/** Pounds for the page: verified and not yet verified side by side; a dash where no proxy gives a value. */
export const money = (pence: number) => formatPounds(pence);

/** How much of a target is verified, as a whole percentage; targets are always above zero. */
export const shareOfTarget = (verified: number, target: number) => Math.floor((verified / target) * 100);

const shown = (figures: Figures) => ({
  verified: money(figures.verified_pence),
  unverified: money(figures.unverified_pence),
  committed: money(figures.target_pence),
  target: formatQuantity(figures.target_quantity),
  verifiedQuantity: formatQuantity(figures.verified_quantity),
  unverifiedQuantity: formatQuantity(figures.unverified_quantity),
});

/** The totals with each figure also written for people: pounds and quantities as the page shows them. */
export function totalsForPage(totals: PresentedTotals) {
  const lines = <Line extends Figures>(rows: Line[]) => rows.map((row) => ({ ...row, shown: shown(row) }));
  return {
    overall: { ...totals.overall, shown: shown(totals.overall) },
    themes: lines(totals.themes),
    outcomes: lines(totals.outcomes),
    measures: lines(totals.measures),
    tiers: lines(totals.tiers),
    districts: lines(totals.districts),
  };
}
