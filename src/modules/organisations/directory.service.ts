import type { Database } from '../../db/client.ts';
import { presentFacets, presentResult } from './directory.presenter.ts';
import { directoryPageRows, type SearchResult, searchDirectory } from './directory.repository.ts';
import { type DirectorySearch, directorySearchSchema } from './directory.schema.ts';

export const CSV_ROW_LIMIT = 20_000;
// The directory's landing page (no words, no filters) is its busiest; its counts cover every organisation and
// change only when profiles do, so they are kept for a short while instead of being counted on every view.
const UNFILTERED_COUNTS_MS = 30_000;

const isUnfiltered = (search: DirectorySearch) =>
  !search.q &&
  !search.atRisk &&
  !search.verified &&
  [search.district, search.tier, search.service, search.beneficiary, search.legalForm, search.assurance].every(
    (values) => values.length === 0,
  );

/** The directory search for pages, the API and CSV downloads. */
export function directoryService({ database }: { database: Database }) {
  let unfilteredCounts: { expires: number; total: number; facets: SearchResult['facets'] } | undefined;

  async function find(search: DirectorySearch): Promise<SearchResult> {
    if (!isUnfiltered(search)) return searchDirectory(database, search);
    if (unfilteredCounts && unfilteredCounts.expires > Date.now()) {
      return { ...unfilteredCounts, rows: await directoryPageRows(database, search) };
    }
    const result = await searchDirectory(database, search);
    unfilteredCounts = { expires: Date.now() + UNFILTERED_COUNTS_MS, total: result.total, facets: result.facets };
    return result;
  }

  return {
    parse: (query: unknown) => directorySearchSchema.safeParse(query ?? {}),

    async search(search: DirectorySearch) {
      const result = await find(search);
      return {
        correctedQuery: result.correctedQuery,
        total: result.total,
        page: search.page,
        pageSize: search.pageSize,
        pageCount: Math.max(1, Math.ceil(result.total / search.pageSize)),
        results: result.rows.map(presentResult),
        facets: presentFacets(result, search),
        rawFacets: result.facets,
      };
    },

    /** Every match (up to the CSV limit), for download. */
    async all(search: DirectorySearch) {
      const result = await searchDirectory(database, { ...search, page: 1, pageSize: CSV_ROW_LIMIT });
      return { total: result.total, results: result.rows.map(presentResult) };
    },
  };
}
