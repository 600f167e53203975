import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildProfile, buildPublisher } from '../../../test/support/matching-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { matchingService } from './matching.service.ts';

const SWALE = 'E07000113';
const MEDWAY = 'E06000035';
const HEALTH = '103';
const POVERTY = '105';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.drop());
const service = () => matchingService({ database, baseUrl: 'http://localhost:3000' });

test('organisations that fit: services and areas in common first, out-of-reach value last, with reasons', async () => {
  const { publish, body } = await buildPublisher(database);
  // A £2m contract for health work in Swale.
  const opportunity = await publish({ services: [HEALTH, POVERTY], districts: [SWALE], valuePence: 2_000_000_00 });
  const both = await buildProfile(database, {
    services: [HEALTH, POVERTY],
    districts: [SWALE],
    incomePence: 900_000_00,
  });
  const one = await buildProfile(database, { services: [HEALTH], districts: [SWALE, MEDWAY], incomePence: 900_000_00 });
  const small = await buildProfile(database, {
    services: [HEALTH, POVERTY],
    districts: [SWALE],
    incomePence: 5_000_00,
  });
  const elsewhere = await buildProfile(database, { services: [HEALTH], districts: [MEDWAY], incomePence: null });
  const otherWork = await buildProfile(database, { services: ['111'], districts: [SWALE], incomePence: null });

  const { matches } = await service().organisationsFor(opportunity.id, [body.id]);
  assert.deepEqual(
    matches.map((match) => match.id),
    [both.id, one.id, small.id],
  );
  assert.ok(!matches.some((match) => match.id === elsewhere.id || match.id === otherWork.id));
  const [first, , last] = matches;
  assert.equal(first?.score, 3 * 2 + 2 + 2 + 1);
  assert.deepEqual(first?.reasons, [
    'Services in common: Health and saving lives, Relief of poverty',
    'Areas in common: Swale',
    'Value £2,000,000 suits a tier 5 organisation',
    'Suitable for VCSEs',
  ]);
  assert.equal(last?.score, 3 * 2 + 2 - 4 + 1);
  assert.match(last?.reasons.join('\n') ?? '', /Value £2,000,000 is out of reach for tier 2 \(up to £25,000\)/);
});

test('only the buying body sees the organisations that fit', async () => {
  const { publish } = await buildPublisher(database);
  const opportunity = await publish();
  await assert.rejects(service().organisationsFor(opportunity.id, []), { statusCode: 403 });
  await assert.rejects(service().organisationsFor('not-a-uuid', []), { statusCode: 404 });
});

test('opportunities for an organisation: published and open only, best first, reserved ones ahead', async () => {
  const { publish } = await buildPublisher(database);
  const member = await buildProfile(database, { services: ['112'], districts: [MEDWAY], incomePence: 20_000_00 });
  const reserved = await publish({
    title: 'Reserved',
    services: ['112'],
    districts: [MEDWAY],
    reservedForVcse: true,
    valuePence: 50_000_00,
  });
  const plain = await publish({
    title: 'Plain',
    services: ['112'],
    districts: [],
    suitableForVcse: false,
    valuePence: 50_000_00,
  });
  const tooBig = await publish({ title: 'Too big', services: ['112'], districts: [MEDWAY], valuePence: 500_000_00 });
  await publish({ title: 'Draft', services: ['112'], districts: [MEDWAY] }, { publish: false });
  await publish({ title: 'Elsewhere', services: ['112'], districts: [SWALE] });

  const { matches } = await service().opportunitiesFor(member.id);
  assert.deepEqual(
    matches.map((match) => match.title),
    ['Reserved', 'Plain', 'Too big'],
  );
  assert.deepEqual(matches[0]?.reasons, [
    'Services in common: Environment and conservation',
    'Areas in common: Medway',
    'Value £50,000 is within reach of tier 3 (up to £100,000)',
    'Reserved for VCSEs',
  ]);
  assert.equal(matches[1]?.reasons[1], 'Covers all of Kent and Medway');
  assert.ok(reserved.id && plain.id && tooBig.id);
});
