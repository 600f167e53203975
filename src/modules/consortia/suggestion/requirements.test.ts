import assert from 'node:assert/strict';
import { test } from 'node:test';
import { districts } from '../../geography/geography.ts';
import { requirementsOf } from './requirements.ts';

// An opportunity's lots as the suggestion's requirements: each service of each lot, with its areas and value.

const SWALE = 'E07000113';
const THANET = 'E07000114';
const opportunity = { services: ['103', '105'], districts: [SWALE], valuePence: 90_000_01, outcomeCodes: ['O1'] };

test('each service of each lot is a lot of its own, with the lot’s value split between them', () => {
  const {
    opportunity: asked,
    parts,
    needs,
  } = requirementsOf(opportunity, [
    { id: 'a', title: 'North', valuePence: 60_000_01, districts: [SWALE, THANET] },
    { id: 'b', title: 'East', valuePence: null, districts: [] },
  ]);
  assert.deepEqual(
    asked.lots.map((lot) => [lot.id, lot.services, lot.districts, lot.valuePence]),
    [
      ['North (Health and saving lives)', ['103'], [SWALE, THANET], 30_000_01],
      ['North (Relief of poverty)', ['105'], [SWALE, THANET], 30_000_00],
      // A lot without a value takes what the opportunity's value leaves, and its areas when it names none.
      ['East (Health and saving lives)', ['103'], [SWALE], 15_000_00],
      ['East (Relief of poverty)', ['105'], [SWALE], 15_000_00],
    ],
  );
  assert.deepEqual(asked.outcomes, ['O1']);
  assert.deepEqual(parts.get('East (Relief of poverty)'), { lotId: 'b', lotTitle: 'East', service: '105' });
  assert.deepEqual(needs, { services: ['103', '105'], districts: [SWALE, THANET] });
});

test('an opportunity without lots is one lot; without areas it is all of Kent and Medway', () => {
  const { opportunity: asked } = requirementsOf({ ...opportunity, services: ['103'], districts: [] }, []);
  assert.equal(asked.lots.length, 1);
  assert.equal(asked.lots[0]?.id, 'Health and saving lives');
  assert.equal(asked.lots[0]?.valuePence, 90_000_01);
  assert.equal(asked.lots[0]?.districts.length, districts.length);
});

test('lots with the same title are told apart, and no services means nothing to cover', () => {
  const lot = { id: 'a', title: 'Lot', valuePence: 10, districts: [SWALE] };
  const { opportunity: asked } = requirementsOf({ ...opportunity, services: ['103'] }, [lot, { ...lot, id: 'b' }]);
  assert.deepEqual(
    asked.lots.map((each) => each.id),
    ['Lot (Health and saving lives)', 'Lot (Health and saving lives) [2]'],
  );
  const none = requirementsOf({ ...opportunity, services: [] }, [lot]);
  assert.deepEqual(none.opportunity.lots, []);
  assert.deepEqual(none.needs.services, []);
});
