import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { MEGABYTE, readOcdsFile } from '../src/modules/ocds/ocds-file.ts';
import { importOcds } from '../src/modules/ocds/ocds-import.ts';
import { releaseProblems } from '../src/modules/ocds/ocds-validate.ts';

// OCDS import throughput on 10,000 releases, cloned from the real Contracts Finder package with new ids and ocids
// (two releases per process, so records are compiled from more than one). The baseline, in the same run, reads and
// schema-validates the same file without storing anything: the floor for any import. Target: at least 40% of it.

const RELEASES = Number(process.env.BENCH_OCDS_RELEASES ?? 10_000);
const KINDS = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',').map((kind) => kind.trim());
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1/test';
const TARGET_RATIO = 0.4;
// The baseline is the best of five runs; each import is the best of as many, each into a new database, so that
// the two are measured alike on a machine other work (or the server's own checkpoints) may be slowing.
const RUNS = Number(process.env.BENCH_OCDS_RUNS ?? 5);
const CF_FILE = path.resolve(
  import.meta.dirname,
  '../../shared/data/ocds/contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json',
);

function benchFile(): Buffer {
  const source = JSON.parse(readFileSync(CF_FILE, 'utf8')) as { releases: Record<string, unknown>[] };
  const releases = Array.from({ length: RELEASES }, (_, index) => {
    const release = source.releases[index % source.releases.length] ?? {};
    return { ...release, ocid: `ocds-bench-${Math.floor(index / 2)}`, id: `bench-${index}` };
  });
  return Buffer.from(JSON.stringify({ ...source, releases }));
}

function baseline(file: Buffer): number {
  const started = performance.now();
  const read = readOcdsFile(file, 100 * MEGABYTE);
  if (!read.ok) throw new Error(read.problems.join('; '));
  let invalid = 0;
  for (const release of read.releases) if (releaseProblems(release).length > 0) invalid++;
  if (invalid > 0) throw new Error(`${invalid} bench releases are invalid`);
  return performance.now() - started;
}

async function withDatabase<T>(kind: string, work: (database: Database) => Promise<T>): Promise<T> {
  const schemaName = `bench_ocds_${process.pid}`;
  // PGlite as the platform runs it, in a data directory on disk: in memory, its file system's copying of growing
  // files cost more than the database's own work.
  const dataDir = kind === 'pglite' ? mkdtempSync(path.join(tmpdir(), 'wc-bench-ocds-')) : undefined;
  const database = await openDatabase(kind === 'postgres' ? { url: POSTGRES_URL, schemaName } : { dataDir });
  try {
    await migrate(database);
    return await work(database);
  } finally {
    if (kind === 'postgres') await database.exec(`DROP SCHEMA ${pg.escapeIdentifier(schemaName)} CASCADE`);
    await database.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const perSecond = (ms: number) => Math.round(RELEASES / (ms / 1000));

/**
 * Each database is measured in a process of its own, with its own baseline: what one leaves behind (PGlite's
 * WebAssembly memory, say, waiting for the garbage collector) slowed whatever the process measured next by as
 * much as a third.
 */
export async function benchOcdsImport(): Promise<void> {
  console.log(`\nOCDS import: ${RELEASES.toLocaleString('en-GB')} releases`);
  for (const kind of KINDS) {
    const child = spawnSync(process.execPath, [import.meta.filename, kind], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`the OCDS import bench on ${kind} failed`);
  }
}

async function measure(kind: string): Promise<void> {
  const file = benchFile();
  baseline(file); // warm up the schema compilation and the JIT
  const baselineMs = Math.min(...Array.from({ length: RUNS }, () => baseline(file)));
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) times.push(await importOnce(kind, file));
  const importMs = Math.min(...times);
  const ratio = baselineMs / importMs;
  const verdict = ratio >= TARGET_RATIO ? 'meets' : 'MISSES';
  console.log(
    `  ${kind} (${(file.byteLength / MEGABYTE).toFixed(1)} MB): baseline (parse and validate, no storing) ` +
      `${perSecond(baselineMs)} releases/s (${baselineMs.toFixed(0)} ms); import ${perSecond(importMs)} releases/s ` +
      `(${importMs.toFixed(0)} ms), ${(ratio * 100).toFixed(0)}% of the baseline: ${verdict} the ` +
      `${TARGET_RATIO * 100}% target`,
  );
}

function importOnce(kind: string, file: Buffer): Promise<number> {
  return withDatabase(kind, async (database) => {
    const started = performance.now();
    const result = await importOcds(
      database,
      file,
      { userId: null },
      { fileName: 'bench.json', maxBytes: 100 * MEGABYTE },
    );
    const elapsed = performance.now() - started;
    if (!result.ok || result.stored !== RELEASES)
      throw new Error(`bench import failed: ${JSON.stringify(result).slice(0, 300)}`);
    return elapsed;
  });
}

if (import.meta.main) {
  const kind = process.argv[2];
  await (kind ? measure(kind) : benchOcdsImport());
}
