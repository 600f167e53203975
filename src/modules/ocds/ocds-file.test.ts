import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRecord } from './ocds-compile.ts';
import { findReleases, MEGABYTE, readOcdsFile, writtenOcid } from './ocds-file.ts';

// The import stores each release as written in the file: those bytes must be exactly the parsed releases.

const texts = (json: string) => {
  const input = Buffer.from(json);
  const file = readOcdsFile(input, MEGABYTE);
  assert.ok(file.ok);
  const found = findReleases(input, MEGABYTE);
  if (found) assert.deepEqual(found.metadata, file.metadata, 'the package details, as reading it whole gives them');
  const spans = found?.spans ?? [];
  const texts =
    found &&
    Array.from({ length: spans.length / 2 }, (_, at) => input.toString('utf8', spans[at * 2], spans[at * 2 + 1]));
  return { texts, releases: file.releases };
};

test('each release of a pretty-printed package is found as written, with braces and quotes inside strings', () => {
  const tricky = {
    ocid: 'o-1',
    id: 'a',
    title: 'Braces } { ] [, "quotes" \\ and Wrotham £ ✓',
    // Quotes, escaped or not, near and far from where a long string opens.
    description: `${'A long description, '.repeat(3)}"quoted" at 60 } and a backslash \\"`,
    tag: ['tender'],
  };
  const json = JSON.stringify(
    {
      uri: 'releases',
      publisher: { name: '"releases": [' },
      releases: [tricky, { ocid: 'o-1', id: 'b', n: [1, [2]] }],
    },
    null,
    2,
  );
  const found = texts(json);
  assert.equal(found.texts?.length, 2);
  assert.deepEqual(
    found.texts?.map((text) => JSON.parse(text)),
    found.releases,
  );
  assert.ok(found.texts?.[0]?.startsWith('{\n'), 'kept as written, spacing included');
});

test('a bare list of releases is found, after a byte order mark', () => {
  const list = texts('\ufeff [{"ocid":"o","id":"1"},{"ocid":"o","id":"2"}] ');
  assert.deepEqual(list.texts, ['{"ocid":"o","id":"1"}', '{"ocid":"o","id":"2"}']);
});

test('anything unusual is left to reading the file whole: a repeated releases key, items that are not objects', () => {
  for (const json of [
    '{"releases":[{"ocid":"o","id":"old"}],"releases":[{"ocid":"o","id":"new"}]}',
    '{"releases":[{"ocid":"o","id":"old"}],"rel\\u0065ases":[{"ocid":"o","id":"new"}]}',
    '[{"ocid":"o","id":"1"}, 2]',
  ]) {
    assert.equal(texts(json).texts, undefined, json);
  }
});

test('broken JSON around or between the releases is never taken as releases', () => {
  for (const json of [
    '[{"ocid":"o","id":"1"},]',
    '[{"ocid":"o","id":"1"} {"ocid":"o","id":"2"}]',
    '[{"ocid":"o","id":"1"},,{"ocid":"o","id":"2"}]',
    '[{"ocid":"o","id":"1"}] x',
    '{"releases":[{"ocid":"o","id":"1"}], }',
    '{"releases":[{"ocid":"o","id":"1"}]',
    '{"releases":[{"ocid":"o","id":"1"}',
    '{"releases":[{"ocid":"o","id":"1\\"}]}',
    '{"releases":[]}',
    '[]',
  ]) {
    assert.equal(findReleases(Buffer.from(json), MEGABYTE), undefined, json);
  }
  assert.equal(findReleases(Buffer.from([0x5b, 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x5d]), MEGABYTE), undefined);
});

test('a record package gives no texts, so that its releases are serialised from what was parsed', () => {
  const json = JSON.stringify({ records: [{ ocid: 'o', compiledRelease: { ocid: 'o', id: 'c' } }] });
  assert.equal(texts(json).texts, undefined);
});

test('compiling leaves the releases as they were and drops null fields, even from the first release', () => {
  const first = { ocid: 'o', id: '1', date: '2025-01-01T00:00:00Z', tender: { title: 'T', status: null } };
  const second = {
    ocid: 'o',
    id: '2',
    date: '2025-01-02T00:00:00Z',
    awards: [
      { id: 'a', title: 'A', value: null },
      { id: 'a', status: 'active' },
    ],
  };
  const before = JSON.stringify([first, second]);
  const compiled = compileRecord('o', [second, first]);
  assert.deepEqual(compiled.tender, { title: 'T' });
  assert.deepEqual(compiled.awards, [{ id: 'a', title: 'A', status: 'active' }]);
  assert.equal(JSON.stringify([first, second]), before);
});

test('a release ocid is read from its bytes when written plainly, and left to parsing otherwise', () => {
  const written = (text: string) => writtenOcid(Buffer.from(text), 0, Buffer.byteLength(text));
  assert.equal(written('{"id": "1", "ocid" : "ocds-a1-Wrotham £"}'), 'ocds-a1-Wrotham £');
  assert.equal(written('{"ocid": "ocds-\\u0061"}'), undefined, 'an escape');
  assert.equal(written('{"id": "1"}'), undefined);
  assert.equal(
    written('{"relatedProcesses": [{"scheme": "ocid"}], "ocid": "ocds-b"}'),
    'ocds-b',
    'a value is not a key',
  );
  assert.equal(written('{"ocid": 7}'), undefined);
  assert.equal(written('{"ocid": "cut short'), undefined);
  // A guess only: the first "ocid" key, nested or not; parsing shows the release's own.
  assert.equal(written('{"x": {"ocid": "inner"}, "ocid": "outer"}'), 'inner');
});
