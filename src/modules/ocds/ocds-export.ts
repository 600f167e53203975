import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { paths } from '../../platform/paths.ts';
import type { Json } from './ocds-file.ts';

// Releases and records as OCDS 1.1 packages, for anyone to reuse under the Open Government Licence.

const LICENSE = 'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/';
// This service publishes under the UK government's open contracting policy, as Contracts Finder does.
const PUBLICATION_POLICY = 'https://www.gov.uk/government/publications/open-contracting';
// links.next and links.prev come from this extension, so packages that use them declare it.
const PAGINATION_EXTENSION =
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json';

const count = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .default(fallback);

export const pageQuerySchema = z.object({
  page: count('page', 1, 1_000_000, 1),
  pageSize: count('pageSize', 1, 100, 100),
});
export type PageQuery = z.output<typeof pageQuerySchema>;

function packageHeader(baseUrl: string, uri: string, extensions: string[]) {
  return {
    uri: `${baseUrl}${uri}`,
    version: '1.1',
    extensions,
    publishedDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    publisher: { name: 'Working Connections', uri: baseUrl },
    license: LICENSE,
    publicationPolicy: PUBLICATION_POLICY,
  };
}

/** The extensions declared by the packages the releases came from: the releases may use their fields. */
const extensionsOf = (packages: (Json | null)[]) =>
  [...new Set(packages.flatMap((item) => (Array.isArray(item?.extensions) ? item.extensions.map(String) : [])))].sort();

export async function releasePackage(database: Database, baseUrl: string, { page, pageSize }: PageQuery) {
  const [rows, [total]] = await Promise.all([
    database.query<{ release: Json; package: Json | null }>(
      `SELECT r.release::json AS release, p.package FROM ocds_releases r LEFT JOIN ocds_packages p ON p.id = r.package_id
        ORDER BY r.date, r.ocid, r.release_id LIMIT $1 OFFSET $2`,
      [pageSize, (page - 1) * pageSize],
    ),
    database.query<{ n: number }>('SELECT count(*)::int AS n FROM ocds_releases'),
  ]);
  const link = (to: number) => `${baseUrl}${paths.api.ocdsReleases({ page: String(to), pageSize: String(pageSize) })}`;
  const links: Record<string, string> = {};
  if (page * pageSize < (total?.n ?? 0)) links.next = link(page + 1);
  if (page > 1) links.prev = link(page - 1);
  return {
    ...packageHeader(baseUrl, paths.api.ocdsReleases({ page: String(page), pageSize: String(pageSize) }), [
      ...extensionsOf(rows.map((row) => row.package)),
      PAGINATION_EXTENSION,
    ]),
    releases: rows.map((row) => row.release),
    links,
  };
}

/** The record of one process, with its releases embedded and its compiled release; undefined when unknown. */
export async function recordPackage(database: Database, baseUrl: string, ocid: string) {
  const [record] = await database.query<{ compiled_release: Json }>(
    'SELECT compiled_release::json AS compiled_release FROM ocds_records WHERE ocid = $1',
    [ocid],
  );
  if (!record) return undefined;
  const releases = await database.query<{ release: Json; package: Json | null }>(
    `SELECT r.release::json AS release, p.package FROM ocds_releases r LEFT JOIN ocds_packages p ON p.id = r.package_id
      WHERE r.ocid = $1 ORDER BY r.date, r.release_id`,
    [ocid],
  );
  const uri = paths.api.ocdsRecord({ ocid });
  return {
    ...packageHeader(baseUrl, uri, extensionsOf(releases.map((row) => row.package))),
    packages: [`${baseUrl}${uri}`],
    records: [{ ocid, releases: releases.map((row) => row.release), compiledRelease: record.compiled_release }],
  };
}
