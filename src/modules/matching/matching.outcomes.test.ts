import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildFramework } from '../../../test/support/impact-factories.ts';
import { buildProfile, buildPublisher } from '../../../test/support/matching-factories.ts';
import { openTestDatabase } from '../../../test/support/test-app.ts';
import { matchingService } from './matching.service.ts';

// Impact framework outcomes in the ranking: an organisation delivering an outcome the opportunity asks for ranks
// higher, more for core impact (+3) than for value-adding impact (+1), and says so in its reasons.

const SWALE = 'E07000113';
const HEALTH = '103';

let database: Awaited<ReturnType<typeof openTestDatabase>>;
before(async () => {
  database = await openTestDatabase();
  await buildFramework(database);
});
after(() => database.drop());
const service = () => matchingService({ database, baseUrl: 'http://localhost:3000' });
const declare = (organisationId: string, code: string, kind: 'core' | 'value_adding') =>
  database.query(
    'INSERT INTO organisation_outcomes (organisation_id, outcome_code, kind, districts) VALUES ($1, $2, $3, $4)',
    [organisationId, code, kind, [SWALE]],
  );
const profile = (name: string) =>
  buildProfile(database, { name, services: [HEALTH], districts: [SWALE], incomePence: null });

test('organisations that fit: core impact on an outcome asked for weighs more than value-adding impact', async () => {
  const { publish, body } = await buildPublisher(database);
  const opportunity = await publish({
    services: [HEALTH],
    districts: [SWALE],
    valuePence: null,
    outcomeCodes: ['O1', 'O3'],
  });
  // Names in the reverse of the expected order, so that only the score can put them right.
  const none = await profile('Aardvark Health');
  const adding = await profile('Badger Health');
  await declare(adding.id, 'O1', 'value_adding');
  const core = await profile('Cormorant Health');
  await declare(core.id, 'O1', 'core');
  await declare(core.id, 'O3', 'value_adding');
  await declare(core.id, 'O2', 'core'); // not asked for: no points

  const { matches } = await service().organisationsFor(opportunity.id, [body.id]);
  assert.deepEqual(
    matches.map((match) => match.name),
    ['Cormorant Health', 'Badger Health', 'Aardvark Health'],
  );
  const base = 3 + 2 + 1;
  assert.deepEqual(
    matches.map((match) => match.score),
    [base + 3 + 1, base + 1, base],
  );
  assert.deepEqual(matches[0]?.reasons, [
    'Services in common: Health and saving lives',
    'Core impact on outcomes asked for: More local people in work',
    'Adds value to outcomes asked for: Less loneliness',
    'Areas in common: Swale',
    'Suitable for VCSEs',
  ]);
  assert.ok(matches[1]?.reasons.includes('Adds value to outcomes asked for: More local people in work'));
  assert.ok(!matches[2]?.reasons.some((reason) => reason.includes('outcomes')));
  assert.ok(none);
});

test('opportunities for an organisation: those asking for its outcomes come first, with the reason', async () => {
  const { publish } = await buildPublisher(database);
  const organisation = await profile('Dipper Health');
  await declare(organisation.id, 'O2', 'core');
  const plain = await publish({ title: 'Plain', services: [HEALTH], districts: [SWALE], valuePence: null });
  const asks = await publish({
    title: 'Asks for skills',
    services: [HEALTH],
    districts: [SWALE],
    valuePence: null,
    outcomeCodes: ['O2'],
  });
  const { matches } = await service().opportunitiesFor(organisation.id);
  const order = matches.map((match) => match.id).filter((id) => id === plain.id || id === asks.id);
  assert.deepEqual(order, [asks.id, plain.id]);
  const first = matches.find((match) => match.id === asks.id);
  const second = matches.find((match) => match.id === plain.id);
  assert.equal((first?.score ?? 0) - (second?.score ?? 0), 3);
  assert.ok(first?.reasons.includes('Core impact on outcomes asked for: Better skills for work'));
});

test('each organisation row carries its outcome codes by kind, kept in step with its declarations', async () => {
  const organisation = await profile('Egret Health');
  const arrays = async () =>
    (
      await database.query<{ core_outcomes: string[]; value_adding_outcomes: string[] }>(
        'SELECT core_outcomes, value_adding_outcomes FROM organisations WHERE id = $1',
        [organisation.id],
      )
    )[0];
  await declare(organisation.id, 'O3', 'core');
  await declare(organisation.id, 'O1', 'core');
  await declare(organisation.id, 'O2', 'value_adding');
  assert.deepEqual(await arrays(), { core_outcomes: ['O1', 'O3'], value_adding_outcomes: ['O2'] });
  await database.query(
    `UPDATE organisation_outcomes SET kind = 'value_adding' WHERE organisation_id = $1 AND outcome_code = 'O3'`,
    [organisation.id],
  );
  assert.deepEqual(await arrays(), { core_outcomes: ['O1'], value_adding_outcomes: ['O2', 'O3'] });
  await database.query('DELETE FROM organisation_outcomes WHERE organisation_id = $1', [organisation.id]);
  assert.deepEqual(await arrays(), { core_outcomes: [], value_adding_outcomes: [] });
});
