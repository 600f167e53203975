import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { startBarePage } from './bare-page.ts';
import { load, median } from './http.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * The home page through the whole service (security hooks, session lookup, CSRF token, database-backed
 * navigation) against a baseline: a bare Fastify route rendering the same govuk-frontend layout, no database.
 */
export async function benchHomePage() {
  const database = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : {});
  await migrate(database);
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database });
  const appAddress = await app.listen({ port: 0, host: '127.0.0.1' });

  const bare = await startBarePage();
  const bareAddress = bare.address;

  // Warm both up so that neither pays for JIT compilation in the measured rounds.
  await load(`${appAddress}/`, 2);
  await load(`${bareAddress}/`, 2);
  const rounds = { app: [] as Awaited<ReturnType<typeof load>>[], bare: [] as Awaited<ReturnType<typeof load>>[] };
  for (let round = 0; round < ROUNDS; round += 1) {
    rounds.bare.push(await load(`${bareAddress}/`, SECONDS));
    rounds.app.push(await load(`${appAddress}/`, SECONDS));
  }
  await app.close();
  await bare.close();
  await database.close();

  const summarise = (results: Awaited<ReturnType<typeof load>>[]) => ({
    requestsPerSecond: Math.round(median(results.map((r) => r.requestsPerSecond))),
    p50: median(results.map((r) => r.p50)),
    p95: median(results.map((r) => r.p95)),
    failures: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
  });
  const app_ = summarise(rounds.app);
  const bare_ = summarise(rounds.bare);
  console.log(`\nHome page, ${database.kind}, ${ROUNDS} rounds × ${SECONDS} s, 10 connections (medians)`);
  console.table({ 'home page (whole service)': app_, 'baseline: bare govuk layout, no database': bare_ });
  console.log(
    `home page throughput is ${((app_.requestsPerSecond / bare_.requestsPerSecond) * 100).toFixed(0)}% of the baseline`,
  );
}
