import type { Database } from '../../src/db/client.ts';
import { buildFramework } from './impact-factories.ts';
import { addCommitment, addResult, buildContract } from './transparency-factories.ts';

// Four contracts with known quantities and proxies, whose public totals the transparency tests work out by hand.
// Measures: M1 £10,000 per person; M2 £250 per training week; M3 and M4 have no proxy.

export const SWALE = 'E07000113';
export const MAIDSTONE = 'E07000110';

export async function buildTransparencyScenario(database: Database) {
  const framework = await buildFramework(database);
  const { measures } = framework;

  // A: published, in Swale and Maidstone, delivered by a tier 4 organisation (£50,000 income).
  const a = await buildContract(database, framework, {
    title: 'Employment support in Swale and Maidstone',
    districts: [SWALE, MAIDSTONE],
    supplierIncomePence: 50_000_00,
  });
  const a1 = await addCommitment(database, a, { measureId: measures.jobsCreated, target: 10 });
  await addResult(database, a1, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 3,
    status: 'verified',
    narrative: 'Three people into work.',
    evidence: [{ fileName: 'payroll-summary-q1.pdf', content: '%PDF-1.7 evidence' }],
  });
  await addResult(database, a1, { periodStart: '2026-07-01', periodEnd: '2026-09-30', quantity: 2 });
  await addResult(database, a1, { periodStart: '2026-10-01', periodEnd: '2026-12-31', quantity: 1, status: 'queried' });
  const a2 = await addCommitment(database, a, { measureId: measures.apprenticeships, target: 5, period: 'year' });
  await addResult(database, a2, {
    periodStart: '2026-04-01',
    periodEnd: '2027-03-31',
    quantity: 2,
    status: 'verified',
  });

  // B: published, in Swale, tier 2 (£5,000 income); one commitment replaced by a correction.
  const b = await buildContract(database, framework, {
    title: 'Skills for work on Sheppey',
    districts: [SWALE],
    supplierIncomePence: 5_000_00,
  });
  const b1 = await addCommitment(database, b, { measureId: measures.trainingWeeks, target: 40 });
  await addResult(database, b1, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 12.5,
    status: 'verified',
  });
  await addResult(database, b1, { periodStart: '2026-07-01', periodEnd: '2026-09-30', quantity: 4 });
  const b3 = await addCommitment(database, b, { measureId: measures.jobsCreated, target: 3 });
  const b2 = await addCommitment(database, b, { measureId: measures.jobsCreated, target: 2, supersededBy: b3.id });
  await addResult(database, b2, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 7,
    status: 'verified',
  });
  await addResult(database, b3, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 1,
    status: 'verified',
  });

  // C: never published. None of it may be seen.
  const c = await buildContract(database, framework, {
    title: 'Unpublished contract in Swale',
    districts: [SWALE],
    published: false,
  });
  const c1 = await addCommitment(database, c, { measureId: measures.jobsCreated, target: 100 });
  await addResult(database, c1, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 50,
    status: 'verified',
    evidence: [{ fileName: 'secret-unpublished.pdf', content: '%PDF-1.7 hidden' }],
  });

  // D: published, no areas given, deliverer's income unknown.
  const d = await buildContract(database, framework, {
    title: 'Befriending across Kent',
    districts: [],
    supplierIncomePence: null,
  });
  const d1 = await addCommitment(database, d, { measureId: measures.befriendingHours, target: 100 });
  await addResult(database, d1, {
    periodStart: '2026-04-01',
    periodEnd: '2026-06-30',
    quantity: 40,
    status: 'verified',
  });

  return { framework, a, b, c, d, commitments: { a1, a2, b1, b2, b3, c1, d1 } };
}
