import { aliasedTable, and, asc, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { organisations, users } from '../../db/schema.ts';
import { commitments, contracts, evidence, frameworkVersions, ledger, measures, results } from './ledger.tables.ts';

// All of the module's SQL about contracts and their current state. Ledger entries are written by appendEntry.

const buyers = aliasedTable(organisations, 'buyers');
const suppliers = aliasedTable(organisations, 'suppliers');

/** The framework version new contracts are measured against: the highest. */
export async function currentFrameworkVersion(executor: Executor) {
  const [row] = await executor
    .select({ id: frameworkVersions.id, version: frameworkVersions.version })
    .from(frameworkVersions)
    .orderBy(desc(frameworkVersions.version))
    .limit(1);
  return row;
}

export async function insertContract(executor: Executor, values: typeof contracts.$inferInsert) {
  const [row] = await executor.insert(contracts).values(values).returning();
  if (!row) throw new Error('the contract was not written');
  return row;
}

/**
 * One contract for each award of the opportunity that has none yet: the award's supplier and value (or the
 * opportunity's when the award gave none), its title, description and districts.
 */
export async function insertContractsForAwards(
  executor: Executor,
  opportunityId: string,
  frameworkVersionId: string,
  createdBy: string,
) {
  const result = (await executor.execute(sql`
    INSERT INTO contracts (opportunity_id, award_id, buyer_organisation_id, supplier_organisation_id, title,
                           description, value_pence, start_date, districts, framework_version_id, created_by)
    SELECT o.id, a.id, o.buyer_organisation_id, a.organisation_id, o.title, o.description,
           coalesce(a.value_pence, lots.value_pence, CASE WHEN lots.all_lots THEN o.value_pence END), current_date,
           coalesce(lots.districts, o.districts), ${frameworkVersionId}, ${createdBy}
      FROM opportunity_awards a JOIN opportunities o ON o.id = a.opportunity_id
      -- An award of some lots is worth what they are, when each has a value (the opportunity's value when it takes
      -- every lot), and covers their areas (a lot naming none has the opportunity's).
      LEFT JOIN LATERAL (
        SELECT CASE WHEN count(*) = count(l.value_pence) THEN sum(l.value_pence) END AS value_pence,
               cardinality(a.lot_ids) = 0
                 OR NOT EXISTS (SELECT 1 FROM opportunity_lots l3
                                 WHERE l3.opportunity_id = o.id AND NOT l3.id = ANY (a.lot_ids)) AS all_lots,
               (SELECT array_agg(DISTINCT district ORDER BY district)
                  FROM opportunity_lots l2,
                       unnest(CASE WHEN cardinality(l2.districts) > 0 THEN l2.districts ELSE o.districts END) AS district
                 WHERE l2.id = ANY (a.lot_ids)) AS districts
          FROM opportunity_lots l WHERE l.id = ANY (a.lot_ids)) AS lots ON true
     WHERE a.opportunity_id = ${opportunityId}
       AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.award_id = a.id)
     ORDER BY a.awarded_at, a.id
    RETURNING id, award_id`)) as unknown as { rows: { id: string; award_id: string }[] };
  return result.rows;
}

const contractColumns = {
  contract: contracts,
  buyerName: buyers.name,
  supplierName: suppliers.name,
  frameworkVersion: frameworkVersions.version,
  frameworkTitle: frameworkVersions.title,
};

export async function findContract(executor: Executor, id: string) {
  const [row] = await executor
    .select(contractColumns)
    .from(contracts)
    .innerJoin(buyers, eq(buyers.id, contracts.buyerOrganisationId))
    .innerJoin(suppliers, eq(suppliers.id, contracts.supplierOrganisationId))
    .innerJoin(frameworkVersions, eq(frameworkVersions.id, contracts.frameworkVersionId))
    .where(eq(contracts.id, id));
  return row;
}

/** Contracts an organisation buys or delivers, newest first. */
export const listContractsOf = (executor: Executor, organisationIds: string[]) =>
  organisationIds.length === 0
    ? Promise.resolve([])
    : executor
        .select(contractColumns)
        .from(contracts)
        .innerJoin(buyers, eq(buyers.id, contracts.buyerOrganisationId))
        .innerJoin(suppliers, eq(suppliers.id, contracts.supplierOrganisationId))
        .innerJoin(frameworkVersions, eq(frameworkVersions.id, contracts.frameworkVersionId))
        .where(
          or(
            inArray(contracts.buyerOrganisationId, organisationIds),
            inArray(contracts.supplierOrganisationId, organisationIds),
          ),
        )
        .orderBy(desc(contracts.createdAt), asc(contracts.id))
        .limit(500);

export async function publishContract(executor: Executor, id: string, at: Date) {
  const [row] = await executor
    .update(contracts)
    .set({ publishedAt: at })
    .where(and(eq(contracts.id, id), isNull(contracts.publishedAt)))
    .returning({ id: contracts.id });
  return row;
}

/** The opportunity of a contract that is published and came through the pipeline; none otherwise. */
export async function publishedOpportunityOf(executor: Executor, contractId: string) {
  const rows = await executor
    .select({ opportunityId: contracts.opportunityId })
    .from(contracts)
    .where(and(eq(contracts.id, contractId), sql`${contracts.publishedAt} IS NOT NULL`));
  return rows.flatMap((row) => (row.opportunityId ? [{ opportunityId: row.opportunityId }] : []));
}

/** A voluntary or community organisation from the directory, to supply a contract. */
export async function findSupplier(executor: Executor, id: string) {
  const [row] = await executor
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(eq(organisations.id, id), ne(organisations.sector, 'public')));
  return row;
}

export const measuresOfVersion = (executor: Executor, versionId: string) =>
  executor
    .select()
    .from(measures)
    .where(eq(measures.versionId, versionId))
    .orderBy(asc(measures.code), asc(measures.position));

export async function findMeasure(executor: Executor, versionId: string, measureId: string) {
  const [row] = await executor
    .select()
    .from(measures)
    .where(and(eq(measures.versionId, versionId), eq(measures.id, measureId)));
  return row;
}

export const listCommitments = (executor: Executor, contractId: string) =>
  executor
    .select({
      commitment: commitments,
      measureCode: measures.code,
      measureTitle: measures.title,
      unit: measures.unit,
    })
    .from(commitments)
    .innerJoin(measures, eq(measures.id, commitments.measureId))
    .where(eq(commitments.contractId, contractId))
    .orderBy(asc(commitments.createdAt), asc(commitments.id));

export async function findCommitment(executor: Executor, contractId: string, id: string) {
  const [row] = await executor
    .select()
    .from(commitments)
    .where(and(eq(commitments.contractId, contractId), eq(commitments.id, id)));
  return row;
}

export async function insertCommitment(executor: Executor, values: typeof commitments.$inferInsert) {
  await executor.insert(commitments).values(values);
}

/** The old commitment leaves the totals; its results now count towards the one that replaced it. */
export async function supersedeCommitment(executor: Executor, oldId: string, newId: string) {
  await executor.update(commitments).set({ supersededBy: newId }).where(eq(commitments.id, oldId));
  await executor.update(results).set({ commitmentId: newId }).where(eq(results.commitmentId, oldId));
}

/** Verified and not-yet-verified quantities, summed again from the commitment's results. */
export async function refreshCommitmentTotals(executor: Executor, commitmentId: string) {
  await executor.execute(sql`
    UPDATE social_value_commitments c
       SET verified_quantity = coalesce((SELECT sum(r.quantity) FROM social_value_results r
                                          WHERE r.commitment_id = c.id AND r.status = 'verified'), 0),
           unverified_quantity = coalesce((SELECT sum(r.quantity) FROM social_value_results r
                                            WHERE r.commitment_id = c.id AND r.status <> 'verified'), 0)
     WHERE c.id = ${commitmentId}`);
}

export const listResults = (executor: Executor, contractId: string) =>
  executor
    .select({ result: results, submittedByName: users.displayName })
    .from(results)
    .leftJoin(users, eq(users.id, results.submittedBy))
    .where(eq(results.contractId, contractId))
    .orderBy(asc(results.periodStart), asc(results.submittedAt), asc(results.id));

export async function findResult(executor: Executor, contractId: string, id: string) {
  const [row] = await executor
    .select()
    .from(results)
    .where(and(eq(results.contractId, contractId), eq(results.id, id)));
  return row;
}

export async function insertResult(executor: Executor, values: typeof results.$inferInsert) {
  await executor.insert(results).values(values);
}

export async function updateResult(executor: Executor, id: string, values: Partial<typeof results.$inferInsert>) {
  await executor.update(results).set(values).where(eq(results.id, id));
}

export async function insertEvidence(executor: Executor, rows: (typeof evidence.$inferInsert)[]) {
  if (rows.length) await executor.insert(evidence).values(rows);
}

export const listEvidence = (executor: Executor, contractId: string) =>
  executor
    .select({
      id: evidence.id,
      resultId: evidence.resultId,
      entryId: evidence.entryId,
      fileName: evidence.fileName,
      contentType: evidence.contentType,
      sizeBytes: evidence.sizeBytes,
      sha256: evidence.sha256,
      uploadedAt: evidence.uploadedAt,
    })
    .from(evidence)
    .innerJoin(results, eq(results.id, evidence.resultId))
    .where(eq(results.contractId, contractId))
    .orderBy(asc(evidence.uploadedAt), asc(evidence.id));

export async function findEvidence(executor: Executor, contractId: string, id: string) {
  const [row] = await executor
    .select({ evidence })
    .from(evidence)
    .innerJoin(results, eq(results.id, evidence.resultId))
    .where(and(eq(results.contractId, contractId), eq(evidence.id, id)));
  return row?.evidence;
}

/** The contract's ledger entries in chain order, with who made each. */
export const listEntries = (executor: Executor, contractId: string) =>
  executor
    .select({ entry: ledger, actorName: users.displayName })
    .from(ledger)
    .leftJoin(users, eq(users.id, ledger.actorUserId))
    .where(eq(ledger.contractId, contractId))
    .orderBy(asc(ledger.seq));

/** The newest entry that set a result's figures: its first submission or a later resubmission. */
export async function latestSubmissionEntry(executor: Executor, resultId: string) {
  const [row] = await executor
    .select({ id: ledger.id })
    .from(ledger)
    .where(or(eq(ledger.id, resultId), and(eq(ledger.subjectId, resultId), eq(ledger.kind, 'response'))))
    .orderBy(desc(ledger.seq))
    .limit(1);
  return row?.id;
}
