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

const COLUMNS = `id, name, description, tier, CASE WHEN income_private THEN NULL ELSE income_pence END AS income_pence,
  districts, services, beneficiaries, assurances, legal_form, verified_at, is_demo, charity_number, company_number`;

export async function searchDirectory(runner: SqlRunner, search: DirectorySearch): Promise<SearchResult> {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const q = search.q ? param(search.q) : undefined;
  const tsquery = q ? `websearch_to_tsquery('english', ${q})` : undefined;

  const filters: Partial<Record<FacetName, string>> = {};
  if (search.district.length) filters.district = `districts && ${param(search.district)}::text[]`;
  if (search.tier.length) filters.tier = `tier = ANY(${param(search.tier)}::smallint[])`;
  if (search.atRisk) filters.atRisk = `tier IN (${AT_RISK_TIERS.join(', ')})`;
  if (search.service.length) filters.service = `services && ${param(search.service)}::text[]`;
  if (search.beneficiary.length) filters.beneficiary = `beneficiaries && ${param(search.beneficiary)}::text[]`;
  if (search.legalForm.length) filters.legalForm = `legal_form = ANY(${param(search.legalForm)}::text[])`;
  // Requirements add up: an organisation must hold every policy asked for.
  if (search.assurance.length) filters.assurance = `assurances @> ${param(search.assurance)}::text[]`;
  if (search.verified) filters.verified = 'verified_at IS NOT NULL';
  const where = (except?: FacetName) =>
    [
      'true',
      ...Object.entries(filters)
        .filter(([name]) => name !== except)
        .map(([, clause]) => clause),
    ].join(' AND ');

  // Words are matched once, into "base"; every facet then filters that small set in memory. Without words,
  // base is the table itself, and each facet's filters use the table's indexes.
  const rank = tsquery && q ? `ts_rank_cd(search_vector, ${tsquery}) + word_similarity(${q}, name)` : '0';
  const base = q
    ? `base AS MATERIALIZED (SELECT ${COLUMNS}, ${rank} AS rank FROM organisations
         WHERE sector = 'vcse' AND (search_vector @@ ${tsquery} OR ${q} <% name)),`
    : `base AS (SELECT ${COLUMNS}, 0 AS rank FROM organisations WHERE sector = 'vcse'),`;
  const order = {
    relevance: q ? 'rank DESC, lower(name), id' : 'lower(name), id',
    name: 'lower(name), id',
    income: 'income_pence DESC NULLS LAST, lower(name), id',
  }[search.sort];

  const facetSelects = (Object.keys(FACET_COUNTS) as FacetName[]).map((facet) => {
    const source = filters[facet] ? `(SELECT * FROM base WHERE ${where(facet)})` : 'matched';
    return `(SELECT coalesce(json_object_agg(value, count), '{}') FROM (${FACET_COUNTS[facet].replaceAll('FROM s', `FROM ${source} AS s`)}) AS f) AS "${facet}"`;
  });

  const sql = `
    WITH ${base}
    matched AS MATERIALIZED (SELECT * FROM base WHERE ${where()})
    SELECT
      (SELECT count(*) FROM matched)::int AS total,
      (SELECT coalesce(json_agg(page), '[]') FROM (
        SELECT id, name, left(description, 300) AS description, tier, income_pence, districts, services, beneficiaries,
               legal_form, verified_at IS NOT NULL AS verified, is_demo, charity_number, company_number
          FROM matched ORDER BY ${order} LIMIT ${param(search.pageSize)} OFFSET ${param((search.page - 1) * search.pageSize)}
      ) AS page) AS rows,
      ${facetSelects.join(',\n      ')}`;

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
