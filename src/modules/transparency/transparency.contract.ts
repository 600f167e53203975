import { districtName } from '../geography/geography.ts';
import {
  formatDay,
  formatQuantity,
  money,
  PERIOD_LABELS,
  RESULT_STATUS,
  shareOfTarget,
  tierLabel,
} from './transparency.presenter.ts';
import type { CommitmentRow, EvidenceRow, ResultRow } from './transparency.repository.ts';
import type { ContractDetail } from './transparency.service.ts';

// One published contract as its public page shows it: each commitment with its results period by period.

const pence = (quantity: number, proxy: number | null) => (proxy === null ? null : Math.round(quantity * proxy));

const KIB = 1024;
const size = (bytes: number) =>
  bytes < KIB
    ? `${bytes} bytes`
    : bytes < KIB * KIB
      ? `${Math.ceil(bytes / KIB)} KB`
      : `${(bytes / KIB / KIB).toFixed(1)} MB`;

function presentResult(result: ResultRow, commitment: CommitmentRow, evidence: EvidenceRow[]) {
  const value = pence(result.quantity, commitment.proxy_value_pence);
  return {
    id: result.id,
    period: `${formatDay(result.period_start)} to ${formatDay(result.period_end)}`,
    quantity: formatQuantity(result.quantity),
    value: value === null ? '' : money(value),
    status: RESULT_STATUS[result.status],
    verified: result.status === 'verified',
    narrative: result.narrative,
    entryAnchor: result.latest_seq ? `entry-${result.latest_seq}` : undefined,
    evidence: evidence
      .filter((file) => file.result_id === result.id)
      .map((file) => ({ name: file.file_name, size: size(file.size_bytes), sha256: file.sha256 })),
  };
}

export function presentCommitment(commitment: CommitmentRow, results: ResultRow[], evidence: EvidenceRow[]) {
  const proxy = commitment.proxy_value_pence;
  const verifiedPence = pence(commitment.verified_quantity, proxy);
  const unverifiedPence = pence(commitment.unverified_quantity, proxy);
  return {
    id: commitment.id,
    measure: commitment.measure_title,
    outcome: commitment.outcome_title,
    theme: commitment.theme_title,
    unit: commitment.unit,
    target: formatQuantity(commitment.target_quantity),
    period: PERIOD_LABELS[commitment.reporting_period],
    proxy: proxy === null ? undefined : { perUnit: formatProxy(proxy), source: commitment.proxy_source },
    verified: formatQuantity(commitment.verified_quantity),
    unverified: formatQuantity(commitment.unverified_quantity),
    hasUnverified: commitment.unverified_quantity > 0,
    percentOfTarget: shareOfTarget(commitment.verified_quantity, commitment.target_quantity),
    verifiedValue: verifiedPence === null ? undefined : money(verifiedPence),
    unverifiedValue: unverifiedPence === null ? undefined : money(unverifiedPence),
    targetValue: proxy === null ? undefined : money(Math.round(commitment.target_quantity * proxy)),
    results: results
      .filter((result) => result.commitment_id === commitment.id)
      .map((result) => presentResult(result, commitment, evidence)),
  };
}

/** Pence per unit: to the penny when under £10, where whole pounds would hide the figure. */
function formatProxy(perUnit: number) {
  if (perUnit >= 1000) return money(perUnit);
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(perUnit / 100);
}

export function presentContract({ contract, commitments, results, evidence, entries }: ContractDetail) {
  const sum = (values: (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);
  return {
    id: contract.id,
    title: contract.title,
    description: contract.description,
    buyer: contract.buyer_name,
    supplier: contract.supplier_name,
    supplierId: contract.supplier_id,
    tier: tierLabel(contract.tier),
    value: contract.value_pence === null ? undefined : money(contract.value_pence),
    dates:
      contract.start_date || contract.end_date
        ? `${formatDay(contract.start_date) || 'not given'} to ${formatDay(contract.end_date) || 'not given'}`
        : undefined,
    districts: contract.districts.map(districtName),
    publishedAt: contract.published_at,
    framework: `${contract.framework_title} (version ${contract.framework_version})`,
    verifiedValue: money(sum(commitments.map((c) => pence(c.verified_quantity, c.proxy_value_pence)))),
    unverifiedValue: money(sum(commitments.map((c) => pence(c.unverified_quantity, c.proxy_value_pence)))),
    commitments: commitments.map((commitment) => presentCommitment(commitment, results, evidence)),
    entries: entries.map((entry) => ({
      ...entry,
      anchor: `entry-${entry.seq}`,
      // 64 hex digits do not fit a table cell on a small screen: the page may break them every 16.
      hashParts: entry.hash.match(/.{1,16}/g) ?? [],
      previousHashParts: entry.previous_hash.match(/.{1,16}/g) ?? [],
    })),
  };
}
