import type { FrameworkDocument } from './framework.schema.ts';

/** A small framework file, shown on the import page; the tests import it, so it stays a file that works. */
export const FRAMEWORK_EXAMPLE: FrameworkDocument = {
  title: 'Our licensed framework',
  source: 'Who wrote the framework, and where it is published',
  licence: 'The licence under which the authority uses it',
  themes: [
    {
      code: 'T1',
      title: 'Jobs and skills',
      description: 'Good work for local people',
      outcomes: [
        {
          code: 'O1.1',
          title: 'More local people in work',
          description: '',
          measures: [
            {
              code: 'M1.1.1',
              title: 'Local people employed',
              unit: 'people',
              evidenceGuidance: 'Payroll records with each starter’s home postcode district',
              proxyValuePence: null,
              proxySource: '',
            },
            {
              code: 'M1.1.2',
              title: 'Hours given by volunteers',
              unit: 'hours',
              evidenceGuidance: 'Volunteer timesheets',
              proxyValuePence: 1221,
              proxySource: 'National Living Wage from 1 April 2025: https://www.gov.uk/national-minimum-wage-rates',
            },
          ],
        },
      ],
    },
  ],
};

export const FRAMEWORK_JSON_EXAMPLE = JSON.stringify(FRAMEWORK_EXAMPLE, null, 2);
