import { HttpError } from '../../platform/errors.ts';

// Neither HSDS 3.0 nor the UK profile sets a default or a ceiling for per_page; these are ours.
export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;
// Far beyond any real directory; it keeps OFFSET a sane number however the page is asked for.
export const MAX_PAGE = 1_000_000;

// Filters the OpenAPI document lists that this API does not implement. Answering them with the unfiltered
// list would look like a filtered answer, so they are refused instead.
const UNSUPPORTED_FILTERS = [
  'search',
  'taxonomy_term_id',
  'taxonomy_id',
  'organization_id',
  'minimum_age',
  'maximum_age',
  'start_time',
  'end_time',
  'day',
  'postcode',
  'proximity',
  'modified_after',
];

export type PageRequest = { page: number; perPage: number };

/** The HSDS page envelope (the OpenAPI document's components.schemas.Page) around one page of contents. */
export type Page<T> = {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
};

const badRequest = (detail: string) => new HttpError(400, 'There is a problem with the request', detail);

function wholeNumber(name: string, raw: unknown, { fallback, max }: { fallback: number; max: number }): number {
  if (raw === undefined) return fallback;
  const fix = `${name} must be a whole number from 1 to ${max}, like ${name}=2`;
  if (typeof raw !== 'string') throw badRequest(`Give ${name} once only: ${fix}.`);
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 1 && value <= max)) throw badRequest(`${fix}. You gave ${JSON.stringify(raw)}.`);
  return value;
}

/** Reads `page` (from 1) and `per_page` from a query string; anything else a client could mean is a 400. */
export function parsePageRequest(query: unknown): PageRequest {
  const params = (query ?? {}) as Record<string, unknown>;
  const unsupported = UNSUPPORTED_FILTERS.filter((name) => Object.hasOwn(params, name));
  if (unsupported.length > 0) {
    throw badRequest(
      `This API does not filter yet, so it cannot use ${unsupported.join(', ')}. Leave ${unsupported.length === 1 ? 'it' : 'them'} out and page through the whole list with page and per_page.`,
    );
  }
  return {
    page: wholeNumber('page', params.page, { fallback: 1, max: MAX_PAGE }),
    perPage: wholeNumber('per_page', params.per_page, { fallback: DEFAULT_PER_PAGE, max: MAX_PER_PAGE }),
  };
}

export const offsetOf = ({ page, perPage }: PageRequest) => (page - 1) * perPage;

/** `size` is the number of entities on this page, as the OpenAPI document describes it, not per_page. */
export function pageOf<T>(contents: T[], totalItems: number, { page, perPage }: PageRequest): Page<T> {
  const totalPages = Math.ceil(totalItems / perPage);
  return {
    total_items: totalItems,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}
