import { z } from 'zod';
import { list, pounds, wholeNumber } from '../../platform/form-fields.ts';
import { findWard, isDistrictCode } from '../geography/geography.ts';
import { ACTIVITIES, ASSURANCES, BENEFICIARIES, codesOf, LEGAL_FORMS, SERVICES } from './catalogue.ts';

// One set of rules for an organisation's profile, shared by the edit form and the CSV import, so that a value
// accepted by one is accepted by the other.

const MAX_COUNT = 1_000_000;
const thisYear = new Date().getFullYear();

/** A form field that may be left blank: '' and missing both mean "not given". */
const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((value) => value || null);

const codeList = (codes: [string, ...string[]], message: string) => list(z.enum(codes, { message }));

export const identifierRules = {
  charityNumber: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null)
    .refine(
      (value) => value === null || /^\d{6,8}(-\d{1,2})?$/.test(value),
      'Charity number must be 6 to 8 digits, like 1123456',
    ),
  companyNumber: z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((value) => value || null)
    .refine(
      (value) => value === null || /^([A-Z]{2}\d{6}|\d{8})$/.test(value),
      'Company number must be 8 characters, like 01234567 or SC123456',
    ),
};

export const profileSchema = z
  .object({
    name: z
      .string({ message: 'Enter the name of the organisation' })
      .trim()
      .min(1, 'Enter the name of the organisation')
      .max(200, 'Name must be 200 characters or fewer'),
    legalForm: z.enum(codesOf(LEGAL_FORMS), { message: 'Select the legal form' }),
    description: z
      .string()
      .trim()
      .max(3000, 'Description must be 3,000 characters or fewer')
      .optional()
      .transform((value) => value ?? ''),
    income: pounds('Latest annual income', '12,500'),
    incomePrivate: z.preprocess((value) => value === 'yes' || value === 'true' || value === true, z.boolean()),
    districts: list(z.string().refine(isDistrictCode, 'Select areas from the list')).refine(
      (value) => value.length > 0,
      'Select at least one area the organisation works in',
    ),
    wards: list(z.string().refine((code) => findWard(code) !== undefined, 'Select wards from the list')),
    services: codeList(codesOf(SERVICES), 'Select services from the list').refine(
      (value) => value.length > 0,
      'Select at least one service',
    ),
    activities: codeList(codesOf(ACTIVITIES), 'Select how the organisation works from the list'),
    beneficiaries: codeList(codesOf(BENEFICIARIES), 'Select who the organisation helps from the list').refine(
      (value) => value.length > 0,
      'Select at least one group of people the organisation helps',
    ),
    assurances: codeList(codesOf(ASSURANCES), 'Select policies and accreditations from the list'),
    foundedYear: wholeNumber('Year founded', 1500, thisYear),
    staffCount: wholeNumber('Number of staff', 0, MAX_COUNT),
    volunteerCount: wholeNumber('Number of volunteers', 0, MAX_COUNT),
    website: optionalText(300, 'Website').refine(
      (value) => value === null || /^https?:\/\/[^\s]+\.[^\s]+$/.test(value),
      'Website must start with https:// or http://',
    ),
    publicEmail: optionalText(254, 'Email address').refine(
      (value) => value === null || z.email().safeParse(value).success,
      'Enter an email address in the correct format, like info@example.org',
    ),
    publicPhone: optionalText(30, 'Phone number').refine(
      (value) => value === null || /^[+\d][\d\s()-]{6,}$/.test(value),
      'Enter a phone number, like 01632 960 001',
    ),
    contactName: optionalText(120, 'Contact name'),
    contactEmail: optionalText(254, 'Contact email address').refine(
      (value) => value === null || z.email().safeParse(value).success,
      'Enter the contact email address in the correct format, like name@example.org',
    ),
    contactPhone: optionalText(30, 'Contact phone number').refine(
      (value) => value === null || /^[+\d][\d\s()-]{6,}$/.test(value),
      'Enter the contact phone number, like 07700 900 123',
    ),
    ...identifierRules,
  })
  .superRefine((profile, context) => {
    const outside = profile.wards.filter((code) => !profile.districts.includes(findWard(code)?.districtCode ?? ''));
    if (outside.length > 0)
      context.addIssue({ code: 'custom', path: ['wards'], message: 'Wards must be in the areas you selected' });
  });

export type ProfileInput = z.output<typeof profileSchema>;

/** A stored organisation as profile input, to compare an edit with what was there and to fill the form. */
export function profileFrom(organisation: {
  name: string;
  legalForm: string | null;
  description: string;
  incomePence: number | null;
  incomePrivate: boolean;
  districts: string[];
  wards: string[];
  services: string[];
  activities: string[];
  beneficiaries: string[];
  assurances: string[];
  foundedYear: number | null;
  staffCount: number | null;
  volunteerCount: number | null;
  website: string | null;
  publicEmail: string | null;
  publicPhone: string | null;
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  charityNumber: string | null;
  companyNumber: string | null;
}): ProfileInput {
  return {
    ...organisation,
    legalForm: (organisation.legalForm ?? 'unincorporated') as ProfileInput['legalForm'],
    income: organisation.incomePence,
    services: organisation.services as ProfileInput['services'],
    activities: organisation.activities as ProfileInput['activities'],
    beneficiaries: organisation.beneficiaries as ProfileInput['beneficiaries'],
    assurances: organisation.assurances as ProfileInput['assurances'],
  };
}

/** The form's text values for a stored profile: what the edit page shows before anything is typed. */
export function formValuesFrom(profile: ProfileInput) {
  const text = (value: number | string | null) => (value === null ? '' : String(value));
  return {
    ...profile,
    income: profile.income === null ? '' : (profile.income / 100).toFixed(profile.income % 100 ? 2 : 0),
    incomePrivate: profile.incomePrivate ? 'yes' : '',
    foundedYear: text(profile.foundedYear),
    staffCount: text(profile.staffCount),
    volunteerCount: text(profile.volunteerCount),
  };
}
