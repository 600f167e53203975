import { formatPounds } from '../../platform/money.ts';
import type * as repository from './contracts.repository.ts';
import type { ContractRoles } from './contracts.rules.ts';
import type { ReportingPeriod, ResultStatus } from './ledger.tables.ts';

// Data → view models for the contract pages. Quantities stay decimal strings until shown.

export const PERIOD_LABELS: Record<ReportingPeriod, string> = {
  month: 'Every month',
  quarter: 'Every quarter',
  year: 'Every year',
};
export const periodOptions = Object.entries(PERIOD_LABELS).map(([value, text]) => ({ value, text }));

export const STATUS_TAGS: Record<ResultStatus, { text: string; classes: string }> = {
  submitted: { text: 'Waiting for verification', classes: 'govuk-tag--blue' },
  queried: { text: 'Queried', classes: 'govuk-tag--orange' },
  verified: { text: 'Verified', classes: 'govuk-tag--green' },
};

export const ENTRY_LABELS: Record<string, string> = {
  commitment: 'Commitment made',
  correction: 'Commitment corrected',
  result: 'Result submitted',
  query: 'Result queried',
  response: 'Query answered and result resubmitted',
  verification: 'Result verified',
};

const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
export const formatQuantity = (quantity: string | number) => numberFormat.format(Number(quantity));

/** Pence of social value: quantity × proxy, rounded to the penny; empty when the measure has no proxy. */
const socialValueOf = (quantity: string, proxyPence: number | null) =>
  proxyPence === null ? '' : formatPounds(Math.round(Number(quantity) * proxyPence));

type Found = NonNullable<Awaited<ReturnType<typeof repository.findContract>>>;

export function presentContract(found: Found) {
  const { contract } = found;
  return {
    ...contract,
    buyerName: found.buyerName,
    supplierName: found.supplierName,
    frameworkLabel: `${found.frameworkTitle} (version ${found.frameworkVersion})`,
    value: formatPounds(contract.valuePence),
  };
}

export function presentCommitments(rows: Awaited<ReturnType<typeof repository.listCommitments>>) {
  return rows.map(({ commitment, measureCode, measureTitle, unit }) => ({
    id: commitment.id,
    measureId: commitment.measureId,
    targetQuantity: commitment.targetQuantity,
    reportingPeriod: commitment.reportingPeriod,
    measure: `${measureCode} ${measureTitle}`,
    measureTitle,
    unit,
    current: commitment.supersededBy === null,
    supersededBy: commitment.supersededBy,
    target: `${formatQuantity(commitment.targetQuantity)} ${unit}`,
    period: PERIOD_LABELS[commitment.reportingPeriod],
    proxy: commitment.proxyValuePence === null ? 'None' : `${formatPounds(commitment.proxyValuePence)} per ${unit}`,
    verified: formatQuantity(commitment.verifiedQuantity),
    unverified: formatQuantity(commitment.unverifiedQuantity),
    verifiedValue: socialValueOf(commitment.verifiedQuantity, commitment.proxyValuePence),
  }));
}
export type CommitmentView = ReturnType<typeof presentCommitments>[number];

export function presentResults(
  rows: Awaited<ReturnType<typeof repository.listResults>>,
  commitments: CommitmentView[],
  roles: ContractRoles,
) {
  const byId = new Map(commitments.map((commitment) => [commitment.id, commitment]));
  return rows.map(({ result, submittedByName }) => ({
    ...result,
    measure: byId.get(result.commitmentId)?.measure ?? '',
    unit: byId.get(result.commitmentId)?.unit ?? '',
    shownQuantity: formatQuantity(result.quantity),
    tag: STATUS_TAGS[result.status],
    submittedByName: submittedByName ?? 'Unknown',
    needsYou:
      (roles.isBuyerStaff && result.status === 'submitted') || (roles.isDeliverer && result.status === 'queried'),
  }));
}

export function presentEntries(rows: Awaited<ReturnType<typeof repository.listEntries>>) {
  return rows.map(({ entry, actorName }) => {
    const body = JSON.parse(entry.body) as Record<string, unknown>;
    return {
      seq: entry.seq,
      id: entry.id,
      kind: entry.kind,
      label: ENTRY_LABELS[entry.kind] ?? entry.kind,
      subjectId: entry.subjectId,
      recordedAt: entry.recordedAt,
      actorName: actorName ?? 'Unknown',
      message: typeof body.message === 'string' ? body.message : typeof body.reason === 'string' ? body.reason : '',
      note: typeof body.note === 'string' ? body.note : '',
      quantity: typeof body.quantity === 'string' ? formatQuantity(body.quantity) : '',
      shortHash: entry.hash.slice(0, 12),
      hash: entry.hash,
    };
  });
}
