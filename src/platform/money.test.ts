import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPounds, poundsToPence } from './money.ts';

test('amounts typed in pounds become pence', () => {
  assert.equal(poundsToPence('£12,345.67'), 1_234_567);
  assert.equal(poundsToPence('1000'), 100_000);
  assert.equal(poundsToPence(' 7.5 '), 750);
  assert.equal(poundsToPence('0'), 0);
});

test('anything else is not money', () => {
  for (const text of ['', 'ten', '-5', '1,23', '12.345', '£', '1e6', '99999999999999999999']) {
    assert.equal(poundsToPence(text), undefined, text);
  }
});

test('pence are shown as whole pounds', () => {
  assert.equal(formatPounds(1_234_567), '£12,346');
  assert.equal(formatPounds(null), '');
});
