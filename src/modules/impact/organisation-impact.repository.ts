import type { SqlRunner } from '../../db/client.ts';

// What organisations say about the impact framework: the outcomes they deliver (by code, so declarations carry
// over to a new version that keeps the code) and their yearly results (by measure, tied to the version they were
// reported against). "The current framework" is the version with the highest number.

export type OutcomeKind = 'core' | 'value_adding';

export type FrameworkOutcome = {
  code: string;
  title: string;
  description: string;
  themeCode: string;
  themeTitle: string;
};

export type FrameworkMeasure = {
  id: string;
  code: string;
  title: string;
  unit: string;
  evidenceGuidance: string;
  outcomeCode: string;
  outcomeTitle: string;
};

export type Declaration = { outcomeCode: string; kind: OutcomeKind; districts: string[] };

const CURRENT_VERSION = '(SELECT id FROM impact_framework_versions ORDER BY version DESC LIMIT 1)';

/** The current framework's outcomes, theme by theme, in the framework's own order. */
export const currentOutcomes = (runner: SqlRunner) =>
  runner.query<FrameworkOutcome>(
    `SELECT o.code, o.title, o.description, t.code AS "themeCode", t.title AS "themeTitle"
       FROM impact_outcomes o JOIN impact_themes t ON t.id = o.theme_id
      WHERE o.version_id = ${CURRENT_VERSION}
      ORDER BY t.position, t.code, o.position, o.code`,
  );

/** The current framework's measures, outcome by outcome. */
export const currentMeasures = (runner: SqlRunner) =>
  runner.query<FrameworkMeasure>(
    `SELECT m.id, m.code, m.title, m.unit, m.evidence_guidance AS "evidenceGuidance",
            o.code AS "outcomeCode", o.title AS "outcomeTitle"
       FROM impact_measures m
       JOIN impact_outcomes o ON o.id = m.outcome_id
       JOIN impact_themes t ON t.id = o.theme_id
      WHERE m.version_id = ${CURRENT_VERSION}
      ORDER BY t.position, t.code, o.position, o.code, m.position, m.code`,
  );

/** The title of each code in the newest version that has it, so a code dropped from the framework still reads. */
export async function outcomeTitles(runner: SqlRunner, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await runner.query<{ code: string; title: string }>(
    `SELECT DISTINCT ON (o.code) o.code, o.title
       FROM impact_outcomes o JOIN impact_framework_versions v ON v.id = o.version_id
      WHERE o.code = ANY($1::text[])
      ORDER BY o.code, v.version DESC`,
    [codes],
  );
  return new Map(rows.map((row) => [row.code, row.title]));
}

/** The organisation's name, sector and areas, for the impact pages. */
export async function findOrganisation(runner: SqlRunner, id: string) {
  const [row] = await runner.query<{ id: string; name: string; sector: string; districts: string[] }>(
    'SELECT id, name, sector, districts FROM organisations WHERE id = $1',
    [id],
  );
  return row;
}

export const declarationsOf = (runner: SqlRunner, organisationId: string) =>
  runner.query<Declaration & { updatedAt: Date }>(
    `SELECT outcome_code AS "outcomeCode", kind, districts, updated_at AS "updatedAt"
       FROM organisation_outcomes WHERE organisation_id = $1 ORDER BY kind, outcome_code`,
    [organisationId],
  );

/** Replaces every declaration of the organisation with these, in the caller's transaction. */
export async function replaceDeclarations(runner: SqlRunner, organisationId: string, declarations: Declaration[]) {
  await runner.query('DELETE FROM organisation_outcomes WHERE organisation_id = $1', [organisationId]);
  if (declarations.length === 0) return;
  await runner.query(
    `INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts)
     SELECT $1, d.code, d.kind, d.districts
       FROM json_to_recordset($2::json) AS d(code text, kind text, districts text[])`,
    [
      organisationId,
      JSON.stringify(
        declarations.map((item) => ({ code: item.outcomeCode, kind: item.kind, districts: item.districts })),
      ),
    ],
  );
}

export type ResultRow = {
  id: string;
  year: number;
  quantity: string;
  evidence: string;
  reportedAt: Date;
  measureId: string;
  measureCode: string;
  measureTitle: string;
  unit: string;
  outcomeCode: string;
  outcomeTitle: string;
  version: number;
};

/** The organisation's results, newest year first, with the measure and version each was reported against. */
export const resultsOf = (runner: SqlRunner, organisationId: string, limit = 500) =>
  runner.query<ResultRow>(
    `SELECT r.id, r.year, r.quantity::text AS quantity, r.evidence, r.reported_at AS "reportedAt",
            m.id AS "measureId", m.code AS "measureCode", m.title AS "measureTitle", m.unit,
            o.code AS "outcomeCode", o.title AS "outcomeTitle", v.version
       FROM organisation_impact_results r
       JOIN impact_measures m ON m.id = r.measure_id
       JOIN impact_outcomes o ON o.id = m.outcome_id
       JOIN impact_framework_versions v ON v.id = m.version_id
      WHERE r.organisation_id = $1
      ORDER BY r.year DESC, o.code, m.code
      LIMIT $2`,
    [organisationId, limit],
  );

export type ResultInput = { measureId: string; year: number; quantity: string; evidence: string };

/** One result per measure and year: reporting the same measure and year again replaces it. */
export async function upsertResult(runner: SqlRunner, organisationId: string, input: ResultInput, userId: string) {
  const [row] = await runner.query<{ id: string; created: boolean }>(
    `INSERT INTO organisation_impact_results (organisation_id, measure_id, year, quantity, evidence, reported_by)
     VALUES ($1, $2, $3, $4::numeric, $5, $6)
     ON CONFLICT (organisation_id, measure_id, year)
     DO UPDATE SET quantity = EXCLUDED.quantity, evidence = EXCLUDED.evidence,
                   reported_by = EXCLUDED.reported_by, reported_at = now()
     RETURNING id, (xmax = 0) AS created`,
    [organisationId, input.measureId, input.year, input.quantity, input.evidence, userId],
  );
  if (!row) throw new Error('upsert of organisation_impact_results returned no row');
  return row;
}

export async function deleteResult(runner: SqlRunner, organisationId: string, resultId: string) {
  const [row] = await runner.query<{ id: string; year: number; measureId: string }>(
    `DELETE FROM organisation_impact_results WHERE organisation_id = $1 AND id = $2
     RETURNING id, year, measure_id AS "measureId"`,
    [organisationId, resultId],
  );
  return row;
}

export type Neighbour = { outcomeCode: string; id: string; name: string; kind: OutcomeKind; shared: string[] };

/**
 * For each outcome the organisation declares, other organisations that deliver the same outcome in at least one
 * of the same districts: up to `perOutcome` each, core impact first, with how many there are. The few shown are
 * chosen from organisation_outcomes alone (a popular outcome has thousands of deliverers at scale), and only
 * they are joined to their names and their districts in common.
 */
export const neighboursOf = (runner: SqlRunner, organisationId: string, perOutcome: number) =>
  runner.query<Neighbour & { total: number }>(
    `SELECT mine.outcome_code AS "outcomeCode", org.id, org.name, near.kind,
            ARRAY(SELECT unnest(near.districts) INTERSECT SELECT unnest(mine.districts) ORDER BY 1) AS shared,
            near.total
       FROM organisation_outcomes mine
       CROSS JOIN LATERAL (
         SELECT other.organisation_id, other.kind, other.districts, count(*) OVER ()::int AS total
           FROM organisation_outcomes other
          WHERE other.outcome_code = mine.outcome_code
            AND other.organisation_id <> mine.organisation_id
            AND other.districts && mine.districts
          ORDER BY other.kind, other.organisation_id
          LIMIT $2) near
       JOIN organisations org ON org.id = near.organisation_id
      WHERE mine.organisation_id = $1
      ORDER BY mine.outcome_code, near.kind, org.name`,
    [organisationId, perOutcome],
  );

/** The current framework's version number, or undefined when no framework has been loaded. */
export async function currentVersion(runner: SqlRunner): Promise<number | undefined> {
  const [row] = await runner.query<{ version: number }>(
    'SELECT version FROM impact_framework_versions ORDER BY version DESC LIMIT 1',
  );
  return row?.version;
}
