import { stringify } from 'csv-stringify/sync';
import type { PresentedTotals, TotalLine } from './transparency.presenter.ts';
import type { CommitmentRow, ContractName, ResultRow } from './transparency.repository.ts';

// The open data downloads. Pounds are written to the penny (pence / 100, two decimals) so that sums can be checked;
// not-yet-verified figures are in their own columns, never added to verified ones.

const pounds = (pence: number | null) => (pence === null ? '' : (pence / 100).toFixed(2));

export function totalsCsv(totals: PresentedTotals): string {
  const line = (dimension: string, row: Omit<TotalLine, 'position'>, withQuantities: boolean) => ({
    dimension,
    code: row.key,
    title: row.title,
    part_of: row.parent ?? '',
    unit: withQuantities ? (row.unit ?? '') : '',
    contracts: row.contracts,
    commitments: row.commitments,
    target_quantity: withQuantities ? row.target_quantity : '',
    verified_quantity: withQuantities ? row.verified_quantity : '',
    not_yet_verified_quantity: withQuantities ? row.unverified_quantity : '',
    target_value_pounds: pounds(row.target_pence),
    verified_value_pounds: pounds(row.verified_pence),
    not_yet_verified_value_pounds: pounds(row.unverified_pence),
  });
  const rows = [
    line('all', { ...totals.overall, key: '', title: 'All published contracts' }, false),
    ...totals.themes.map((row) => line('theme', row, false)),
    ...totals.outcomes.map((row) => line('outcome', row, false)),
    ...totals.measures.map((row) => line('measure', row, true)),
    ...totals.tiers.map((row) => line('deliverer_tier', row, false)),
    ...totals.districts.map((row) => line('district', row, false)),
  ];
  return stringify(rows, { header: true });
}

const CSV_STATUS = { verified: 'verified', submitted: 'not yet verified', queried: 'queried' } as const;

const RESULT_COLUMNS = [
  'contract_id',
  'contract',
  'buyer',
  'deliverer',
  'theme',
  'outcome',
  'measure_code',
  'measure',
  'unit',
  'commitment_id',
  'target_quantity',
  'reporting_period',
  'proxy_pence_per_unit',
  'proxy_source',
  'result_id',
  'period_start',
  'period_end',
  'quantity',
  'status',
  'value_pounds',
  'contract_page',
];

/** One row per result of a published contract's current commitment. */
export function resultsCsv(
  data: { contracts: ContractName[]; commitments: CommitmentRow[]; results: ResultRow[] },
  pageFor: (contractId: string) => string,
): string {
  const contracts = new Map(data.contracts.map((contract) => [contract.id, contract]));
  const commitments = new Map(data.commitments.map((commitment) => [commitment.id, commitment]));
  const rows = data.results.flatMap((result) => {
    const commitment = commitments.get(result.commitment_id);
    const contract = contracts.get(result.contract_id);
    if (!commitment || !contract) return [];
    const proxy = commitment.proxy_value_pence;
    return [
      [
        contract.id,
        contract.title,
        contract.buyer_name,
        contract.supplier_name,
        commitment.theme_title,
        commitment.outcome_title,
        commitment.measure_code,
        commitment.measure_title,
        commitment.unit,
        commitment.id,
        commitment.target_quantity,
        commitment.reporting_period,
        proxy ?? '',
        proxy === null ? '' : commitment.proxy_source,
        result.id,
        result.period_start,
        result.period_end,
        result.quantity,
        CSV_STATUS[result.status],
        pounds(proxy === null ? null : Math.round(result.quantity * proxy)),
        pageFor(contract.id),
      ],
    ];
  });
  return stringify(rows, { header: true, columns: RESULT_COLUMNS });
}
