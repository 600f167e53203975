import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Candidate, DEFAULT_OPTIONS } from './model.ts';
import { type SolveInput, SolverBusyError, solverThread } from './solve.ts';

// The solver threads: a suggestion worked out off the request's thread, and a thread with too many waiting
// turning the next away at once rather than queueing it without end.

const candidate = (id: string, districts: string[]): Candidate => ({
  id,
  name: `Organisation ${id}`,
  tier: 3,
  services: ['104'],
  districts,
  homeDistrict: districts[0],
  readiness: 0.8,
  coreOutcomes: [],
  valueAddingOutcomes: [],
  leadRating: null,
  canLead: true,
});

const input: SolveInput = {
  opportunity: {
    lots: [{ id: 'lot-1', services: ['104'], districts: ['E07000113', 'E06000035'], valuePence: 100_000_00 }],
    outcomes: [],
  },
  candidates: [candidate('a', ['E07000113']), candidate('b', ['E06000035']), candidate('c', ['E07000113'])],
  options: DEFAULT_OPTIONS,
  method: { method: 'heuristic' },
};

test('a suggestion is worked out on a solver thread; with too many waiting, the next is turned away', async () => {
  const thread = solverThread({ maxWaiting: 1 });
  try {
    const first = thread.solve(input);
    const second = thread.solve(input);
    assert.equal(thread.busy(), true);
    await assert.rejects(thread.solve(input), SolverBusyError);
    const [solved] = await Promise.all([first, second]);
    assert.deepEqual(solved.members.map((member) => member.id).sort(), ['a', 'b']);
    assert.equal(solved.uncovered.length, 0);
    assert.equal(thread.busy(), false, 'free again once the waiting are answered');
    assert.equal((await thread.solve(input)).members.length, 2);
  } finally {
    await thread.close();
  }
});
