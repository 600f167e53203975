import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropOutpointed, makeContenders, outpoints } from './dominance.ts';
import { DEFAULT_WEIGHTS } from './model.ts';

// dropOutpointed finds dominating organisations through lists kept in order of points and stops where points run
// out: it must drop exactly those the plain definition drops, each organisation against every one kept before it.

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function contenders(seed: number, count: number, lotBits: number) {
  const next = random(seed);
  const lotWords = Math.ceil(lotBits / 32);
  const found = makeContenders(count, lotWords);
  const mask = (bits: number) => {
    let value = 0;
    while (value === 0) for (let bit = 0; bit < bits; bit++) if (next() < 0.4) value |= 1 << bit;
    return value;
  };
  for (let k = 0; k < count; k++) {
    found.count++;
    // Halves, so that ties are common; leads of three kinds, some unable to lead at all.
    found.points[k] = Math.floor(next() * 30) / 2;
    found.lead[k] = [Number.NEGATIVE_INFINITY, 0, 2000, 4000][Math.floor(next() * 4)] as number;
    found.districts[k] = mask(5);
    found.home[k] = next() < 0.2 ? -1 : Math.floor(next() * 6) - 1;
    found.reach[k] = Math.floor(next() * 6);
    for (let word = 0; word < lotWords; word++)
      found.met[k * lotWords + word] = mask(Math.min(32, lotBits - word * 32));
    found.lots[k] = lotWords > 1 ? -1 : (found.met[k * lotWords] as number) | mask(lotBits);
  }
  const reachLots = Array.from({ length: 6 }, () => (lotWords > 1 ? 0 : mask(lotBits)));
  return { found, reachLots };
}

for (const [seed, lotBits] of [
  [1, 3],
  [2, 3],
  [3, 20],
  [4, 40],
] as const) {
  test(`the organisations dropped are those the plain definition drops (case ${seed}, ${lotBits} lots)`, () => {
    const { found, reachLots } = contenders(seed, 600, lotBits);
    const next = random(seed + 100);
    const order = Int32Array.from({ length: found.count }, (_, k) => k).sort(() => next() - 0.5);
    const { kept, dropped } = dropOutpointed(found, order, DEFAULT_WEIGHTS, reachLots);
    const plain: number[] = [];
    for (const i of order) if (!plain.some((j) => outpoints(found, j, i, DEFAULT_WEIGHTS, reachLots))) plain.push(i);
    assert.deepEqual(kept, plain);
    assert.equal(dropped, found.count - plain.length);
    assert.ok(dropped > 0 && plain.length > 1, 'the case both drops and keeps organisations');
  });
}

test('an organisation with no district or lot is tried against every one kept', () => {
  const found = makeContenders(3, 1);
  for (const [k, points] of [10, 5, 1].entries()) {
    found.count++;
    found.points[k] = points;
    found.lead[k] = Number.NEGATIVE_INFINITY;
    found.districts[k] = k === 2 ? 0 : 1 << k;
    found.met[k] = k === 2 ? 0 : 1;
    found.lots[k] = 1;
    found.home[k] = -1;
  }
  const reachLots = [0, 0, 0, 0, 0, 0];
  for (const order of [
    [0, 1, 2],
    [0, 2],
  ])
    assert.deepEqual(dropOutpointed(found, order, DEFAULT_WEIGHTS, reachLots).kept, order.slice(0, -1));
});
