import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { insertOrganisation } from '../organisations/organisations.repository.ts';
import { MEGABYTE } from './ocds-file.ts';
import { describeOcdsReport, importOcds } from './ocds-import.ts';

// The real thing: a Contracts Finder release package of 100 releases, read from the shared data.
const CF_FILE = path.resolve(
  import.meta.dirname,
  '../../../../shared/data/ocds/contracts-finder-2025-01/cf-ocds-search-release-package-2025-01-23.json',
);
const cfBytes = readFileSync(CF_FILE);
type Json = Record<string, unknown>;
const cfPackage = () => JSON.parse(cfBytes.toString('utf8')) as Json & { releases: Json[] };
const actor = { userId: null };
const LIMIT = 50 * MEGABYTE;

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());

const count = async (table: string) =>
  Number((await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);
const importJson = (value: unknown, fileName = 'test.json') =>
  importOcds(database, Buffer.from(JSON.stringify(value)), actor, { fileName, maxBytes: LIMIT });

test('the real Contracts Finder package: all 100 releases stored, then none again; one audit entry each', async () => {
  const organisation = await insertOrganisation(database.db, {
    name: 'Matrix Supply Chain Management',
    charityNumber: null,
    companyNumber: '02227962',
    createdBy: null,
  });
  const byName = await insertOrganisation(database.db, {
    name: 'MARSTONS HOLDINGS PLC',
    charityNumber: null,
    companyNumber: null,
    createdBy: null,
  });
  const audits = await count('audit_log');
  const first = await importOcds(database, cfBytes, actor, { fileName: 'cf.json', maxBytes: LIMIT });
  assert.ok(first.ok);
  assert.deepEqual(
    { stored: first.stored, alreadyStored: first.alreadyStored, rejected: first.rejected, records: first.records },
    { stored: 100, alreadyStored: 0, rejected: [], records: 94 },
  );
  assert.equal(await count('ocds_releases'), 100);
  assert.equal(await count('ocds_records'), 94);
  const [kept] = await database.query<{ package: Json; source: string }>(
    'SELECT p.package, r.source FROM ocds_releases r JOIN ocds_packages p ON p.id = r.package_id LIMIT 1',
  );
  assert.equal(kept?.source, 'import');
  assert.deepEqual(kept?.package.publisher, cfPackage().publisher);

  const again = await importOcds(database, cfBytes, actor, { fileName: 'cf.json', maxBytes: LIMIT });
  assert.ok(again.ok);
  assert.deepEqual([again.stored, again.alreadyStored, again.records], [0, 100, 0]);
  assert.equal(await count('ocds_releases'), 100);
  assert.equal(await count('audit_log'), audits + 2);
  // The second import met the same package; a package is never changed or removed, so every release finds its own.
  await assert.rejects(database.exec('DELETE FROM ocds_packages'), /kept as written/);
  await assert.rejects(database.exec(`UPDATE ocds_packages SET package = '{}'::jsonb`), /kept as written/);
  assert.equal(
    await count(
      'ocds_releases r WHERE r.package_id IS NOT NULL AND NOT EXISTS (SELECT FROM ocds_packages p WHERE p.id = r.package_id)',
    ),
    0,
  );

  // Supplier "Matrix SCM Limited" has GB-COH 02227962; "Marstons holdings plc" has no identifier at all.
  const matches = await database.query<{ name: string; matched_by: string; organisation_id: string }>(
    'SELECT name, matched_by, organisation_id FROM ocds_parties WHERE organisation_id IS NOT NULL ORDER BY name',
  );
  assert.deepEqual(matches, [
    { name: 'Marstons holdings plc', matched_by: 'name', organisation_id: byName.id },
    { name: 'Matrix SCM Limited', matched_by: 'identifier', organisation_id: organisation.id },
  ]);
  assert.ok((await count('ocds_parties')) > 100);
});

test('a record compiles its releases in date order: latest value wins, arrays with ids merged by id', async () => {
  const [release] = cfPackage().releases;
  const ocid = 'ocds-test-merge';
  const tender: Json = { ...(release?.tender as Json), title: 'Old title' };
  const first = {
    ...release,
    ocid,
    id: 'r1',
    date: '2025-01-01T00:00:00Z',
    tender,
    awards: [{ id: 'a1', title: 'One' }],
  };
  const second = {
    ...release,
    ocid,
    id: 'r2',
    date: '2025-02-01T00:00:00Z',
    tender: { id: tender.id, title: 'New title' },
    awards: [
      { id: 'a2', title: 'Two' },
      { id: 'a1', status: 'active' },
    ],
  };
  const result = await importJson([second, first]); // out of order on purpose
  assert.ok(result.ok && result.stored === 2);
  const [record] = await database.query<{ compiled_release: Json; release_count: number }>(
    'SELECT compiled_release::json AS compiled_release, release_count FROM ocds_records WHERE ocid = $1',
    [ocid],
  );
  const compiled = record?.compiled_release ?? {};
  assert.equal(record?.release_count, 2);
  assert.equal((compiled.tender as Json).title, 'New title');
  assert.equal((compiled.tender as Json).status, tender.status, 'fields the later release leaves out are kept');
  assert.deepEqual(compiled.awards, [
    { id: 'a1', title: 'One', status: 'active' },
    { id: 'a2', title: 'Two' },
  ]);
  assert.deepEqual(compiled.tag, ['compiled']);

  // A later file adds to the process: it is compiled again from every stored release.
  const third = { ...second, id: 'r3', date: '2025-03-01T00:00:00Z', awards: [{ id: 'a2', status: 'cancelled' }] };
  assert.ok((await importJson([third])).ok);
  const [again] = await database.query<{ compiled_release: Json; release_count: number }>(
    'SELECT compiled_release::json AS compiled_release, release_count FROM ocds_records WHERE ocid = $1',
    [ocid],
  );
  assert.equal(again?.release_count, 3);
  assert.deepEqual(again?.compiled_release.awards, [
    { id: 'a1', title: 'One', status: 'active' },
    { id: 'a2', title: 'Two', status: 'cancelled' },
  ]);
});

/** `count` schema-valid releases, copies of the real ones, two to a process. */
const manyReleases = (count: number, prefix: string) => {
  const { releases } = cfPackage();
  return Array.from({ length: count }, (_, index) => ({
    ...releases[index % releases.length],
    ocid: `${prefix}-${Math.floor(index / 2)}`,
    id: `${prefix}-release-${index}`,
  }));
};

test('a process whose releases are far apart in a large file, or stored before, is compiled from all of them', async () => {
  const releases: Json[] = manyReleases(2_400, 'ocds-test-apart');
  const known = 'ocds-test-apart-known';
  assert.ok((await importJson([{ ...releases[0], ocid: known, id: 'before', date: '2020-01-01T00:00:00Z' }])).ok);
  // The same process at the start, the middle and the end of the file, and one that was stored before.
  releases[1] = { ...releases[1], ocid: 'ocds-test-apart-0' };
  releases[1_500] = { ...releases[1_500], ocid: 'ocds-test-apart-0' };
  releases[2_399] = { ...releases[2_399], ocid: 'ocds-test-apart-0' };
  releases[1_700] = { ...releases[1_700], ocid: known };
  const result = await importJson({ ...cfPackage(), releases });
  assert.ok(result.ok);
  assert.deepEqual([result.stored, result.rejected.length], [2_400, 0]);
  const records = await database.query<{ ocid: string; release_count: number; ids: string[] }>(
    `SELECT r.ocid, r.release_count, array(SELECT p.party_id FROM ocds_parties p WHERE p.ocid = r.ocid) AS ids
       FROM ocds_records r WHERE r.ocid IN ('ocds-test-apart-0', $1) ORDER BY r.ocid`,
    [known],
  );
  assert.deepEqual(
    records.map((record) => [record.ocid, record.release_count]),
    [
      ['ocds-test-apart-0', 4],
      [known, 2],
    ],
  );
  assert.ok(
    records.every((record) => record.ids.length > 0),
    'each has its parties',
  );
  assert.equal(await count(`ocds_records WHERE ocid LIKE 'ocds-test-apart-%'`), 1_200 + 1);
});

test('a process is compiled from all its releases however the file writes their ocid', async () => {
  const releases: Json[] = manyReleases(30, 'ocds-test-written');
  // Three releases of one process, the last with its ocid written with an escape, after a release of another.
  for (const at of [3, 4, 20]) releases[at] = { ...releases[at], ocid: 'ocds-test-written-one' };
  const text = JSON.stringify({ ...cfPackage(), releases });
  const last = text.lastIndexOf('"ocds-test-written-one"');
  const escaped = `${text.slice(0, last)}"ocds-test-written\\u002done"${text.slice(last + '"ocds-test-written-one"'.length)}`;
  const result = await importOcds(database, Buffer.from(escaped), actor, { fileName: 'written.json', maxBytes: LIMIT });
  assert.ok(result.ok);
  assert.equal(result.stored, 30);
  const [record] = await database.query<{ release_count: number }>(
    `SELECT release_count FROM ocds_records WHERE ocid = 'ocds-test-written-one'`,
  );
  assert.equal(record?.release_count, 3, 'compiled from the two written alike and the one written with an escape');
});

test('should a release be stored meanwhile by another writer, the import starts again without COPY', async () => {
  // The first record written fails as a clash would (the sequence is not undone with the transaction).
  await database.exec(`
    CREATE SEQUENCE ocds_test_clash_once;
    CREATE FUNCTION ocds_test_clash() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('ocds_test_clash_once') = 1 THEN
        RAISE unique_violation USING MESSAGE = 'stored meanwhile';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER ocds_test_clash BEFORE INSERT ON ocds_records FOR EACH ROW EXECUTE FUNCTION ocds_test_clash();`);
  try {
    const result = await importJson({ ...cfPackage(), releases: manyReleases(2_500, 'ocds-test-clash') });
    assert.ok(result.ok);
    assert.deepEqual([result.stored, result.records], [2_500, 1_250]);
    const [records] = await database.query<{ count: number; releases: number }>(
      `SELECT count(*)::int AS count, sum(release_count)::int AS releases FROM ocds_records
        WHERE ocid LIKE 'ocds-test-clash-%'`,
    );
    assert.deepEqual(records, { count: 1_250, releases: 2_500 });
  } finally {
    await database.exec(
      'DROP TRIGGER ocds_test_clash ON ocds_records; DROP FUNCTION ocds_test_clash(); DROP SEQUENCE ocds_test_clash_once',
    );
  }
});

test('a record package (its releases) and a bare list of releases are read too', async () => {
  const [release] = cfPackage().releases;
  const embedded = { ...release, ocid: 'ocds-test-record', id: 'rec-1' };
  const records = await importJson({
    uri: 'https://example.org',
    records: [{ ocid: 'ocds-test-record', releases: [embedded] }],
  });
  assert.ok(records.ok && records.stored === 1);
  const compiledOnly = { ...release, ocid: 'ocds-test-compiled', id: 'compiled-1' };
  const linked = {
    ocid: 'ocds-test-compiled',
    releases: [{ url: 'https://example.org/r', date: '2025-01-01T00:00:00Z' }],
  };
  const fromCompiled = await importJson({ records: [{ ...linked, compiledRelease: compiledOnly }] });
  assert.ok(fromCompiled.ok && fromCompiled.stored === 1);
});

test('a release that breaks the schema is reported by its id, or its position without one; the rest are stored', async () => {
  const [good, bad] = cfPackage().releases.map((release, index) => ({
    ...release,
    id: `schema-${index}`,
    ocid: `ocds-test-schema-${index}`,
  }));
  const broken = { ...bad, date: 'last Tuesday', tag: ['finished'] };
  const result = await importJson([good, broken]);
  assert.ok(result.ok);
  assert.equal(result.stored, 1);
  assert.deepEqual(result.rejected, [
    {
      release: 'schema-1',
      reasons: [
        'date must be a date and time like 2025-01-23T10:00:00Z',
        'tag[0] must be one of: planning, planningUpdate, tender, tenderAmendment, tenderUpdate, tenderCancellation, award, awardUpdate, awardCancellation, contract, contractUpdate, contractAmendment, implementation, implementationUpdate, contractTermination, compiled',
      ],
    },
  ]);
});

test('a release without an id, and a second release with the same id, are reported; the rest are stored', async () => {
  const data = cfPackage();
  const releases: Json[] = data.releases.slice(0, 9).map((release, index) => ({
    ...release,
    ocid: `ocds-test-identity-${index}`,
    id: `identity-${index}`,
  }));
  delete (releases[3] as Json).id;
  releases[7] = { ...releases[7], ocid: 'ocds-test-identity-2', id: 'identity-2' };
  const result = await importJson({ ...data, releases });
  assert.ok(result.ok);
  assert.equal(result.releases, 9);
  assert.equal(result.stored, 7);
  assert.deepEqual(result.rejected, [
    { release: 'number 4 in the file', reasons: ['It has no id: every release needs one'] },
    {
      release: 'identity-2',
      reasons: [
        'Release 3 in the file has the same id in ocds-test-identity-2: each release needs its own id, ' +
          'so this one (number 8) is not imported',
      ],
    },
  ]);
  const [stored] = await database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ocds_releases WHERE ocid LIKE 'ocds-test-identity-%'`,
  );
  assert.equal(stored?.count, 7);
  const [misplaced] = await database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ocds_releases
      WHERE ocid LIKE 'ocds-test-identity-%' AND (release::json->>'id' <> release_id OR release::json->>'ocid' <> ocid)`,
  );
  assert.equal(misplaced?.count, 0, 'each stored release is the one its keys name');
  assert.match(describeOcdsReport(result), /Release number 4 in the file: It has no id/);
});

test('broken files are refused with a clear message and nothing is written', async (t) => {
  const before = [await count('ocds_releases'), await count('ocds_records'), await count('audit_log')];
  const refused = async (input: Buffer, message: RegExp) => {
    const result = await importOcds(database, input, actor, { fileName: 'broken.json', maxBytes: LIMIT });
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.problems.join('\n'), message);
  };
  await t.test('cut short', () => refused(cfBytes.subarray(0, 200_000), /cut short/));
  await t.test('not UTF-8', () =>
    refused(Buffer.from('[{"ocid": "ocds-x", "id": "Caf\xe9"}]', 'latin1'), /not saved as UTF-8/),
  );
  await t.test('not OCDS', () => refused(Buffer.from('{"organisations": []}'), /not in an OCDS shape/));
  await t.test('no releases', () => refused(Buffer.from('{"releases": []}'), /no releases/));
  await t.test('no release with an id', async () => {
    await refused(Buffer.from('[{"ocid": "ocds-x"}, {"id": "1"}, 7]'), /None of the releases can be imported/);
    await refused(Buffer.from('{"releases": [{"ocid": "ocds-x"}, {"id": "1"}]}'), /None of the releases/);
  });
  await t.test('broken JSON inside a release, after a thousand good ones were stored', () => {
    const good = JSON.stringify(manyReleases(1_200, 'ocds-test-broken')).slice(1, -1);
    return refused(Buffer.from(`[${good}, {"ocid": "ocds-x", "id": tru}]`), /not valid JSON/);
  });
  await t.test('text after the list, found once two thousand releases were already being read', () => {
    const list = JSON.stringify(manyReleases(2_400, 'ocds-test-trailing'));
    return refused(Buffer.from(`${list} ]`), /not valid JSON/);
  });
  assert.deepEqual([await count('ocds_releases'), await count('ocds_records'), await count('audit_log')], before);
});

test('a file over the upload limit (a valid 50 MB package) is refused before it is read', async () => {
  const data = cfPackage();
  const template = data.releases;
  const releases: Json[] = [];
  const perRelease = Buffer.byteLength(JSON.stringify(template)) / template.length;
  let size = 0;
  // Unique ids keep the file valid: it is refused for its size alone.
  for (let index = 0; size <= LIMIT * 1.1; index++) {
    const source = template[index % template.length] as Json;
    releases.push({ ...source, id: `big-${index}`, ocid: `ocds-big-${index}` });
    size += perRelease;
  }
  const big = Buffer.from(JSON.stringify({ ...data, releases }));
  assert.ok(big.byteLength > LIMIT);
  const result = await importOcds(database, big, actor, { fileName: 'big.json', maxBytes: LIMIT });
  assert.deepEqual(result, {
    ok: false,
    fileName: 'big.json',
    problems: ['The file is too large: it must be smaller than 50 MB'],
  });
});

test('imports at once of overlapping files store each release once; a date only the database reads is kept', async () => {
  const [release] = cfPackage().releases;
  const releases = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, index) => ({
      ...release,
      ocid: `ocds-test-overlap-${Math.floor((from + index) / 2)}`,
      id: `overlap-${from + index}`,
    }));
  const [first, second] = await Promise.all([
    importJson({ releases: releases(0, 30) }, 'first.json'),
    importJson({ releases: releases(20, 50) }, 'second.json'),
  ]);
  assert.ok(first?.ok && second?.ok);
  assert.equal(first.stored + second.stored, 50, 'the ten in both files are stored once');
  assert.equal(first.alreadyStored + second.alreadyStored, 10);
  const [overlap] = await database.query<{ releases: number; records: number }>(
    `SELECT (SELECT count(*)::int FROM ocds_releases WHERE ocid LIKE 'ocds-test-overlap-%') AS releases,
            (SELECT count(*)::int FROM ocds_records WHERE ocid LIKE 'ocds-test-overlap-%') AS records`,
  );
  assert.deepEqual(overlap, { releases: 50, records: 25 });
  const [counted] = await database.query<{ release_count: number }>(
    `SELECT release_count FROM ocds_records WHERE ocid = 'ocds-test-overlap-10'`,
  );
  assert.equal(counted?.release_count, 2, 'a process split over both files is compiled from both');

  // Schema-valid, but without microsecond-exact handling in JavaScript: the database reads it.
  const precise = { ...release, ocid: 'ocds-test-precise', id: 'precise-1', date: '2025-01-23T10:00:00.1234567Z' };
  const result = await importJson({ releases: [precise] });
  assert.ok(result.ok && result.stored === 1);
  const [stored] = await database.query<{ date: string }>(
    `SELECT to_char(date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS date FROM ocds_releases
      WHERE ocid = 'ocds-test-precise'`,
  );
  assert.equal(stored?.date, '2025-01-23T10:00:00.123457');
});

test('a party a publisher lists twice in a process is stored once', async () => {
  const [release] = cfPackage().releases;
  const buyer = { id: 'GB-COH-00000001', name: 'Repeated Buyer', roles: ['buyer'] };
  const repeated = {
    ...release,
    ocid: 'ocds-test-repeated-party',
    id: 'r1',
    // One party without an id: the list is not merged by id, so the repeat reaches the parties.
    parties: [buyer, { ...buyer, name: 'Repeated Buyer again' }, { name: 'No id at all' }],
  };
  const result = await importOcds(database, Buffer.from(JSON.stringify([repeated])), actor, { maxBytes: LIMIT });
  assert.ok(result.ok && result.stored === 1, JSON.stringify(result));
  const parties = await database.query<{ party_id: string; name: string }>(
    `SELECT party_id, name FROM ocds_parties WHERE ocid = 'ocds-test-repeated-party'`,
  );
  assert.deepEqual(parties, [{ party_id: 'GB-COH-00000001', name: 'Repeated Buyer' }]);
});
