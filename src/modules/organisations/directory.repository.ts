import type { SqlRunner } from '../../db/client.ts';
import type { DirectorySearch } from './directory.schema.ts';
import { AT_RISK_TIERS } from './tiers.ts';

// The directory search as one SQL statement: the matching organisations, one page of them, and the facet
// counts. A facet whose values the person has picked is counted without its own filter, so that the other
// values still show how many more each would add.

export type FacetName =
  | 'district'
  | 'tier'
  | 'atRisk'
  | 'service'
  | 'beneficiary'
  | 'legalForm'
  | 'assurance'
  | 'verified';

export type SearchRow = {
  id: string;
  name: string;
  description: string;
  tier: number | null;
  income_pence: number | null;
  districts: string[];
  services: string[];
  beneficiaries: string[];
  legal_form: string | null;
  verified: boolean;
  is_demo: boolean;
  charity_number: string | null;
  company_number: string | null;
};

export type SearchResult = {
  /** Set when nothing matched the words as typed and the closest known words were searched for instead. */
  correctedQuery?: string;
  total: number;
  rows: SearchRow[];
  facets: Record<FacetName, Record<string, number>>;
};

/** How each facet is counted over a set of rows `s`. */
const FACET_COUNTS: Record<FacetName, string> = {
  district: 'SELECT value, count(*) FROM s, unnest(s.districts) AS value GROUP BY 1',
  tier: 'SELECT tier::text AS value, count(*) FROM s WHERE tier IS NOT NULL GROUP BY 1',
  atRisk: `SELECT 'true' AS value, count(*) FROM s WHERE tier IN (${AT_RISK_TIERS.join(', ')})`,
  service: 'SELECT value, count(*) FROM s, unnest(s.services) AS value GROUP BY 1',
  beneficiary: 'SELECT value, count(*) FROM s, unnest(s.beneficiaries) AS value GROUP BY 1',
  legalForm: 'SELECT legal_form AS value, count(*) FROM s WHERE legal_form IS NOT NULL GROUP BY 1',
  assurance: 'SELECT value, count(*) FROM s, unnest(s.assurances) AS value GROUP BY 1',
  verified: `SELECT 'true' AS value, count(*) FROM s WHERE verified_at IS NOT NULL`,
};

/** Only what facets count: narrow rows keep the matched set small in memory. */
const FACET_COLUMNS = 'id, tier, districts, services, beneficiaries, assurances, legal_form, verified_at';

/**
 * Searches as typed; when words find nothing at all, searches again with each word replaced by the closest
 * word of any organisation's name ("befrending" → "befriending"), and says so.
 */
export async function searchDirectory(runner: SqlRunner, search: DirectorySearch): Promise<SearchResult> {
  const result = await runSearch(runner, search, true);
  if (result.total > 0 || !search.q) return result;
  const corrected = await closestWords(runner, search.q);
  return corrected
    ? { ...(await runSearch(runner, { ...search, q: corrected }, true)), correctedQuery: corrected }
    : result;
}

/** The query with each word swapped for the most similar known name word, or undefined when nothing changes. */
async function closestWords(runner: SqlRunner, q: string): Promise<string | undefined> {
  const [row] = await runner.query<{ corrected: string | null; typed: string | null }>(
    `SELECT string_agg(coalesce(
              (SELECT term FROM search_terms WHERE term % word ORDER BY similarity(term, word) DESC, term LIMIT 1), word),
            ' ' ORDER BY position) AS corrected,
            string_agg(word, ' ' ORDER BY position) AS typed
       FROM regexp_split_to_table(lower($1), '[^[:alnum:]]+') WITH ORDINALITY AS words (word, position)
      WHERE word <> ''`,
    [q],
  );
  return row?.corrected && row.corrected !== row.typed ? row.corrected : undefined;
}

/** One page of a search without words, and without the total and facet counts (the caller has them). */
export async function directoryPageRows(runner: SqlRunner, search: DirectorySearch): Promise<SearchRow[]> {
  if (search.q) throw new Error('directoryPageRows is for searches without words');
  return (await runSearch(runner, search, false)).rows;
}

async function runSearch(runner: SqlRunner, search: DirectorySearch, counts: boolean): Promise<SearchResult> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const q = search.q ? param(search.q) : undefined;
  const tsquery = q ? `websearch_to_tsquery('english', ${q})` : undefined;

  const conditions: Partial<Record<FacetName, string>> = {};
  if (search.district.length) conditions.district = `districts && ${param(search.district)}::text[]`;
  if (search.tier.length) conditions.tier = `tier = ANY(${param(search.tier)}::smallint[])`;
  if (search.atRisk) conditions.atRisk = `tier IN (${AT_RISK_TIERS.join(', ')})`;
  if (search.service.length) conditions.service = `services && ${param(search.service)}::text[]`;
  if (search.beneficiary.length) conditions.beneficiary = `beneficiaries && ${param(search.beneficiary)}::text[]`;
  if (search.legalForm.length) conditions.legalForm = `legal_form = ANY(${param(search.legalForm)}::text[])`;
  // Requirements add up: an organisation must hold every policy asked for.
  if (search.assurance.length) conditions.assurance = `assurances @> ${param(search.assurance)}::text[]`;
  if (search.verified) conditions.verified = 'verified_at IS NOT NULL';
  const where = (except?: FacetName) =>
    [
      'true',
      ...Object.entries(conditions)
        .filter(([name]) => name !== except)
        .map(([, clause]) => clause),
    ].join(' AND ');

  // With words, the index lookups for them run once, into the narrow "words" set, and every filter and facet
  // then works on that set in memory. Without words, each filter uses the table's own indexes.
  const source = q ? 'words' : "(SELECT * FROM organisations WHERE sector = 'vcse') AS vcse";
  const words = q
    ? `words AS MATERIALIZED (
         SELECT ${FACET_COLUMNS} FROM organisations WHERE sector = 'vcse' AND search_vector @@ ${tsquery}),`
    : '';
  // Ranked only over the rows that pass every filter, never across the whole county.
  const rank = tsquery && q ? `ts_rank_cd(search_vector, ${tsquery}) + word_similarity(${q}, name)` : '0';
  const order = {
    relevance: q ? 'rank DESC, lower(name), id' : 'lower(name), id',
    name: 'lower(name), id',
    income: 'income_pence DESC NULLS LAST, lower(name), id',
  }[search.sort];
  const pageRows = q ? 'id IN (SELECT id FROM matched)' : `sector = 'vcse' AND ${where()}`;

  const facetSelects = (Object.keys(FACET_COUNTS) as FacetName[]).map((facet) => {
    const rows = conditions[facet] ? `(SELECT ${FACET_COLUMNS} FROM ${source} WHERE ${where(facet)})` : 'matched';
    return `(SELECT coalesce(json_object_agg(value, count), '{}') FROM (${FACET_COUNTS[facet].replaceAll('FROM s', `FROM ${rows} AS s`)}) AS f) AS "${facet}"`;
  });

  const pageSelect = `(SELECT coalesce(json_agg(page), '[]') FROM (
        SELECT id, name, left(description, 300) AS description, tier,
               CASE WHEN income_private THEN NULL ELSE income_pence END AS income_pence, districts, services,
               beneficiaries, legal_form, verified_at IS NOT NULL AS verified, is_demo, charity_number, company_number,
               ${rank} AS rank
          FROM organisations WHERE ${pageRows}
         ORDER BY ${order} LIMIT ${param(search.pageSize)} OFFSET ${param((search.page - 1) * search.pageSize)}
      ) AS page) AS rows`;
  const sql = counts
    ? `WITH ${words}
       matched AS MATERIALIZED (SELECT ${FACET_COLUMNS} FROM ${source} WHERE ${where()})
       SELECT (SELECT count(*) FROM matched)::int AS total, ${pageSelect}, ${facetSelects.join(', ')}`
    : `SELECT ${pageSelect}`;

  const [row] = await runner.query<Record<string, unknown>>(sql, params);
  const facets = Object.fromEntries(
    (Object.keys(FACET_COUNTS) as FacetName[]).map((facet) => [facet, parseCounts(row?.[facet])]),
  ) as Record<FacetName, Record<string, number>>;
  return { total: Number(row?.total ?? 0), rows: parseJson<SearchRow[]>(row?.rows) ?? [], facets };
}

// PGlite and node-postgres both parse json columns, but a driver may hand back text: accept either.
function parseJson<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : (value as T | undefined);
}

function parseCounts(value: unknown): Record<string, number> {
  return Object.fromEntries(
    Object.entries(parseJson<Record<string, number | string>>(value) ?? {}).map(([key, count]) => [key, Number(count)]),
  );
}
