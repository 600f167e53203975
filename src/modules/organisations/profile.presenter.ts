import type { organisations } from '../../db/schema.ts';
import { formatPounds } from '../../platform/money.ts';
import { districtName, findWard } from '../geography/geography.ts';
import { activityLabel, assuranceLabel, beneficiaryLabel, legalFormLabel, serviceLabel } from './catalogue.ts';
import { orgIdentifiers } from './directory.presenter.ts';
import { tierInfo } from './tiers.ts';

type OrganisationRow = typeof organisations.$inferSelect;
const coded = (codes: string[], label: (code: string) => string) => codes.map((code) => ({ code, label: label(code) }));

/**
 * An organisation's profile for its page and the API. Named contacts, and income the organisation keeps
 * private, are only for its members and hub admins.
 */
export function presentProfile(organisation: OrganisationRow, { canSeePrivate }: { canSeePrivate: boolean }) {
  const showIncome = canSeePrivate || !organisation.incomePrivate;
  const tier = tierInfo(organisation.tier);
  return {
    id: organisation.id,
    name: organisation.name,
    description: organisation.description,
    legalForm: organisation.legalForm
      ? { code: organisation.legalForm, label: legalFormLabel(organisation.legalForm) }
      : null,
    identifiers: orgIdentifiers({
      charity_number: organisation.charityNumber,
      company_number: organisation.companyNumber,
    }),
    charityNumber: organisation.charityNumber,
    companyNumber: organisation.companyNumber,
    tier: organisation.tier,
    tierLabel: tier?.label ?? 'Not known: no income given',
    risk: tier?.risk ?? null,
    income:
      showIncome && organisation.incomePence !== null
        ? { pence: organisation.incomePence, display: formatPounds(organisation.incomePence) }
        : null,
    incomePrivate: organisation.incomePrivate,
    districts: organisation.districts.map((code) => ({ code, name: districtName(code) })),
    wards: organisation.wards.map((code) => ({ code, name: findWard(code)?.name ?? code })),
    services: coded(organisation.services, serviceLabel),
    activities: coded(organisation.activities, activityLabel),
    beneficiaries: coded(organisation.beneficiaries, beneficiaryLabel),
    assurances: coded(organisation.assurances, assuranceLabel),
    foundedYear: organisation.foundedYear,
    staffCount: organisation.staffCount,
    volunteerCount: organisation.volunteerCount,
    website: organisation.website,
    email: organisation.publicEmail,
    phone: organisation.publicPhone,
    verified: organisation.verifiedAt !== null,
    verifiedAt: organisation.verifiedAt,
    demo: organisation.isDemo,
    updatedAt: organisation.updatedAt,
    contact: canSeePrivate
      ? { name: organisation.contactName, email: organisation.contactEmail, phone: organisation.contactPhone }
      : undefined,
  };
}

export type PresentedProfile = ReturnType<typeof presentProfile>;
