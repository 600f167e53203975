import { createHash } from 'node:crypto';
import type { SqlRunner } from '../../db/client.ts';
import { compileRecord } from '../ocds/ocds-compile.ts';
import type { Json } from '../ocds/ocds-file.ts';
import { EXTENSIONS, ocidFor } from '../opportunities/opportunities.ocds.ts';
import { formatDay, formatQuantity, RESULT_STATUS } from './transparency.presenter.ts';
import * as repository from './transparency.repository.ts';

// A published contract's social value commitments and results in OCDS 1.1.5, as contracts[].implementation of the
// contracting process its opportunity began: one `implementation` release whenever what is published changes.
//
// - Each commitment is a `delivery` milestone (due at the contract's end; met once the target is verified) and an
//   agreed metric with its target, from the metrics extension that the UK extension builds its KPI fields on.
// - Each result is a `reporting` milestone (met when it was reported; its `code` says whether it is verified) and
//   an observation of the commitment's implementation metric. Not-yet-verified and queried results say so in
//   their notes and code; the UK extension's `measureClassification` (met, slightlyBelow, below,
//   significantlyBelow) rates the verified quantity against the target once the target is met or the contract
//   has ended.
// Only published contracts are ever written here.

export const METRICS_EXTENSION =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json';
export const UK_EXTENSION = EXTENSIONS.uk;

type Contract = repository.PublishedContract;
type Commitment = repository.CommitmentRow;
type Result = repository.ResultRow;

const instant = (day: string | null) => (day ? `${day}T00:00:00Z` : undefined);
const iso = (date: Date | string | null) => (date ? new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);
const CODE = { verified: 'verified', submitted: 'notYetVerified', queried: 'queried' } as const;

/** The UK KPI rating of verified delivery against a target. */
export function classification(verified: number, target: number) {
  const share = verified / target;
  if (share >= 1) return { id: 'met', description: 'Met' };
  if (share >= 0.9) return { id: 'slightlyBelow', description: 'Slightly below' };
  if (share >= 0.5) return { id: 'below', description: 'Below' };
  return { id: 'significantlyBelow', description: 'Significantly below' };
}

function deliveryMilestone(contract: Contract, commitment: Commitment, results: Result[], today: string) {
  const verified = results.filter((result) => result.status === 'verified');
  const met = commitment.verified_quantity >= commitment.target_quantity;
  const ended = contract.end_date !== null && contract.end_date < today;
  const lastVerified = verified
    .map((result) => iso(result.verified_at))
    .sort()
    .at(-1);
  const proxy = commitment.proxy_value_pence;
  const value =
    proxy === null
      ? 'This measure has no proxy value.'
      : `Social value verified: £${(Math.round(commitment.verified_quantity * proxy) / 100).toFixed(2)} at £${(proxy / 100).toFixed(2)} per unit (${commitment.proxy_source}).`;
  return {
    id: `commitment-${commitment.id}`,
    title: `${commitment.measure_title}: ${formatQuantity(commitment.target_quantity)} ${commitment.unit}`,
    type: 'delivery',
    description: `${commitment.theme_title}: ${commitment.outcome_title}. Target ${formatQuantity(commitment.target_quantity)} ${commitment.unit}, reported each ${commitment.reporting_period}; verified ${formatQuantity(commitment.verified_quantity)}, reported and not yet verified ${formatQuantity(commitment.unverified_quantity)}. ${value}`,
    dueDate: instant(contract.end_date),
    status: met ? 'met' : ended ? (commitment.verified_quantity > 0 ? 'partiallyMet' : 'notMet') : 'scheduled',
    dateMet: met ? lastVerified : undefined,
  };
}

function reportingMilestone(commitment: Commitment, result: Result) {
  return {
    id: `result-${result.id}`,
    title: `${commitment.measure_title}, ${formatDay(result.period_start)} to ${formatDay(result.period_end)}`,
    type: 'reporting',
    code: CODE[result.status],
    description: `${formatQuantity(result.quantity)} ${commitment.unit} reported: ${RESULT_STATUS[result.status].label.toLowerCase()}.`,
    dueDate: instant(result.period_end),
    status: 'met',
    dateMet: iso(result.submitted_at),
    dateModified: iso(result.verified_at ?? result.submitted_at),
  };
}

function implementationMetric(contract: Contract, commitment: Commitment, results: Result[], today: string) {
  const unit = { name: commitment.unit };
  const ended = contract.end_date !== null && contract.end_date < today;
  const met = commitment.verified_quantity >= commitment.target_quantity;
  const observations: Json[] = results.map((result) => ({
    id: result.id,
    measure: result.quantity,
    unit,
    period: { startDate: instant(result.period_start), endDate: instant(result.period_end) },
    notes: RESULT_STATUS[result.status].label,
    relatedImplementationMilestone: { id: `result-${result.id}`, title: reportingMilestone(commitment, result).title },
  }));
  observations.push({
    id: `${commitment.id}-verified-to-date`,
    measure: commitment.verified_quantity,
    unit,
    notes: 'Verified to date',
    measureClassification:
      met || ended ? classification(commitment.verified_quantity, commitment.target_quantity) : undefined,
  });
  return { id: commitment.id, title: commitment.measure_title, description: commitment.outcome_title, observations };
}

/** The `contracts` entry of an implementation release: its agreed metrics and its implementation. */
export function contractImplementation(
  ocdsContract: { id: string; awardID: string },
  contracts: Contract[],
  commitments: Commitment[],
  results: Result[],
  today: string,
) {
  const milestones: Json[] = [];
  const agreedMetrics: Json[] = [];
  const metrics: Json[] = [];
  for (const contract of contracts) {
    for (const commitment of commitments.filter((item) => item.contract_id === contract.id)) {
      const own = results.filter((result) => result.commitment_id === commitment.id);
      milestones.push(deliveryMilestone(contract, commitment, own, today));
      for (const result of own) milestones.push(reportingMilestone(commitment, result));
      agreedMetrics.push({
        id: commitment.id,
        title: commitment.measure_title,
        description: commitment.outcome_title,
        observations: [
          {
            id: `${commitment.id}-target`,
            measure: commitment.target_quantity,
            unit: { name: commitment.unit },
            period: { startDate: instant(contract.start_date), endDate: instant(contract.end_date) },
            notes: 'Target',
          },
        ],
      });
      metrics.push(implementationMetric(contract, commitment, own, today));
    }
  }
  if (agreedMetrics.length === 0) {
    // The UK extension's field for a contract published without agreed metrics (key performance indicators).
    return {
      ...ocdsContract,
      noAgreedMetricsRationale: 'No social value commitments have been made on this contract.',
    };
  }
  return { ...ocdsContract, agreedMetrics, implementation: { milestones, metrics } };
}

/**
 * Publishes an implementation release for an opportunity's published contracts when what they say has changed
 * since the last one, inside the caller's transaction, and recompiles the record. Returns the release id, or
 * undefined when there is nothing new or nothing to attach it to (no published contract, no OCDS contract yet).
 */
export async function publishImplementationRelease(sql: SqlRunner, opportunityId: string, date: Date) {
  const [process] = await sql.query<{ ocid: string; contract_id: string | null; award_id: string | null }>(
    `SELECT o.ocid, r.compiled_release::json #>> '{contracts,0,id}' AS contract_id,
            r.compiled_release::json #>> '{contracts,0,awardID}' AS award_id
       FROM opportunities o JOIN ocds_records r ON r.ocid = o.ocid WHERE o.id = $1`,
    [opportunityId],
  );
  if (!process?.contract_id || !process.award_id) return undefined;
  const contracts = await repository.publishedContractsOfOpportunity(sql, opportunityId);
  if (contracts.length === 0) return undefined;
  const ids = contracts.map((contract) => contract.id);
  // One after another: a transaction's statements share its one connection.
  const commitments = await repository.commitmentsOf(sql, ids);
  const results = await repository.resultsOf(sql, ids);
  const today = date.toISOString().slice(0, 10);
  const ocdsContract = { id: process.contract_id, awardID: process.award_id };
  const content = JSON.parse(
    JSON.stringify(contractImplementation(ocdsContract, contracts, commitments, results, today)),
  ) as Json;
  const releaseId = `${process.ocid}-implementation-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)}`;
  const [existing] = await sql.query('SELECT 1 FROM ocds_releases WHERE ocid = $1 AND release_id = $2', [
    process.ocid,
    releaseId,
  ]);
  if (existing) return undefined;
  const release = {
    ocid: process.ocid,
    id: releaseId,
    // With milliseconds: releases are merged by date, and a result and its verification can fall in one second.
    date: date.toISOString(),
    tag: ['implementation'],
    initiationType: 'tender',
    language: 'en',
    contracts: [content],
  };
  await sql.query(
    `INSERT INTO ocds_releases (ocid, release_id, date, tags, source, package_id, release)
     VALUES ($1, $2, $3, $4, 'platform', ocds_package_id($5::jsonb), $6::text)`,
    [
      process.ocid,
      releaseId,
      date,
      release.tag,
      JSON.stringify({ extensions: [METRICS_EXTENSION, UK_EXTENSION] }),
      JSON.stringify(release),
    ],
  );
  await recompile(sql, process.ocid);
  return releaseId;
}

/**
 * A contract a commissioner entered directly has no tender on the platform, so it is a contracting process of its
 * own (ocidFor its id). Each release carries all of it: the buyer and supplier, the award, and the contract with
 * its commitments and results. A new one is published whenever what it says changes, as for the others.
 */
export async function publishDirectContractRelease(sql: SqlRunner, contractId: string, date: Date) {
  const contract = await repository.findPublishedContract(sql, contractId);
  if (!contract || contract.opportunity_id !== null) return undefined;
  const commitments = await repository.commitmentsOf(sql, [contract.id]);
  const results = await repository.resultsOf(sql, [contract.id]);
  const ocid = ocidFor(contract.id);
  const today = date.toISOString().slice(0, 10);
  const award = { id: `${ocid}-award-1`, status: 'active' };
  const buyer = { id: contract.buyer_id, name: contract.buyer_name };
  const supplier = { id: contract.supplier_id, name: contract.supplier_name };
  const value = contract.value_pence === null ? undefined : { amount: contract.value_pence / 100, currency: 'GBP' };
  const period =
    contract.start_date || contract.end_date
      ? { startDate: instant(contract.start_date), endDate: instant(contract.end_date) }
      : undefined;
  const ended = contract.end_date !== null && contract.end_date < today;
  const content = JSON.parse(
    JSON.stringify({
      parties: [
        { ...buyer, roles: ['buyer'] },
        { ...supplier, roles: ['supplier'] },
      ],
      buyer,
      awards: [{ ...award, title: contract.title, suppliers: [supplier], value, contractPeriod: period }],
      contracts: [
        {
          ...contractImplementation(
            { id: `${ocid}-contract-1`, awardID: award.id },
            [contract],
            commitments,
            results,
            today,
          ),
          title: contract.title,
          description: contract.description || undefined,
          status: ended ? 'terminated' : 'active',
          value,
          period,
        },
      ],
    }),
  ) as Json;
  const releaseId = `${ocid}-${createHash('sha256').update(JSON.stringify(content)).digest('hex').slice(0, 16)}`;
  const [known] = await sql.query<{ releases: number; this: boolean }>(
    `SELECT count(*)::int AS releases, bool_or(release_id = $2) AS this FROM ocds_releases WHERE ocid = $1`,
    [ocid, releaseId],
  );
  if (known?.this) return undefined;
  const tag = known?.releases ? ['contractUpdate', 'implementationUpdate'] : ['award', 'contract', 'implementation'];
  const release = {
    ocid,
    id: releaseId,
    date: date.toISOString(),
    tag,
    initiationType: 'tender',
    language: 'en',
    ...content,
  };
  await sql.query(
    `INSERT INTO ocds_releases (ocid, release_id, date, tags, source, package_id, release)
     VALUES ($1, $2, $3, $4, 'platform', ocds_package_id($5::jsonb), $6::text)`,
    [
      ocid,
      releaseId,
      date,
      tag,
      JSON.stringify({ extensions: [METRICS_EXTENSION, UK_EXTENSION] }),
      JSON.stringify(release),
    ],
  );
  await recompile(sql, ocid);
  return releaseId;
}

async function recompile(sql: SqlRunner, ocid: string) {
  const releases = await sql.query<{ release: Json }>(
    'SELECT release::json AS release FROM ocds_releases WHERE ocid = $1 ORDER BY date, release_id',
    [ocid],
  );
  const compiled = compileRecord(
    ocid,
    releases.map((row) => row.release),
  );
  await sql.query(
    `INSERT INTO ocds_records (ocid, compiled_release, release_count, updated_at) VALUES ($1, $2::text, $3, now())
     ON CONFLICT (ocid) DO UPDATE SET compiled_release = EXCLUDED.compiled_release,
       release_count = EXCLUDED.release_count, updated_at = now()`,
    [ocid, JSON.stringify(compiled), releases.length],
  );
}

/**
 * Brings the implementation release of every opportunity with published contracts, and the release of every
 * published contract entered directly, up to date, each in its own transaction.
 */
export async function publishAllImplementationReleases(
  database: SqlRunner & { transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> },
  date: Date,
) {
  const opportunities = await database.query<{ opportunity_id: string }>(
    `SELECT DISTINCT opportunity_id FROM contracts
      WHERE published_at IS NOT NULL AND opportunity_id IS NOT NULL ORDER BY opportunity_id`,
  );
  const direct = await database.query<{ id: string }>(
    'SELECT id FROM contracts WHERE published_at IS NOT NULL AND opportunity_id IS NULL ORDER BY id',
  );
  let published = 0;
  for (const { opportunity_id } of opportunities) {
    const releaseId = await database.transaction((tx) => publishImplementationRelease(tx, opportunity_id, date));
    if (releaseId) published += 1;
  }
  for (const { id } of direct) {
    const releaseId = await database.transaction((tx) => publishDirectContractRelease(tx, id, date));
    if (releaseId) published += 1;
  }
  return { opportunities: opportunities.length, contracts: direct.length, published };
}
