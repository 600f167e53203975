import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASSURANCES } from '../../organisations/catalogue.ts';
import { ESSENTIALS, QUALITY_MARKS, readinessOf } from '../suggestion/candidates.ts';

// The partner search scores readiness in SQL in tenths (three for a verified profile, one for each essential, one
// for any quality mark); this keeps that equal to the consortium suggestion's rule.

test('readiness in the partner search counts what the suggestion counts', () => {
  for (const { code } of ASSURANCES) {
    const alone = readinessOf({ verified: false, assurances: [code] });
    const counted =
      (ESSENTIALS as readonly string[]).includes(code) || (QUALITY_MARKS as readonly string[]).includes(code);
    assert.equal(alone, counted ? 0.1 : 0, code);
  }
  assert.equal(readinessOf({ verified: false, assurances: [...QUALITY_MARKS] }), 0.1, 'any one quality mark counts');
  assert.equal(readinessOf({ verified: true, assurances: [] }), 0.3, 'a verified profile counts three tenths');
  assert.equal(readinessOf({ verified: true, assurances: [...ESSENTIALS, ...QUALITY_MARKS] }), 1);
});
