import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { seedDemoData } from '../src/db/seed/seed.ts';
import { districts } from '../src/modules/geography/geography.ts';
import { startBarePage } from './bare-page.ts';
import { type LoadResult, load, median } from './http.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ORGANISATIONS = Number(process.env.BENCH_PAGE_ORGANISATIONS ?? 12_000);
/** The search results page must serve at least this share of the bare page's requests per second. */
const TARGET_SHARE = 0.5;

const WORDS = ['larder', 'youth', 'befriending', 'carers', 'garden', 'befrending', 'lunch club', 'choir'];

/** Words × districts, as a commissioner would type them: 8 words and 13 districts give 104 different pages. */
const searchPaths = () =>
  Array.from(
    { length: WORDS.length * districts.length },
    (_, index) =>
      `/directory?${new URLSearchParams({ q: WORDS[index % WORDS.length] ?? '', district: districts[index % districts.length]?.code ?? '' })}`,
  );

/**
 * The directory's search results page (words and a district, ranked, facets, map) through the whole service on
 * PGlite, against the same baseline as the home page: a bare route rendering the govuk-frontend layout, no database.
 */
export async function benchDirectoryPage() {
  const started = performance.now();
  const database = await openDatabase({});
  await migrate(database);
  const seed = await seedDemoData(database, ORGANISATIONS);
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database });
  const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = await startBarePage();
  const label = `Directory search page, ${ORGANISATIONS.toLocaleString('en-GB')} organisations on ${database.kind} (seeded in ${(seed.milliseconds / 1000).toFixed(1)} s)`;

  try {
    // The page must answer, and answer with search results, before its speed means anything.
    const probe = await fetch(`${appAddress}/directory?q=larder`);
    const body = await probe.text();
    if (probe.status !== 200) {
      console.log(`\n${label}: not measured, GET /directory?q=larder answered ${probe.status}`);
      return;
    }
    const larders = body.match(/larder/gi)?.length ?? 0;
    if (larders < 5) {
      console.log(
        `\n${label}: GET /directory?q=larder answered 200 but names "larder" only ${larders} times; it may not show search results yet`,
      );
    }

    const paths = searchPaths();
    await load(appAddress, 2, 10, paths);
    await load(`${bare.address}/`, 2);
    const rounds = { app: [] as LoadResult[], bare: [] as LoadResult[] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.bare.push(await load(`${bare.address}/`, SECONDS));
      rounds.app.push(await load(appAddress, SECONDS, 10, paths));
    }

    const summarise = (results: LoadResult[]) => ({
      requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
      p50: Math.round(median(results.map((r) => r.p50)) * 100) / 100,
      p95: Math.round(median(results.map((r) => r.p95)) * 100) / 100,
      failures: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
    });
    const app_ = summarise(rounds.app);
    const bare_ = summarise(rounds.bare);
    console.log(`\n${label}, ${ROUNDS} rounds × ${SECONDS} s, 10 connections (medians)`);
    console.table({
      [`GET /directory?q=…&district=… (${paths.length} searches in turn)`]: app_,
      'baseline: bare govuk layout, no database': bare_,
    });
    const share = app_.requestsPerSecond / bare_.requestsPerSecond;
    console.log(
      `directory search page throughput is ${(share * 100).toFixed(0)}% of the baseline; target at least ${TARGET_SHARE * 100}%: ${share >= TARGET_SHARE && app_.failures === 0 ? 'HOLDS' : 'MISSED'}`,
    );
  } finally {
    await app.close();
    await bare.close();
    await database.close();
    console.log(`directory page benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  }
}
