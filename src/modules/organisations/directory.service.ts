import type { Database } from '../../db/client.ts';
import { presentFacets, presentResult } from './directory.presenter.ts';
import { searchDirectory } from './directory.repository.ts';
import { type DirectorySearch, directorySearchSchema } from './directory.schema.ts';

export const CSV_ROW_LIMIT = 20_000;

/** The directory search for pages, the API and CSV downloads. */
export function directoryService({ database }: { database: Database }) {
  return {
    parse: (query: unknown) => directorySearchSchema.safeParse(query ?? {}),

    async search(search: DirectorySearch) {
      const result = await searchDirectory(database, search);
      return {
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
