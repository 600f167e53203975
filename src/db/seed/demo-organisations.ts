import { base, en, en_GB, type Faker, Faker as FakerClass } from '@faker-js/faker';
import { districts, wardsIn } from '../../modules/geography/geography.ts';
import {
  ACTIVITIES,
  ASSURANCES,
  BENEFICIARIES,
  SERVICES,
  searchKeywordsFor,
} from '../../modules/organisations/catalogue.ts';
import { TIERS, type Tier } from '../../modules/organisations/tiers.ts';

// Deterministic demo organisations: the same seed gives the same 12,000 every time. Names and numbers are
// invented: charity numbers start with 9 and company numbers with ZZ, which the registers do not use, and every
// web and e-mail address is under example.org, which is reserved for examples.

export const DEMO_SEED = 20261125;

// Share of organisations per tier: most are small, and tiers 1 and 2 together are the majority.
const TIER_SHARES: [Tier, number][] = [
  [1, 0.34],
  [2, 0.27],
  [3, 0.14],
  [4, 0.2],
  [5, 0.05],
];
const TIER_CEILING_PENCE: Record<Tier, number> = {
  1: 1_000_00,
  2: 10_000_00,
  3: 25_000_00,
  4: 500_000_00,
  5: 12_000_000_00,
};
// Mid-2022 population in thousands (ONS), so organisations spread as people do.
const POPULATION: Record<string, number> = {
  E06000035: 281,
  E07000105: 134,
  E07000106: 157,
  E07000107: 117,
  E07000108: 117,
  E07000109: 106,
  E07000110: 180,
  E07000111: 121,
  E07000112: 109,
  E07000113: 153,
  E07000114: 141,
  E07000115: 133,
  E07000116: 116,
};
const WORK = [
  'Community Larder',
  'Youth Project',
  'Befriending Scheme',
  'Carers Circle',
  'Community Choir',
  'Memory Café',
  'Repair Café',
  'Walking Group',
  'Family Hub Friends',
  'Allotment Society',
  'Debt Advice Network',
  'Tenants Forum',
  'Refugee Welcome',
  'Men in Sheds',
  'Arts Collective',
  'Sea Swimmers',
  'Heritage Trail',
  'Reading Buddies',
  'Mental Health Peer Support',
  'Wildflower Meadow Group',
  'Lunch Club',
  'Boxing Academy',
  'Dance Studio',
  'Play Rangers',
  'Wellbeing Garden',
  'Homework Club',
  'Community Transport',
  'Baby Bank',
  'Furniture Reuse',
  'Digital Buddies',

  'Food Hub',
  'Pantry',
  'Soup Kitchen',
  'Community Fridge',
  'Warm Space',
  'Toy Library',
  'Toddler Group',
  'Parent Carers Forum',
  'Young Carers',
  'Autism Support Group',
  'Stroke Club',
  "Parkinson's Group",
  'Dementia Friends',
  'Hearing Loss Support',
  'Sight Loss Club',
  'Bereavement Support',
  'Domestic Abuse Outreach',
  'Recovery Café',
  'Veterans Breakfast Club',
  'Credit Union Point',
  'Citizens Advice Drop-in',
  'Job Club',
  'Skills Exchange',
  'Language Café',
  'Conversation Club',
  "Women's Centre",
  "Men's Mental Health Group",
  'LGBTQ+ Youth Group',
  'Scout Group',
  'Guides',
  'Cadets',
  'Football Club',
  'Cricket Club',
  'Running Club',
  'Rowing Club',
  'Cycling Club',
  'Bowls Club',
  'Netball Club',
  'Community Orchard',
  'Tree Wardens',
  'Beach Clean',
  'River Care',
  'Litter Pickers',
  'Bee Keepers',
  'Bird Watch',
  'Nature Reserve Volunteers',
  'Village Hall',
  'Community Centre',
  'Library Friends',
  'Museum Volunteers',
  'Local History Society',
  'Theatre Company',
  'Film Club',
  'Brass Band',
  'Art Studio',
  'Pottery Workshop',
  'Craft Circle',
  'Knit and Natter',
  'Singing for the Brain',
  'Chess Club',
  'Computer Help Desk',
  'Good Neighbours',
  'Volunteer Drivers',
  'Hospital Radio',
  'Community Radio',
  'Street Pastors',
  'Night Shelter',
  'Housing Advice',
  'Tenancy Support',
  'Wheels to Work',
  'Cancer Support Group',
  'Hospice Shop',
  'Counselling Service',
  'Peer Mentors',
  'Homework Hub',
  'After School Club',
  'Holiday Club',
];
const SUFFIX = ['', '', '', ' Trust', ' Project', ' Association', ' Network', ' Partnership', ' Foundation'];
const CLOSERS = [
  'Everyone is welcome, and most of what it offers is free.',
  'It is run by local people and relies on volunteers.',
  'It works closely with schools, GP surgeries and other local groups.',
  'It has grown from a small group of neighbours into a trusted local service.',
  'It offers sessions in the daytime, in the evening and at weekends.',
];

export type DemoOrganisation = {
  name: string;
  legal_form: string;
  description: string;
  income_pence: number;
  income_private: boolean;
  districts: string[];
  wards: string[];
  services: string[];
  activities: string[];
  beneficiaries: string[];
  assurances: string[];
  founded_year: number;
  staff_count: number;
  volunteer_count: number;
  website: string;
  public_email: string;
  public_phone: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  charity_number: string | null;
  company_number: string | null;
  search_keywords: string;
  is_demo: true;
  verified: boolean;
};

function pickWeighted<T>(faker: Faker, options: [T, number][]): T {
  let roll = faker.number.float({ min: 0, max: options.reduce((sum, [, weight]) => sum + weight, 0) });
  for (const [value, weight] of options) {
    roll -= weight;
    if (roll <= 0) return value;
  }
  return (options.at(-1) as [T, number])[0];
}

const LEGAL_FORMS_BY_TIER: Record<Tier, [string, number][]> = {
  1: [
    ['unincorporated', 8],
    ['charity', 2],
  ],
  2: [
    ['unincorporated', 5],
    ['charity', 4],
    ['cio', 1],
  ],
  3: [
    ['charity', 5],
    ['cio', 3],
    ['cic', 1],
    ['unincorporated', 1],
  ],
  4: [
    ['charity', 4],
    ['cio', 3],
    ['cic', 2],
    ['clg', 1],
  ],
  5: [
    ['charity', 6],
    ['clg', 3],
    ['cio', 1],
  ],
};

export function generateDemoOrganisations(count: number, seed = DEMO_SEED): DemoOrganisation[] {
  const faker = new FakerClass({ locale: [en_GB, en, base] });
  faker.seed(seed);
  const districtWeights = districts.map(
    (district) => [district.code, POPULATION[district.code] ?? 100] as [string, number],
  );
  const usedNames = new Set<string>();
  const result: DemoOrganisation[] = [];
  for (let index = 0; index < count; index += 1) {
    const tier = pickWeighted(faker, TIER_SHARES);
    const floor = TIERS[tier - 1]?.fromPence ?? 0;
    const ceiling = TIER_CEILING_PENCE[tier];
    // Log-uniform within the tier: many small incomes, few near the ceiling.
    const income = Math.floor(
      Math.exp(faker.number.float({ min: Math.log(Math.max(floor, 5_000)), max: Math.log(ceiling - 1) })),
    );
    const home = pickWeighted(faker, districtWeights);
    const reach =
      tier === 5 && faker.datatype.boolean(0.5)
        ? districts.length
        : faker.datatype.boolean(0.2)
          ? faker.number.int({ min: 2, max: 4 })
          : 1;
    const served = [
      home,
      ...faker.helpers.arrayElements(
        districts.map((d) => d.code).filter((code) => code !== home),
        reach - 1,
      ),
    ];
    const homeWards = faker.helpers.arrayElements(wardsIn(home), faker.number.int({ min: 1, max: 3 }));
    const place = faker.helpers.arrayElement(homeWards).name.replace(/ (North|South|East|West|Central)$/, '');
    const legalForm = pickWeighted(faker, LEGAL_FORMS_BY_TIER[tier]);
    const suffix = legalForm === 'cic' ? ' CIC' : faker.helpers.arrayElement(SUFFIX);
    let name = `${place} ${faker.helpers.arrayElement(WORK)}${suffix}`;
    while (usedNames.has(name)) name = `${name} ${faker.helpers.arrayElement(['Friends', 'Group', 'Circle', 'Team'])}`;
    usedNames.add(name);
    const services = faker.helpers.arrayElements(
      SERVICES.map((s) => s.code),
      faker.number.int({ min: 1, max: 3 }),
    );
    const activities = faker.helpers.arrayElements(
      ACTIVITIES.map((a) => a.code),
      faker.number.int({ min: 1, max: 2 }),
    );
    const beneficiaries = faker.helpers.arrayElements(
      BENEFICIARIES.map((b) => b.code),
      faker.number.int({ min: 1, max: 3 }),
    );
    const assurances = ASSURANCES.map((a) => a.code).filter(() => faker.datatype.boolean(0.1 + tier * 0.15));
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const contact = faker.person.fullName();
    const serial = String(index + 1).padStart(6, '0');
    result.push({
      name,
      legal_form: legalForm,
      description: `${name} is a ${tier <= 2 ? 'volunteer-run' : 'community'} organisation based in ${place}. It works with ${beneficiaries.map((code) => BENEFICIARIES.find((b) => b.code === code)?.label.toLowerCase()).join(', ')} on ${services.map((code) => SERVICES.find((s) => s.code === code)?.label.toLowerCase()).join(', ')}. ${faker.helpers.arrayElement(CLOSERS)}`,
      income_pence: income,
      income_private: faker.datatype.boolean(0.1),
      districts: served,
      wards: homeWards.map((ward) => ward.code),
      services,
      activities,
      beneficiaries,
      assurances,
      founded_year: faker.number.int({ min: 1950, max: 2025 }),
      staff_count: tier <= 2 ? 0 : faker.number.int({ min: tier === 3 ? 0 : 1, max: [0, 0, 0, 2, 15, 250][tier] ?? 1 }),
      volunteer_count: faker.number.int({ min: 1, max: 20 * tier }),
      website: `https://${slug}.example.org`,
      public_email: `hello@${slug}.example.org`,
      public_phone: `01632 ${String(960000 + (index % 1000)).slice(0, 6)}`,
      contact_name: contact,
      contact_email: `${contact.toLowerCase().replace(/[^a-z]+/g, '.')}@${slug}.example.org`,
      contact_phone: `07700 ${String(900000 + (index % 1000)).slice(0, 6)}`,
      charity_number: ['charity', 'cio'].includes(legalForm) ? `9${serial}` : null,
      company_number: ['cic', 'clg'].includes(legalForm) ? `ZZ${serial}` : null,
      search_keywords: searchKeywordsFor({ services, activities, beneficiaries }),
      is_demo: true,
      verified: faker.datatype.boolean(0.4),
    });
  }
  return result;
}
