import { and, asc, desc, eq, gte, ilike, inArray, lt, ne, type SQL, sql } from 'drizzle-orm';
import { type Executor, sqlRunnerOf } from '../../db/client.ts';
import { organisationMembers, organisations, users } from '../../db/schema.ts';
import { compileRecord } from '../ocds/ocds-compile.ts';
import { londonInstant, type SearchInput, VALUE_BANDS } from './opportunities.schema.ts';
import {
  ocdsRecords,
  ocdsReleases,
  opportunities,
  opportunityAwards,
  opportunityHistory,
  opportunityLots,
  opportunityOutcomes,
} from './opportunities.tables.ts';

type NewOpportunity = typeof opportunities.$inferInsert;

export async function insertOpportunity(executor: Executor, values: NewOpportunity) {
  const [row] = await executor.insert(opportunities).values(values).returning();
  if (!row) throw new Error('insert into opportunities returned no row');
  return row;
}

/** findOpportunity with the opportunity's row locked until the transaction ends: changes to it take turns. */
export async function findOpportunityForUpdate(executor: Executor, id: string) {
  await sqlRunnerOf(executor).query('SELECT 1 FROM opportunities WHERE id = $1 FOR UPDATE', [id]);
  return findOpportunity(executor, id);
}

export async function findOpportunity(executor: Executor, id: string) {
  const [row] = await executor
    .select({
      opportunity: opportunities,
      buyerName: organisations.name,
      outcomeCodes: sql<string[]>`ARRAY(SELECT outcome_code FROM opportunity_outcomes
        WHERE opportunity_id = ${opportunities.id} ORDER BY outcome_code)`,
    })
    .from(opportunities)
    .innerJoin(organisations, eq(organisations.id, opportunities.buyerOrganisationId))
    .where(eq(opportunities.id, id));
  return row ? { ...row.opportunity, buyerName: row.buyerName, outcomeCodes: row.outcomeCodes } : undefined;
}

/** The framework outcomes the opportunity asks for become exactly these codes. */
export async function replaceOutcomes(executor: Executor, opportunityId: string, outcomeCodes: readonly string[]) {
  await executor.delete(opportunityOutcomes).where(eq(opportunityOutcomes.opportunityId, opportunityId));
  if (outcomeCodes.length === 0) return;
  await executor
    .insert(opportunityOutcomes)
    .values(outcomeCodes.map((outcomeCode) => ({ opportunityId, outcomeCode })));
}

export async function updateOpportunity(executor: Executor, id: string, values: Partial<NewOpportunity>) {
  const [row] = await executor
    .update(opportunities)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(opportunities.id, id))
    .returning();
  if (!row) throw new Error('update of opportunities returned no row');
  return row;
}

export async function listForBuyers(executor: Executor, organisationIds: string[]) {
  if (organisationIds.length === 0) return [];
  return executor
    .select({
      id: opportunities.id,
      title: opportunities.title,
      kind: opportunities.kind,
      status: opportunities.status,
      submissionDeadline: opportunities.submissionDeadline,
      updatedAt: opportunities.updatedAt,
      buyerName: organisations.name,
    })
    .from(opportunities)
    .innerJoin(organisations, eq(organisations.id, opportunities.buyerOrganisationId))
    .where(inArray(opportunities.buyerOrganisationId, organisationIds))
    .orderBy(desc(opportunities.updatedAt));
}

export const listLots = (executor: Executor, opportunityId: string) =>
  executor
    .select()
    .from(opportunityLots)
    .where(eq(opportunityLots.opportunityId, opportunityId))
    .orderBy(asc(opportunityLots.createdAt), asc(opportunityLots.id));

export async function insertLot(executor: Executor, values: typeof opportunityLots.$inferInsert) {
  const [row] = await executor.insert(opportunityLots).values(values).returning();
  if (!row) throw new Error('insert into opportunity_lots returned no row');
  return row;
}

export async function deleteLot(executor: Executor, opportunityId: string, lotId: string) {
  const rows = await executor
    .delete(opportunityLots)
    .where(and(eq(opportunityLots.opportunityId, opportunityId), eq(opportunityLots.id, lotId)))
    .returning();
  return rows[0];
}

/** One award per supplier; a consortium's award goes to its lead and names the consortium. */
export async function insertAwards(
  executor: Executor,
  opportunityId: string,
  suppliers: { organisationId: string; consortiumId: string | null }[],
  { valuePence, lotIds }: { valuePence: number | null; lotIds: string[] },
) {
  await executor
    .insert(opportunityAwards)
    .values(suppliers.map((supplier) => ({ opportunityId, ...supplier, valuePence, lotIds })));
}

export const listAwards = (executor: Executor, opportunityId: string) =>
  executor
    .select({
      id: opportunityAwards.id,
      organisationId: opportunityAwards.organisationId,
      name: organisations.name,
      valuePence: opportunityAwards.valuePence,
      awardedAt: opportunityAwards.awardedAt,
      consortiumId: opportunityAwards.consortiumId,
      lotIds: opportunityAwards.lotIds,
    })
    .from(opportunityAwards)
    .innerJoin(organisations, eq(organisations.id, opportunityAwards.organisationId))
    .where(eq(opportunityAwards.opportunityId, opportunityId))
    .orderBy(asc(opportunityAwards.awardedAt), asc(organisations.name));

export async function insertHistory(executor: Executor, values: typeof opportunityHistory.$inferInsert) {
  await executor.insert(opportunityHistory).values(values);
}

export const listHistory = (executor: Executor, opportunityId: string) =>
  executor
    .select({
      id: opportunityHistory.id,
      at: opportunityHistory.at,
      change: opportunityHistory.change,
      before: opportunityHistory.before,
      after: opportunityHistory.after,
      actorName: users.displayName,
    })
    .from(opportunityHistory)
    .leftJoin(users, eq(users.id, opportunityHistory.actorUserId))
    .where(eq(opportunityHistory.opportunityId, opportunityId))
    .orderBy(asc(opportunityHistory.id));

export async function countReleases(executor: Executor, ocid: string) {
  const [row] = await executor
    .select({ count: sql<number>`count(*)::int` })
    .from(ocdsReleases)
    .where(eq(ocdsReleases.ocid, ocid));
  return row?.count ?? 0;
}

export async function insertRelease(executor: Executor, values: typeof ocdsReleases.$inferInsert) {
  await executor.insert(ocdsReleases).values(values);
}

/** Recompiles the OCDS record from every release of the process, with the OCDS module's merging rules. */
export async function recompileRecord(executor: Executor, ocid: string) {
  const releases = (await listReleases(executor, ocid)).map((row) => row.release);
  const compiledRelease = compileRecord(ocid, releases);
  const values = { ocid, compiledRelease, releaseCount: releases.length, updatedAt: new Date() };
  await executor.insert(ocdsRecords).values(values).onConflictDoUpdate({ target: ocdsRecords.ocid, set: values });
}

export const listReleases = (executor: Executor, ocid: string) =>
  executor.select().from(ocdsReleases).where(eq(ocdsReleases.ocid, ocid)).orderBy(asc(ocdsReleases.date));

/** The public bodies a person may buy for: those they are a member of. */
export const publicBodiesOf = (executor: Executor, userId: string) =>
  executor
    .select({ id: organisations.id, name: organisations.name })
    .from(organisationMembers)
    .innerJoin(organisations, eq(organisations.id, organisationMembers.organisationId))
    .where(and(eq(organisationMembers.userId, userId), eq(organisations.sector, 'public')))
    .orderBy(asc(organisations.name));

/** Directory organisations by name, for choosing suppliers: buyers are not suppliers to themselves. */
export const organisationsNamed = (executor: Executor, name: string, limit = 20) =>
  executor
    .select({ id: organisations.id, name: organisations.name })
    .from(organisations)
    .where(and(ilike(organisations.name, `%${name.replace(/[%_\\]/g, '\\$&')}%`), ne(organisations.sector, 'public')))
    .orderBy(asc(organisations.name))
    .limit(limit);

export const organisationsWithIds = (executor: Executor, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : executor
        .select({ id: organisations.id, name: organisations.name, sector: organisations.sector })
        .from(organisations)
        .where(inArray(organisations.id, ids));

function searchConditions(search: SearchInput): SQL[] {
  const conditions: SQL[] = [
    search.status ? eq(opportunities.status, search.status) : ne(opportunities.status, 'draft'),
  ];
  if (search.q) {
    const pattern = `%${search.q.replace(/[%_\\]/g, '\\$&')}%`;
    conditions.push(sql`(${opportunities.title} ILIKE ${pattern} OR ${opportunities.description} ILIKE ${pattern})`);
  }
  if (search.kind) conditions.push(eq(opportunities.kind, search.kind));
  if (search.procurementType) conditions.push(eq(opportunities.procurementType, search.procurementType));
  if (search.district) conditions.push(sql`${opportunities.districts} @> ARRAY[${search.district}]::text[]`);
  if (search.service) conditions.push(sql`${opportunities.services} @> ARRAY[${search.service}]::text[]`);
  if (search.value) {
    const band = VALUE_BANDS[search.value];
    conditions.push(gte(opportunities.valuePence, band.min), lt(opportunities.valuePence, band.max));
  }
  if (search.vcse) conditions.push(eq(opportunities.suitableForVcse, true));
  if (search.sme) conditions.push(eq(opportunities.suitableForSme, true));
  if (search.reserved) conditions.push(eq(opportunities.reservedForVcse, true));
  if (search.closingBefore) {
    conditions.push(
      lt(
        opportunities.submissionDeadline,
        londonInstant(`${search.closingBefore}T23:59`) ?? new Date(`${search.closingBefore}T23:59Z`),
      ),
    );
  }
  return conditions;
}

export async function searchPublished(executor: Executor, search: SearchInput, limit: number) {
  const where = and(...searchConditions(search));
  const [rows, [count]] = await Promise.all([
    executor
      .select({ opportunity: opportunities, buyerName: organisations.name })
      .from(opportunities)
      .innerJoin(organisations, eq(organisations.id, opportunities.buyerOrganisationId))
      .where(where)
      .orderBy(sql`${opportunities.submissionDeadline} ASC NULLS LAST`, desc(opportunities.publicationDate))
      .limit(limit)
      .offset((search.page - 1) * limit),
    executor.select({ total: sql<number>`count(*)::int` }).from(opportunities).where(where),
  ]);
  return { total: count?.total ?? 0, rows: rows.map((row) => ({ ...row.opportunity, buyerName: row.buyerName })) };
}
