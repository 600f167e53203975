import type { SqlRunner } from '../../db/client.ts';
import type { FrameworkDocument } from './framework.schema.ts';

// All of the framework's SQL. Versions are only ever inserted: there is no update or delete here, and the
// database refuses both (migration 0012).

export type FrameworkVersion = {
  id: string;
  version: number;
  title: string;
  source: string;
  licence: string;
  createdAt: Date;
};
export type Measure = {
  id: string;
  code: string;
  title: string;
  unit: string;
  evidenceGuidance: string;
  proxyValuePence: number | null;
  proxySource: string;
};
export type Outcome = { id: string; code: string; title: string; description: string; measures: Measure[] };
export type Theme = { id: string; code: string; title: string; description: string; outcomes: Outcome[] };
export type FrameworkTree = FrameworkVersion & { themes: Theme[] };

const VERSION_COLUMNS = 'id, version, title, source, licence, created_at AS "createdAt"';

export async function latestVersion(runner: SqlRunner): Promise<FrameworkVersion | undefined> {
  const [row] = await runner.query<FrameworkVersion>(
    `SELECT ${VERSION_COLUMNS} FROM impact_framework_versions ORDER BY version DESC LIMIT 1`,
  );
  return row;
}

export async function findVersion(runner: SqlRunner, version: number): Promise<FrameworkVersion | undefined> {
  const [row] = await runner.query<FrameworkVersion>(
    `SELECT ${VERSION_COLUMNS} FROM impact_framework_versions WHERE version = $1`,
    [version],
  );
  return row;
}

export type VersionSummary = FrameworkVersion & { themes: number; outcomes: number; measures: number };

export async function allVersions(runner: SqlRunner): Promise<VersionSummary[]> {
  return runner.query<VersionSummary>(
    `SELECT ${VERSION_COLUMNS},
       (SELECT count(*)::int FROM impact_themes t WHERE t.version_id = v.id) AS themes,
       (SELECT count(*)::int FROM impact_outcomes o WHERE o.version_id = v.id) AS outcomes,
       (SELECT count(*)::int FROM impact_measures m WHERE m.version_id = v.id) AS measures
     FROM impact_framework_versions v ORDER BY version DESC`,
  );
}

type TreeRow = {
  themeId: string;
  themeCode: string;
  themeTitle: string;
  themeDescription: string;
  outcomeId: string | null;
  outcomeCode: string | null;
  outcomeTitle: string | null;
  outcomeDescription: string | null;
  measureId: string | null;
  measureCode: string | null;
  measureTitle: string | null;
  unit: string | null;
  evidenceGuidance: string | null;
  proxyValuePence: string | number | null;
  proxySource: string | null;
};

/** A version's themes → outcomes → measures in their order, in one query. */
export async function treeOf(runner: SqlRunner, version: FrameworkVersion): Promise<FrameworkTree> {
  const rows = await runner.query<TreeRow>(
    `SELECT t.id AS "themeId", t.code AS "themeCode", t.title AS "themeTitle", t.description AS "themeDescription",
       o.id AS "outcomeId", o.code AS "outcomeCode", o.title AS "outcomeTitle", o.description AS "outcomeDescription",
       m.id AS "measureId", m.code AS "measureCode", m.title AS "measureTitle", m.unit,
       m.evidence_guidance AS "evidenceGuidance", m.proxy_value_pence AS "proxyValuePence",
       m.proxy_source AS "proxySource"
     FROM impact_themes t
     LEFT JOIN impact_outcomes o ON o.theme_id = t.id
     LEFT JOIN impact_measures m ON m.outcome_id = o.id
     WHERE t.version_id = $1
     ORDER BY t.position, t.code, o.position, o.code, m.position, m.code`,
    [version.id],
  );
  const themes = new Map<string, Theme>();
  const outcomes = new Map<string, Outcome>();
  for (const row of rows) {
    let theme = themes.get(row.themeId);
    if (!theme) {
      theme = {
        id: row.themeId,
        code: row.themeCode,
        title: row.themeTitle,
        description: row.themeDescription,
        outcomes: [],
      };
      themes.set(row.themeId, theme);
    }
    if (row.outcomeId === null) continue;
    let outcome = outcomes.get(row.outcomeId);
    if (!outcome) {
      outcome = {
        id: row.outcomeId,
        code: row.outcomeCode ?? '',
        title: row.outcomeTitle ?? '',
        description: row.outcomeDescription ?? '',
        measures: [],
      };
      outcomes.set(row.outcomeId, outcome);
      theme.outcomes.push(outcome);
    }
    if (row.measureId === null) continue;
    outcome.measures.push({
      id: row.measureId,
      code: row.measureCode ?? '',
      title: row.measureTitle ?? '',
      unit: row.unit ?? '',
      evidenceGuidance: row.evidenceGuidance ?? '',
      // bigint comes back as a string from node-postgres; proxies are far inside a safe integer.
      proxyValuePence: row.proxyValuePence === null ? null : Number(row.proxyValuePence),
      proxySource: row.proxySource ?? '',
    });
  }
  return { ...version, themes: [...themes.values()] };
}

/**
 * Writes a framework as the next version, and returns it. Call inside a transaction: the table lock makes two
 * imports at once take the next numbers in turn instead of both choosing the same one.
 */
export async function insertVersion(
  tx: SqlRunner,
  framework: FrameworkDocument,
  createdBy: string | null,
): Promise<FrameworkVersion> {
  await tx.query('LOCK TABLE impact_framework_versions IN SHARE ROW EXCLUSIVE MODE');
  const [version] = await tx.query<FrameworkVersion>(
    `INSERT INTO impact_framework_versions (version, title, source, licence, created_by)
     SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4 FROM impact_framework_versions
     RETURNING ${VERSION_COLUMNS}`,
    [framework.title, framework.source, framework.licence, createdBy],
  );
  if (!version) throw new Error('the framework version was not written');
  const themes = framework.themes.map((theme, index) => ({ ...theme, position: index + 1 }));
  const outcomes = framework.themes.flatMap((theme) =>
    theme.outcomes.map((outcome, index) => ({ ...outcome, theme_code: theme.code, position: index + 1 })),
  );
  const measures = framework.themes.flatMap((theme) =>
    theme.outcomes.flatMap((outcome) =>
      outcome.measures.map((measure, index) => ({ ...measure, outcome_code: outcome.code, position: index + 1 })),
    ),
  );
  // One statement a level; children find their parent's new id by its code within the version.
  await tx.query(
    `INSERT INTO impact_themes (version_id, code, title, description, position)
     SELECT $1, r.code, r.title, r.description, r.position
     FROM jsonb_to_recordset($2::jsonb) AS r (code text, title text, description text, position int)`,
    [version.id, JSON.stringify(themes.map(({ outcomes: _outcomes, ...theme }) => theme))],
  );
  await tx.query(
    `INSERT INTO impact_outcomes (version_id, theme_id, code, title, description, position)
     SELECT $1, t.id, r.code, r.title, r.description, r.position
     FROM jsonb_to_recordset($2::jsonb) AS r (theme_code text, code text, title text, description text, position int)
     JOIN impact_themes t ON t.version_id = $1 AND t.code = r.theme_code`,
    [version.id, JSON.stringify(outcomes.map(({ measures: _measures, ...outcome }) => outcome))],
  );
  await tx.query(
    `INSERT INTO impact_measures
       (version_id, outcome_id, code, title, unit, evidence_guidance, proxy_value_pence, proxy_source, position)
     SELECT $1, o.id, r.code, r.title, r.unit, r."evidenceGuidance", r."proxyValuePence", r."proxySource", r.position
     FROM jsonb_to_recordset($2::jsonb) AS r (outcome_code text, code text, title text, unit text,
       "evidenceGuidance" text, "proxyValuePence" bigint, "proxySource" text, position int)
     JOIN impact_outcomes o ON o.version_id = $1 AND o.code = r.outcome_code`,
    [version.id, JSON.stringify(measures)],
  );
  return version;
}
