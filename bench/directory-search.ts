import pg from 'pg';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemoData } from '../src/db/seed/seed.ts';
import { districts } from '../src/modules/geography/geography.ts';
import { searchDirectory } from '../src/modules/organisations/directory.repository.ts';
import { directorySearchSchema } from '../src/modules/organisations/directory.schema.ts';
import { numberList, percentile } from './stats.ts';

const SIZES = numberList(process.env.BENCH_SIZES, [12_000, 200_000]);
const KINDS = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',').map((kind) => kind.trim());
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 40);
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1/test';

/** p95 of the faceted search at this size on PostgreSQL must stay at or under the target. */
const TARGET_SIZE = 200_000;
const TARGET_P95_MS = 15;
const SEED_TARGET_SIZE = 12_000;
const SEED_TARGET_MS = 30_000;

// Words that occur in the demo names and descriptions, and one typo, which only the trigram match on names finds.
const WORDS = ['larder', 'youth', 'befriending', 'carers', 'garden', 'befrending', 'lunch club', 'choir'];

// The bare indexed full-text query: no facets, no trigram match, no filters. The floor for any word search.
const BASELINE_SQL = `SELECT id FROM organisations WHERE search_vector @@ websearch_to_tsquery('english', $1)
  ORDER BY ts_rank_cd(search_vector, websearch_to_tsquery('english', $1)) DESC LIMIT 20`;

type Query = { q: string; district: string };
type Timing = { q: string; search: number; baseline: number };

/** Words × districts: 8 words and 13 districts are coprime, so 104 queries visit every pair once. */
function queries(count: number): Query[] {
  return Array.from({ length: count }, (_, index) => ({
    q: WORDS[index % WORDS.length] ?? 'larder',
    district: districts[index % districts.length]?.code ?? 'E07000105',
  }));
}

const time = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

async function measure(database: Database): Promise<Timing[]> {
  const search = (query: Query) =>
    searchDirectory(database, directorySearchSchema.parse({ q: query.q, district: query.district, tier: ['2', '3'] }));
  const baseline = (query: Query) => database.query(BASELINE_SQL, [query.q]);
  for (const query of queries(WARMUP)) {
    await search(query);
    await baseline(query);
  }
  // Each query runs both ways back to back, so that any drift on this shared machine falls on both alike.
  const timings: Timing[] = [];
  for (const query of queries(QUERIES)) {
    timings.push({ q: query.q, search: await time(() => search(query)), baseline: await time(() => baseline(query)) });
  }
  return timings;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function summarise(timings: Timing[]) {
  const search = timings.map((t) => t.search);
  const baseline = timings.map((t) => t.baseline);
  const s50 = percentile(search, 0.5);
  const s95 = percentile(search, 0.95);
  const b50 = percentile(baseline, 0.5);
  const b95 = percentile(baseline, 0.95);
  return {
    queries: timings.length,
    'search p50 ms': round(s50),
    'search p95 ms': round(s95),
    'baseline p50 ms': round(b50),
    'baseline p95 ms': round(b95),
    'ratio p50': round(s50 / b50),
    'ratio p95': round(s95 / b95),
  };
}

async function postgresReachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropSchema(url: string, schemaName: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schemaName)} CASCADE`);
  } finally {
    await client.end();
  }
}

export type DirectorySearchFigures = {
  kind: string;
  size: number;
  seedMs: number;
  searchP95: number;
};

async function benchOne(kind: string, size: number): Promise<DirectorySearchFigures | undefined> {
  const schemaName = `bench_directory_${process.pid}_${size}`;
  const database = kind === 'postgres' ? await openDatabase({ url: POSTGRES_URL, schemaName }) : await openDatabase({});
  try {
    await migrate(database);
    const seed = await seedDemoData(database, size);
    const seedMs = seed.milliseconds;
    const started = performance.now();
    const timings = await measure(database);
    const measureMs = performance.now() - started;

    const label = `${size.toLocaleString('en-GB')} organisations, ${kind === 'postgres' ? `PostgreSQL (schema ${schemaName})` : 'PGlite (in memory)'}`;
    console.log(
      `\nDirectory search, ${label}: seeded in ${(seedMs / 1000).toFixed(1)} s; ${WARMUP} warm-up + ${timings.length} timed queries of each kind in ${(measureMs / 1000).toFixed(1)} s`,
    );
    const table: Record<string, ReturnType<typeof summarise>> = {
      'all queries': summarise(timings),
    };
    for (const word of WORDS) table[`q=${JSON.stringify(word)}`] = summarise(timings.filter((t) => t.q === word));
    console.table(table);
    console.log(
      '  search: searchDirectory(q, one district, tier 2 and 3), ranked, first page of 20, with facet counts; baseline: bare indexed full-text query, same words, LIMIT 20',
    );
    const searchP95 = percentile(
      timings.map((t) => t.search),
      0.95,
    );
    return { kind, size, seedMs, searchP95 };
  } finally {
    await database.close();
    if (kind === 'postgres') await dropSchema(POSTGRES_URL, schemaName);
  }
}

/**
 * The directory's typical faceted search (words, a district and two tiers, ranked, first page, facet counts)
 * against the bare indexed full-text query on the same data, at each size, on PGlite and on PostgreSQL.
 */
export async function benchDirectorySearch() {
  const started = performance.now();
  const figures: DirectorySearchFigures[] = [];
  const postgresProblem = KINDS.includes('postgres') ? await postgresReachable(POSTGRES_URL) : undefined;
  for (const size of SIZES) {
    for (const kind of KINDS) {
      if (kind === 'postgres' && postgresProblem) {
        console.log(
          `\nDirectory search, ${size.toLocaleString('en-GB')} organisations, PostgreSQL: skipped, ${POSTGRES_URL.replace(/\/\/[^@]*@/, '//')} is not reachable (${postgresProblem}). Set BENCH_DATABASE_URL to measure it.`,
        );
        continue;
      }
      if (kind !== 'postgres' && kind !== 'pglite') throw new Error(`Unknown database "${kind}" in BENCH_DATABASES`);
      const result = await benchOne(kind, size);
      if (result) figures.push(result);
    }
  }

  console.log('\nDirectory search targets');
  const target = figures.find((f) => f.kind === 'postgres' && f.size === TARGET_SIZE);
  console.log(
    target
      ? `  p95 at most ${TARGET_P95_MS} ms at ${TARGET_SIZE.toLocaleString('en-GB')} organisations on PostgreSQL, facets included: ${target.searchP95 <= TARGET_P95_MS ? 'HOLDS' : 'MISSED'} (p95 ${round(target.searchP95)} ms)`
      : `  p95 at most ${TARGET_P95_MS} ms at ${TARGET_SIZE.toLocaleString('en-GB')} organisations on PostgreSQL: not measured in this run`,
  );
  const seeds = figures.filter((f) => f.size === SEED_TARGET_SIZE);
  if (seeds.length === 0) console.log(`  ${SEED_TARGET_SIZE.toLocaleString('en-GB')} seed: not measured in this run`);
  for (const seed of seeds) {
    console.log(
      `  ${SEED_TARGET_SIZE.toLocaleString('en-GB')} seed at most ${SEED_TARGET_MS / 1000} s on ${seed.kind}: ${seed.seedMs <= SEED_TARGET_MS ? 'HOLDS' : 'MISSED'} (${(seed.seedMs / 1000).toFixed(1)} s)`,
    );
  }
  const seedTimes = figures.map(
    (f) => `${f.kind} ${f.size.toLocaleString('en-GB')}: ${(f.seedMs / 1000).toFixed(1)} s`,
  );
  if (seedTimes.length) console.log(`  seeding times: ${seedTimes.join('; ')}`);
  console.log(`  directory search benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
}
