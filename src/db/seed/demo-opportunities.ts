import { organisationImpactService } from '../../modules/impact/organisation-impact.service.ts';
import { londonInstant, type OpportunityInput } from '../../modules/opportunities/opportunities.schema.ts';
import { type Actor, opportunitiesService } from '../../modules/opportunities/opportunities.service.ts';
import type { OpportunityKind, ProcurementType } from '../../modules/opportunities/opportunities.tables.ts';
import type { Database } from '../client.ts';

// The demo public bodies' opportunities at every stage: commissioning intentions, pre-market engagement, open
// tenders and grants with lots, closed ones, one awarded and one under contract. They go through the service as
// the demo officers, so each has its history, OCDS releases and audit entries. Deadlines are counted from the
// moment of seeding, so that open ones are open whenever the demo is started.

const ASHFORD = 'E07000105';
const CANTERBURY = 'E07000106';
const DARTFORD = 'E07000107';
const DOVER = 'E07000108';
const FOLKESTONE_AND_HYTHE = 'E07000112';
const GRAVESHAM = 'E07000109';
const MAIDSTONE = 'E07000110';
const MEDWAY = 'E06000035';
const SEVENOAKS = 'E07000111';
const SWALE = 'E07000113';
const THANET = 'E07000114';
const TONBRIDGE_AND_MALLING = 'E07000115';
const TUNBRIDGE_WELLS = 'E07000116';

const DAY = 24 * 60 * 60 * 1000;

/** The open opportunities the demo consortia bid for. */
export type ConsortiumOpportunity = 'befriending' | 'prescribing' | 'peerSupport';

type Stage = 'draft' | 'published' | 'closed' | 'awarded' | 'contract';
type DemoLot = { title: string; valuePence: number; districts: string[] };
type DemoOpportunity = {
  key?: ConsortiumOpportunity;
  officer: string;
  stage: Stage;
  kind: OpportunityKind;
  procurementType: ProcurementType;
  title: string;
  description: string;
  outcomesSought: string;
  districts: string[];
  services: string[];
  outcomeCodes: string[];
  valuePence: number;
  durationMonths: number;
  socialValueWeightingPercent: number;
  reservedForVcse?: boolean;
  /** Days from seeding to the submission deadline; negative when it has passed. */
  deadlineInDays?: number;
  /** Months from seeding to the planned start of a commissioning intention. */
  plannedInMonths?: number;
  /** An open opportunity whose deadline the buyer later extended, so its history has an amendment. */
  extendedByDays?: number;
  lots?: DemoLot[];
  /** The demo org admin whose organisation wins an awarded opportunity. */
  winnerAdmin?: string;
  awardedValuePence?: number;
};

const OPPORTUNITIES: DemoOpportunity[] = [
  {
    officer: 'commissioner.kcc@demo.example.org',
    stage: 'published',
    kind: 'intention',
    procurementType: 'tender',
    title: 'Support for unpaid carers across Kent from 2027 (demo)',
    description:
      'Kent County Council intends to recommission its support for adult unpaid carers: information, carers’ ' +
      'assessments, short breaks and peer groups. We expect to buy it in area lots and welcome consortia.',
    outcomesSought: 'Carers who feel able to keep caring, and who have a life of their own alongside it.',
    districts: [ASHFORD, CANTERBURY, DOVER, MAIDSTONE, SWALE, THANET],
    services: ['103', '104'],
    outcomeCodes: ['SVM-O4.1', 'SVM-O4.2'],
    valuePence: 420_000_000,
    durationMonths: 60,
    socialValueWeightingPercent: 20,
    plannedInMonths: 9,
  },
  {
    officer: 'commissioner.medway@demo.example.org',
    stage: 'published',
    kind: 'intention',
    procurementType: 'grant',
    title: 'Holiday activities and food for children in Medway (demo)',
    description:
      'Medway Council plans a grants round for holiday clubs with a healthy meal for children who receive ' +
      'free school meals, in the Easter, summer and Christmas holidays.',
    outcomesSought: 'Children who eat well and stay active in the holidays, and parents who can keep working.',
    districts: [MEDWAY],
    services: ['110', '105'],
    outcomeCodes: ['SVM-O4.1', 'SVM-O5.2'],
    valuePence: 60_000_000,
    durationMonths: 12,
    socialValueWeightingPercent: 15,
    reservedForVcse: true,
    plannedInMonths: 4,
  },
  {
    officer: 'commissioner.icb@demo.example.org',
    stage: 'published',
    kind: 'intention',
    procurementType: 'tender',
    title: 'Community mental health wellbeing hubs (demo)',
    description:
      'The ICB intends to fund drop-in wellbeing hubs run with local voluntary organisations, open evenings and ' +
      'weekends, as an alternative to A&E for people in emotional distress.',
    outcomesSought: 'Fewer people in crisis attending A&E; people supported close to home.',
    districts: [DARTFORD, GRAVESHAM, MEDWAY, THANET],
    services: ['103'],
    outcomeCodes: ['SVM-O4.1'],
    valuePence: 300_000_000,
    durationMonths: 36,
    socialValueWeightingPercent: 20,
    plannedInMonths: 12,
  },
  {
    officer: 'procurement.kcc@demo.example.org',
    stage: 'published',
    kind: 'engagement',
    procurementType: 'tender',
    title: 'Market engagement: domestic abuse community outreach (demo)',
    description:
      'Before we design the service we want to hear from organisations working with survivors of domestic abuse: ' +
      'what works in rural areas, and how a contract could fund specialist by-and-for groups. Reply with a short ' +
      'note or book a place at one of our online sessions.',
    outcomesSought: 'Survivors reached earlier, including in rural and coastal communities.',
    districts: [ASHFORD, FOLKESTONE_AND_HYTHE, SEVENOAKS, TONBRIDGE_AND_MALLING, TUNBRIDGE_WELLS],
    services: ['115', '107'],
    outcomeCodes: ['SVM-O5.1'],
    valuePence: 150_000_000,
    durationMonths: 36,
    socialValueWeightingPercent: 15,
    deadlineInDays: 18,
  },
  {
    officer: 'procurement.medway@demo.example.org',
    stage: 'published',
    kind: 'engagement',
    procurementType: 'grant',
    title: 'Market engagement: warm spaces and cost-of-living support (demo)',
    description:
      'Medway Council asks community groups, faith groups and charities how a small grants scheme could best ' +
      'support warm spaces, advice on bills and debt, and community food next winter.',
    outcomesSought: 'Households able to cope with rising costs; fewer people isolated in cold homes.',
    districts: [MEDWAY],
    services: ['105', '117'],
    outcomeCodes: ['SVM-O5.2', 'SVM-O4.2'],
    valuePence: 25_000_000,
    durationMonths: 12,
    socialValueWeightingPercent: 10,
    deadlineInDays: 25,
  },
  {
    officer: 'procurement.icb@demo.example.org',
    stage: 'published',
    kind: 'engagement',
    procurementType: 'call_off',
    title: 'Market engagement: home from hospital support (demo)',
    description:
      'We are testing interest in a call-off arrangement for practical help in the first weeks after a hospital ' +
      'stay: shopping, lifts, checking in by phone. Tell us what you could offer, where, and at what scale.',
    outcomesSought: 'Fewer readmissions within 30 days of discharge; people confident at home.',
    districts: [CANTERBURY, DOVER, THANET, SWALE],
    services: ['103', '101'],
    outcomeCodes: ['SVM-O4.1', 'SVM-O4.2'],
    valuePence: 80_000_000,
    durationMonths: 24,
    socialValueWeightingPercent: 20,
    deadlineInDays: 32,
  },
  {
    key: 'befriending',
    officer: 'procurement.kcc@demo.example.org',
    stage: 'published',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Befriending and loneliness reduction in East Kent (demo)',
    description:
      'Telephone and face-to-face befriending for older people who live alone, with links to lunch clubs and ' +
      'community transport. Two lots by area; consortia of local groups are welcome.',
    outcomesSought: 'Less loneliness (UCLA scale); more people taking part in community life.',
    districts: [THANET, DOVER, CANTERBURY, FOLKESTONE_AND_HYTHE],
    services: ['101', '103'],
    outcomeCodes: ['SVM-O4.2', 'SVM-O4.1'],
    valuePence: 48_000_000,
    durationMonths: 36,
    socialValueWeightingPercent: 25,
    deadlineInDays: 35,
    lots: [
      { title: 'Lot 1: Thanet and Dover', valuePence: 26_000_000, districts: [THANET, DOVER] },
      {
        title: 'Lot 2: Canterbury and Folkestone',
        valuePence: 22_000_000,
        districts: [CANTERBURY, FOLKESTONE_AND_HYTHE],
      },
    ],
  },
  {
    officer: 'commissioner.kcc@demo.example.org',
    stage: 'published',
    kind: 'opportunity',
    procurementType: 'grant',
    title: 'Youth outreach grants 2026 to 2027 (demo)',
    description:
      'Grants of £20,000 to £60,000 for detached youth work and open-access youth clubs in West Kent. Reserved ' +
      'for voluntary and community organisations.',
    outcomesSought: 'Young people with trusted adults to turn to; fewer young people drawn into harm.',
    districts: [SEVENOAKS, TONBRIDGE_AND_MALLING, TUNBRIDGE_WELLS, MAIDSTONE],
    services: ['102', '110'],
    outcomeCodes: ['SVM-O5.1', 'SVM-O1.2'],
    valuePence: 24_000_000,
    durationMonths: 12,
    socialValueWeightingPercent: 10,
    reservedForVcse: true,
    deadlineInDays: 28,
    lots: [
      {
        title: 'Lot 1: Sevenoaks and Tonbridge',
        valuePence: 12_000_000,
        districts: [SEVENOAKS, TONBRIDGE_AND_MALLING],
      },
      {
        title: 'Lot 2: Maidstone and Tunbridge Wells',
        valuePence: 12_000_000,
        districts: [MAIDSTONE, TUNBRIDGE_WELLS],
      },
    ],
  },
  {
    key: 'prescribing',
    officer: 'procurement.medway@demo.example.org',
    stage: 'published',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Social prescribing and community navigation in Medway (demo)',
    description:
      'Community navigators who take referrals from GP practices and help people find the activities, advice and ' +
      'support that suit them. Paid partly on results: people still engaged after three months.',
    outcomesSought: 'Better wellbeing (WEMWBS); fewer repeat GP appointments for non-medical needs.',
    districts: [MEDWAY],
    services: ['103', '113'],
    outcomeCodes: ['SVM-O4.1', 'SVM-O4.2', 'SVM-O1.2'],
    valuePence: 36_000_000,
    durationMonths: 24,
    socialValueWeightingPercent: 20,
    deadlineInDays: 42,
    lots: [
      { title: 'Lot 1: Adults of working age', valuePence: 20_000_000, districts: [MEDWAY] },
      { title: 'Lot 2: Older people', valuePence: 16_000_000, districts: [MEDWAY] },
    ],
  },
  {
    key: 'peerSupport',
    officer: 'procurement.icb@demo.example.org',
    stage: 'published',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Mental health peer support across Kent and Medway (demo)',
    description:
      'Peer support groups and one-to-one peer mentors for adults living with mental ill health, delivered by ' +
      'people with lived experience. Three area lots.',
    outcomesSought: 'People who feel in control of their recovery; fewer crisis contacts.',
    districts: [DARTFORD, GRAVESHAM, MEDWAY, MAIDSTONE, ASHFORD, SWALE],
    services: ['103', '104'],
    outcomeCodes: ['SVM-O4.1', 'SVM-O3.1'],
    valuePence: 90_000_000,
    durationMonths: 36,
    socialValueWeightingPercent: 30,
    deadlineInDays: 49,
    extendedByDays: 7,
    lots: [
      { title: 'Lot 1: North Kent', valuePence: 30_000_000, districts: [DARTFORD, GRAVESHAM] },
      { title: 'Lot 2: Medway and Swale', valuePence: 35_000_000, districts: [MEDWAY, SWALE] },
      { title: 'Lot 3: Mid Kent', valuePence: 25_000_000, districts: [MAIDSTONE, ASHFORD] },
    ],
  },
  {
    officer: 'procurement.medway@demo.example.org',
    stage: 'published',
    kind: 'opportunity',
    procurementType: 'grant',
    title: 'Community food resilience small grants (demo)',
    description:
      'Grants of up to £10,000 for food banks, pantries and community kitchens to buy equipment and train ' +
      'volunteers. Reserved for voluntary and community organisations.',
    outcomesSought: 'More households able to get affordable, healthy food close to home.',
    districts: [MEDWAY],
    services: ['105'],
    outcomeCodes: ['SVM-O5.2'],
    valuePence: 8_000_000,
    durationMonths: 12,
    socialValueWeightingPercent: 10,
    reservedForVcse: true,
    deadlineInDays: 21,
  },
  {
    officer: 'procurement.kcc@demo.example.org',
    stage: 'closed',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Employment support for disabled people in North Kent (demo)',
    description:
      'Supported employment on the place-and-train model for disabled adults, with job coaches and work with ' +
      'local employers. Bids are being evaluated.',
    outcomesSought: 'Disabled people in paid work of 16 hours or more a week, still in work after six months.',
    districts: [DARTFORD, GRAVESHAM, SWALE],
    services: ['104', '113'],
    outcomeCodes: ['SVM-O3.1', 'SVM-O1.1'],
    valuePence: 75_000_000,
    durationMonths: 36,
    socialValueWeightingPercent: 20,
    deadlineInDays: -12,
  },
  {
    officer: 'procurement.icb@demo.example.org',
    stage: 'closed',
    kind: 'opportunity',
    procurementType: 'grant',
    title: 'Short breaks for carers in West Kent (demo)',
    description:
      'Grants for short breaks and respite activities for carers of people with dementia. Applications are ' +
      'being assessed.',
    outcomesSought: 'Carers who get a regular break and feel less strained.',
    districts: [SEVENOAKS, TONBRIDGE_AND_MALLING, TUNBRIDGE_WELLS],
    services: ['103'],
    outcomeCodes: ['SVM-O4.1'],
    valuePence: 15_000_000,
    durationMonths: 12,
    socialValueWeightingPercent: 15,
    reservedForVcse: true,
    deadlineInDays: -20,
  },
  {
    officer: 'procurement.medway@demo.example.org',
    stage: 'awarded',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Digital inclusion in Medway libraries (demo)',
    description:
      'Drop-in help with phones, tablets and online services in Medway’s libraries and community hubs, with ' +
      'devices and data to lend.',
    outcomesSought: 'People able to use online services on their own; fewer people left out.',
    districts: [MEDWAY],
    services: ['102', '113'],
    outcomeCodes: ['SVM-O1.2', 'SVM-O4.2'],
    valuePence: 12_000_000,
    durationMonths: 24,
    socialValueWeightingPercent: 15,
    deadlineInDays: -30,
    winnerAdmin: 'org.admin4@demo.example.org',
    awardedValuePence: 11_400_000,
  },
  {
    officer: 'commissioner.kcc@demo.example.org',
    stage: 'contract',
    kind: 'opportunity',
    procurementType: 'sla',
    title: 'Green spaces volunteering in Swale (demo)',
    description:
      'Volunteer days looking after parks, verges and nature reserves in Swale, open to people who are out of ' +
      'work or recovering from ill health.',
    outcomesSought: 'Green spaces in better condition; volunteers with better wellbeing and skills for work.',
    districts: [SWALE],
    services: ['112'],
    outcomeCodes: ['SVM-O2.2', 'SVM-O4.1'],
    valuePence: 9_000_000,
    durationMonths: 24,
    socialValueWeightingPercent: 25,
    deadlineInDays: -45,
    winnerAdmin: 'org.admin5@demo.example.org',
    awardedValuePence: 8_800_000,
  },
  {
    officer: 'commissioner.icb@demo.example.org',
    stage: 'draft',
    kind: 'opportunity',
    procurementType: 'tender',
    title: 'Dementia-friendly communities (demo)',
    description: 'Work with towns and villages to become dementia friendly. A draft, seen only by the ICB’s officers.',
    outcomesSought: 'People with dementia who keep doing the things they enjoy in their community.',
    districts: [CANTERBURY, ASHFORD],
    services: ['103', '104'],
    outcomeCodes: ['SVM-O4.2'],
    valuePence: 20_000_000,
    durationMonths: 24,
    socialValueWeightingPercent: 15,
    deadlineInDays: 60,
  },
];

/** A demo person as an actor: the user and the organisations they belong to. */
export async function demoActor(database: Database, email: string): Promise<Actor | undefined> {
  const [row] = await database.query<{ id: string; organisations: string[] }>(
    `SELECT u.id, coalesce(array_agg(m.organisation_id ORDER BY m.organisation_id)
                             FILTER (WHERE m.organisation_id IS NOT NULL), '{}') AS organisations
       FROM users u LEFT JOIN organisation_members m ON m.user_id = u.id WHERE u.email = $1 GROUP BY u.id`,
    [email],
  );
  return row && { userId: row.id, ip: '127.0.0.1', organisationIds: row.organisations };
}

/** The organisation the demo person administers. */
export async function adminOrganisationOf(database: Database, email: string): Promise<string | undefined> {
  const [row] = await database.query<{ id: string }>(
    `SELECT m.organisation_id AS id FROM organisation_members m JOIN users u ON u.id = m.user_id
      WHERE u.email = $1 AND m.role = 'admin'`,
    [email],
  );
  return row?.id;
}

/** Noon in the UK, a number of days from the moment given. */
function noonIn(days: number, from: Date): Date {
  const day = new Date(from.getTime() + days * DAY).toISOString().slice(0, 10);
  return londonInstant(`${day}T12:00`) ?? new Date(from.getTime() + days * DAY);
}

/** The first day of a month some months after the moment given. */
function firstOfMonthIn(months: number, from: Date): string {
  const month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + months, 1));
  return month.toISOString().slice(0, 10);
}

function inputFor(demo: DemoOpportunity, outcomes: Set<string>, seededAt: Date): OpportunityInput {
  const deadline = demo.deadlineInDays === undefined ? null : noonIn(demo.deadlineInDays, seededAt);
  return {
    kind: demo.kind,
    procurementType: demo.procurementType,
    title: demo.title,
    description: demo.description,
    outcomesSought: demo.outcomesSought,
    districts: demo.districts,
    services: demo.services,
    // Only outcomes of the framework in force: a hub may have replaced the one these were written for.
    outcomeCodes: demo.outcomeCodes.filter((code) => outcomes.has(code)).sort(),
    valuePence: demo.valuePence,
    durationMonths: demo.durationMonths,
    plannedDate: demo.plannedInMonths === undefined ? null : firstOfMonthIn(demo.plannedInMonths, seededAt),
    clarificationDeadline: deadline && demo.kind === 'opportunity' ? noonIn(-10, deadline) : null,
    submissionDeadline: deadline,
    suitableForVcse: true,
    suitableForSme: true,
    reservedForVcse: demo.reservedForVcse ?? false,
    socialValueWeightingPercent: demo.socialValueWeightingPercent,
  };
}

/**
 * Adds the demo opportunities and returns the ids of those the demo consortia bid for. One whose officer is
 * missing is left out.
 */
export async function seedDemoOpportunities(
  database: Database,
  seededAt = new Date(),
): Promise<Map<ConsortiumOpportunity, string>> {
  const service = opportunitiesService({ database, now: () => seededAt });
  const outcomes = new Set((await organisationImpactService({ database }).currentOutcomes()).map((item) => item.code));
  const forConsortia = new Map<ConsortiumOpportunity, string>();
  for (const demo of OPPORTUNITIES) {
    const officer = await demoActor(database, demo.officer);
    const [buyerId] = officer ? await service.buyerOptions(officer.userId) : [];
    if (!officer || !buyerId) continue;
    const input = inputFor(demo, outcomes, seededAt);
    const { id } = await service.create(buyerId.id, input, officer);
    for (const lot of demo.lots ?? []) await service.addLot(id, { ...lot, description: '' }, officer);
    if (demo.key) forConsortia.set(demo.key, id);
    if (demo.stage === 'draft') continue;
    if (demo.stage === 'published') {
      await service.transition(id, 'publish', officer);
      if (demo.extendedByDays && input.submissionDeadline)
        await service.update(
          id,
          { submissionDeadline: noonIn(demo.extendedByDays, input.submissionDeadline) },
          officer,
        );
      continue;
    }
    // Published weeks before its deadline, which has passed: the clock the service publishes by is turned back.
    const publishedAt = new Date(seededAt.getTime() + ((demo.deadlineInDays ?? 0) - 42) * DAY);
    await opportunitiesService({ database, now: () => publishedAt }).transition(id, 'publish', officer);
    await service.transition(id, 'close', officer);
    if (demo.stage === 'closed' || !demo.winnerAdmin) continue;
    const winner = await adminOrganisationOf(database, demo.winnerAdmin);
    if (!winner) continue;
    await service.award(id, { supplierIds: [winner], valuePence: demo.awardedValuePence ?? null }, officer);
    if (demo.stage === 'contract') await service.transition(id, 'contract', officer);
  }
  return forConsortia;
}
