import type { Database } from '../../src/db/client.ts';

// A small impact framework for tests that need one, written straight into migration 0010's tables:
// two themes, three outcomes and four measures, two of them with a proxy value.

export type TestFramework = Awaited<ReturnType<typeof buildFramework>>;

let nextVersion = 1000;

export async function buildFramework(database: Database, options: { version?: number; title?: string } = {}) {
  const version = options.version ?? nextVersion++;
  const insertedId = (rows: { id: string }[]) => {
    const id = rows[0]?.id;
    if (!id) throw new Error('insert returned no row');
    return id;
  };
  const versionId = insertedId(
    await database.query<{ id: string }>(
      `INSERT INTO impact_framework_versions (version, title, source, licence)
     VALUES ($1, $2, 'Written for tests', 'Open Government Licence v3.0') RETURNING id`,
      [version, options.title ?? `Test framework ${version}`],
    ),
  );
  const theme = async (code: string, title: string, position: number) =>
    insertedId(
      await database.query<{ id: string }>(
        'INSERT INTO impact_themes (version_id, code, title, position) VALUES ($1, $2, $3, $4) RETURNING id',
        [versionId, code, title, position],
      ),
    );
  const outcome = async (themeId: string, code: string, title: string, position: number) =>
    insertedId(
      await database.query<{ id: string }>(
        `INSERT INTO impact_outcomes (version_id, theme_id, code, title, position)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [versionId, themeId, code, title, position],
      ),
    );
  const measure = async (outcomeId: string, code: string, title: string, unit: string, proxyPence: number | null) =>
    insertedId(
      await database.query<{ id: string }>(
        `INSERT INTO impact_measures (version_id, outcome_id, code, title, unit, proxy_value_pence, proxy_source)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [versionId, outcomeId, code, title, unit, proxyPence, proxyPence === null ? '' : 'Test proxy source'],
      ),
    );

  const jobs = await theme('T1', 'Jobs and skills', 1);
  const wellbeing = await theme('T2', 'Health and wellbeing', 2);
  const employment = await outcome(jobs, 'O1', 'More local people in work', 1);
  const skills = await outcome(jobs, 'O2', 'Better skills for work', 2);
  const loneliness = await outcome(wellbeing, 'O3', 'Less loneliness', 1);
  return {
    versionId,
    version,
    themes: { jobs, wellbeing },
    outcomes: { employment, skills, loneliness },
    measures: {
      jobsCreated: await measure(employment, 'M1', 'Local people employed', 'people', 1_000_000),
      trainingWeeks: await measure(skills, 'M2', 'Training weeks delivered', 'weeks', 25_000),
      apprenticeships: await measure(skills, 'M3', 'Apprenticeships started', 'apprenticeships', null),
      befriendingHours: await measure(loneliness, 'M4', 'Hours of befriending', 'hours', null),
    },
  };
}
