import type { Database } from '../../db/client.ts';
import { recordAuditSql } from '../../platform/audit.ts';
import { HttpError } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { presentDeclarations, presentNeighbours, presentResults } from './organisation-impact.presenter.ts';
import * as repository from './organisation-impact.repository.ts';
import type { ResultForm } from './organisation-impact.schema.ts';

/** Who is acting, for the audit log. */
export type ImpactActor = { userId: string; ip: string };

/** A rule about impact data was broken: the message is for the person, and is shown as it is. */
export class ImpactRuleError extends Error {}

const NEIGHBOURS_PER_OUTCOME = 5;
const PROFILE_RESULTS = 20;

/** Organisations' declared outcomes and yearly results, and the framework outcomes other modules refer to. */
export function organisationImpactService({ database }: { database: Database }) {
  const service = {
    currentOutcomes: () => repository.currentOutcomes(database),
    currentMeasures: () => repository.currentMeasures(database),
    currentVersion: () => repository.currentVersion(database),

    /** Each code with its title; codes no framework version knows are left out. */
    async outcomesNamed(codes: readonly string[]) {
      const titles = await repository.outcomeTitles(database, [...codes]);
      return codes.flatMap((code) => {
        const title = titles.get(code);
        return title ? [{ code, title }] : [];
      });
    },

    /** The codes that are not outcomes of the current framework. */
    async unknownOutcomeCodes(codes: readonly string[]) {
      if (codes.length === 0) return [];
      const known = new Set((await repository.currentOutcomes(database)).map((outcome) => outcome.code));
      return codes.filter((code) => !known.has(code));
    },

    async organisation(id: string) {
      const organisation = isUuid(id) ? await repository.findOrganisation(database, id) : undefined;
      if (!organisation) throw new HttpError(404, 'Page not found', 'There is no organisation at this address.');
      return organisation;
    },

    async declarations(organisationId: string) {
      const rows = await repository.declarationsOf(database, organisationId);
      const titles = await repository.outcomeTitles(
        database,
        rows.map((row) => row.outcomeCode),
      );
      return rows.map((row) => ({ ...row, title: titles.get(row.outcomeCode) ?? row.outcomeCode }));
    },

    results: (organisationId: string) => repository.resultsOf(database, organisationId),

    /** Replaces the organisation's declarations; the audit log keeps what they were before. */
    async saveDeclarations(organisationId: string, declarations: repository.Declaration[], actor: ImpactActor) {
      return database.transaction(async (tx) => {
        const before = await repository.declarationsOf(tx, organisationId);
        await repository.replaceDeclarations(tx, organisationId, declarations);
        const brief = (list: repository.Declaration[]) =>
          list.map(({ outcomeCode, kind, districts }) => ({ outcomeCode, kind, districts }));
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: 'organisation.outcomes.update',
          subjectType: 'organisation',
          subjectId: organisationId,
          details: { before: brief(before), after: brief(declarations) },
          ip: actor.ip,
        });
        return declarations.length;
      });
    },

    /** Records a result against a measure of the current framework; the same measure and year replaces it. */
    async recordResult(organisationId: string, input: ResultForm, actor: ImpactActor) {
      const measures = await repository.currentMeasures(database);
      const measure = measures.find((item) => item.id === input.measureId);
      if (!measure) throw new ImpactRuleError('Choose a measure of the current impact framework');
      return database.transaction(async (tx) => {
        const row = await repository.upsertResult(tx, organisationId, input, actor.userId);
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: row.created ? 'organisation.impact_result.create' : 'organisation.impact_result.update',
          subjectType: 'organisation',
          subjectId: organisationId,
          details: { resultId: row.id, measureCode: measure.code, year: input.year, quantity: input.quantity },
          ip: actor.ip,
        });
        return { ...row, measure };
      });
    },

    async removeResult(organisationId: string, resultId: string, actor: ImpactActor) {
      if (!isUuid(resultId)) throw new HttpError(404, 'Page not found', 'There is no such result.');
      await database.transaction(async (tx) => {
        const row = await repository.deleteResult(tx, organisationId, resultId);
        if (!row) throw new HttpError(404, 'Page not found', 'There is no such result.');
        await recordAuditSql(tx, {
          actorUserId: actor.userId,
          action: 'organisation.impact_result.remove',
          subjectType: 'organisation',
          subjectId: organisationId,
          details: { resultId, measureId: row.measureId, year: row.year },
          ip: actor.ip,
        });
      });
    },

    /**
     * What the public profile shows: the declarations, the latest results, and for each outcome a few other
     * organisations delivering it in the same districts.
     */
    async profileSection(organisationId: string) {
      const [declarations, results, version, neighbours] = await Promise.all([
        service.declarations(organisationId),
        repository.resultsOf(database, organisationId, PROFILE_RESULTS),
        repository.currentVersion(database),
        repository.neighboursOf(database, organisationId, NEIGHBOURS_PER_OUTCOME),
      ]);
      return {
        declared: presentDeclarations(declarations),
        results: presentResults(results, version),
        neighbours: presentNeighbours(neighbours, declarations),
      };
    },
  };
  return service;
}

export type OrganisationImpactService = ReturnType<typeof organisationImpactService>;
