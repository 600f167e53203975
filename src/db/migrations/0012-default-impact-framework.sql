-- Issue 5: the default impact framework, version 1, and the rule that a written version is never changed.
--
-- The themes and outcomes follow the UK government Social Value Model (its 2020 themes and the 2025 missions).
-- The wording, the measures, their units and the evidence guidance are our own. Proxy values are given only
-- where an open, named source publishes the figure; every other measure has none. No National TOMs or HACT
-- measures or values are included: an authority with a licence for them imports its own framework file.
--
-- Rows refer to each other by code through subselects, so no identifier is fixed here.

INSERT INTO impact_framework_versions (version, title, source, licence)
VALUES (
  1,
  'Kent and Medway impact framework',
  'Wording, measures, units and evidence guidance written by Working Connections. Themes and outcomes based on the UK government Social Value Model (Cabinet Office, Procurement Policy Note 06/20, 2020, and PPN 002, 2025): https://www.gov.uk/government/publications/ppn-002-taking-account-of-social-value-in-the-award-of-contracts',
  'Contains public sector information licensed under the Open Government Licence v3.0: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/'
);

INSERT INTO impact_themes (version_id, code, title, description, position)
SELECT v.id, t.code, t.title, t.description, t.position
FROM impact_framework_versions v
CROSS JOIN (VALUES
  ('SVM-T1', 'A fairer local economy',
   'Good work, skills and contract spend that stay in Kent and Medway and reach the people and places that need them most.', 1),
  ('SVM-T2', 'Action on climate change',
   'Fewer greenhouse gas emissions and better care of the land, water and air that local people share.', 2),
  ('SVM-T3', 'Equal opportunity',
   'Work and progress open to everyone, including disabled people and others who face barriers.', 3),
  ('SVM-T4', 'Health and wellbeing',
   'Healthier, happier people and communities where people know and help each other.', 4),
  ('SVM-T5', 'Safer and more resilient communities',
   'Neighbourhoods where people feel safe, and communities ready to cope with and recover from hard times.', 5)
) AS t (code, title, description, position)
WHERE v.version = 1;

INSERT INTO impact_outcomes (version_id, theme_id, code, title, description, position)
SELECT v.id, t.id, o.code, o.title, o.description, o.position
FROM (VALUES
  ('SVM-T1', 'SVM-O1.1', 'More local people in good jobs',
   'New and better-paid jobs filled by people who live in Kent and Medway, especially people out of work.', 1),
  ('SVM-T1', 'SVM-O1.2', 'Better skills for work',
   'Training, apprenticeships and work experience that lead to lasting work.', 2),
  ('SVM-T1', 'SVM-O1.3', 'A stronger local supply chain',
   'More of the money spent on contracts reaching local small businesses, charities and social enterprises, and paid on time.', 3),
  ('SVM-T2', 'SVM-O2.1', 'Lower greenhouse gas emissions',
   'Emissions cut from buildings, travel and the goods and services used to deliver the work.', 1),
  ('SVM-T2', 'SVM-O2.2', 'Better care of the local environment',
   'Less waste, and more green space and nature looked after with local people.', 2),
  ('SVM-T3', 'SVM-O3.1', 'Fewer barriers to work for disabled people',
   'A smaller gap between the employment of disabled people and everyone else.', 1),
  ('SVM-T3', 'SVM-O3.2', 'Fairer workplaces',
   'People who face barriers helped into work, and fair pay and conditions once they are there.', 2),
  ('SVM-T4', 'SVM-O4.1', 'Better physical and mental health',
   'People supported to look after their health, within the work and in the wider community.', 1),
  ('SVM-T4', 'SVM-O4.2', 'Connected communities',
   'Less loneliness, more volunteering and community groups that have what they need to thrive.', 2),
  ('SVM-T5', 'SVM-O5.1', 'Safer neighbourhoods',
   'Less crime and harm, and support for the people affected by it.', 1),
  ('SVM-T5', 'SVM-O5.2', 'Communities ready for hard times',
   'Households and communities better able to cope with shocks such as rising costs, floods or a pandemic.', 2)
) AS o (theme_code, code, title, description, position)
JOIN impact_framework_versions v ON v.version = 1
JOIN impact_themes t ON t.version_id = v.id AND t.code = o.theme_code;

INSERT INTO impact_measures
  (version_id, outcome_id, code, title, unit, evidence_guidance, proxy_value_pence, proxy_source, position)
SELECT v.id, o.id, m.code, m.title, m.unit, m.evidence_guidance, m.proxy_value_pence::bigint, m.proxy_source,
  m.position
FROM (VALUES
  ('SVM-O1.1', 'M-1.1.1', 'New jobs filled by people living in Kent or Medway', 'full-time equivalent jobs',
   'Payroll records showing each new starter''s start date, contracted hours and home postcode district. Count jobs created for the work, not vacancies refilled.',
   NULL, '', 1),
  ('SVM-O1.1', 'M-1.1.2', 'People who were unemployed or out of work helped into a job', 'people',
   'A referral or eligibility record (for example from Jobcentre Plus or an employment support service) and proof that the job lasted at least 13 weeks.',
   NULL, '', 2),
  ('SVM-O1.1', 'M-1.1.3', 'Staff on the work paid at least the real Living Wage', 'people',
   'A payroll extract for the reporting period showing hourly rates against the Living Wage Foundation rate in force at the time.',
   NULL, '', 3),
  ('SVM-O1.2', 'M-1.2.1', 'Apprenticeships started', 'apprenticeships',
   'The signed apprenticeship agreement and the training provider''s confirmation of the start. Count each apprentice once.',
   NULL, '', 1),
  ('SVM-O1.2', 'M-1.2.2', 'Accredited qualifications gained', 'qualifications',
   'Certificates or awarding body records naming the qualification and its level. Count qualifications completed, not courses started.',
   NULL, '', 2),
  ('SVM-O1.2', 'M-1.2.3', 'Work placements and work experience', 'placement weeks',
   'Placement agreements and attendance records, with the number of weeks each person attended. Unpaid placements last no more than six weeks.',
   NULL, '', 3),
  ('SVM-O1.3', 'M-1.3.1', 'Spend with voluntary, community and social enterprise organisations in Kent and Medway', 'pounds',
   'Invoices or a purchase ledger extract naming each supplier with its charity, company or other registered number and address.',
   NULL, '', 1),
  ('SVM-O1.3', 'M-1.3.2', 'Spend with small and medium-sized businesses in Kent and Medway', 'pounds',
   'A purchase ledger extract naming each supplier and its size (fewer than 250 staff) and address.',
   NULL, '', 2),
  ('SVM-O1.3', 'M-1.3.3', 'Supply chain invoices paid within 30 days', 'per cent of invoices',
   'Payment records for the period: the number of invoices received and the number paid within 30 days of receipt.',
   NULL, '', 3),
  ('SVM-O2.1', 'M-2.1.1', 'Greenhouse gas emissions avoided', 'tonnes of carbon dioxide equivalent',
   'A calculation against a stated baseline using the UK government greenhouse gas conversion factors for the year, with the meter readings, fuel records or mileage it uses.',
   24100,
   'Central carbon value for 2020, £241 per tonne of carbon dioxide equivalent in 2020 prices. Department for Business, Energy and Industrial Strategy, Valuation of greenhouse gas emissions: for policy appraisal and evaluation (2021), under the Open Government Licence v3.0: https://www.gov.uk/government/publications/valuing-greenhouse-gas-emissions-in-policy-appraisal',
   1),
  ('SVM-O2.1', 'M-2.1.2', 'Vehicle miles switched to zero-emission vehicles, public transport, walking or cycling', 'miles',
   'Mileage logs or journey records for the period, before and after the change, for the journeys made to deliver the work.',
   NULL, '', 2),
  ('SVM-O2.1', 'M-2.1.3', 'Carbon reduction plan published with a net zero target', 'plans',
   'A link to the published plan, with its baseline emissions, its reduction target and the date by which net zero will be reached.',
   NULL, '', 3),
  ('SVM-O2.2', 'M-2.2.1', 'Waste kept out of landfill by reuse, recycling or composting', 'tonnes',
   'Waste transfer notes or waste carrier reports showing the weight and where each load went.',
   NULL, '', 1),
  ('SVM-O2.2', 'M-2.2.2', 'Green space created or improved with the community', 'square metres',
   'A plan or map of the area with photographs before and after, and a note of who took part.',
   NULL, '', 2),
  ('SVM-O3.1', 'M-3.1.1', 'Disabled people employed on the work', 'people',
   'Anonymous, voluntary staff self-declaration collected for the period. Never ask anyone to prove a disability.',
   NULL, '', 1),
  ('SVM-O3.1', 'M-3.1.2', 'Workplace adjustments made for disabled staff or applicants', 'adjustments',
   'A record of each adjustment agreed and made, without names, and the organisation''s Disability Confident level if it has one.',
   NULL, '', 2),
  ('SVM-O3.2', 'M-3.2.1', 'People facing barriers to work helped into a job', 'people',
   'Anonymous records of each person''s circumstances (such as care leavers, ex-offenders, veterans or people who have been homeless) and their start date.',
   NULL, '', 1),
  ('SVM-O3.2', 'M-3.2.2', 'Staff able to work flexibly', 'people',
   'The flexible working policy and the number of staff on the work using flexible, part-time or term-time arrangements.',
   NULL, '', 2),
  ('SVM-O3.2', 'M-3.2.3', 'Pay gap report published with an action plan', 'reports',
   'A link to the published report on gender and, where possible, ethnicity and disability pay gaps, with the actions planned.',
   NULL, '', 3),
  ('SVM-O4.1', 'M-4.1.1', 'People supported with their mental health', 'people',
   'Case records counting each person once, and where possible a validated wellbeing measure taken at the start and the end of support.',
   NULL, '', 1),
  ('SVM-O4.1', 'M-4.1.2', 'Places taken up on physical activity sessions', 'attendances',
   'Registers for each session with the number attending. Count attendances, so one person at ten sessions counts ten.',
   NULL, '', 2),
  ('SVM-O4.1', 'M-4.1.3', 'Staff with access to a health and wellbeing programme', 'people',
   'A description of the programme (such as mental health first aiders or an employee assistance service) and the staff covered.',
   NULL, '', 3),
  ('SVM-O4.2', 'M-4.2.1', 'Hours given by volunteers to community activity', 'hours',
   'Volunteer timesheets or session registers. Count only time given freely, not paid time or time on placements.',
   1221,
   'National Living Wage for workers aged 21 and over from 1 April 2025, £12.21 an hour, as the replacement cost of volunteer time. GOV.UK, National Minimum Wage and National Living Wage rates, under the Open Government Licence v3.0: https://www.gov.uk/national-minimum-wage-rates',
   1),
  ('SVM-O4.2', 'M-4.2.2', 'People who feel less lonely after taking part', 'people',
   'Answers before and after to the question recommended by the Office for National Statistics: how often do you feel lonely?',
   NULL, '', 2),
  ('SVM-O4.2', 'M-4.2.3', 'Community groups given free space, equipment or expert help', 'groups',
   'A record of each group helped, what it was given and for how long.',
   NULL, '', 3),
  ('SVM-O5.1', 'M-5.1.1', 'Young people taking part in positive activities', 'people',
   'Registers of sessions such as youth clubs, sport or mentoring, counting each young person once in the period.',
   NULL, '', 1),
  ('SVM-O5.1', 'M-5.1.2', 'Victims of crime or domestic abuse supported', 'people',
   'Anonymous case records counting each person once. Keep details confidential and follow your safeguarding policy.',
   NULL, '', 2),
  ('SVM-O5.2', 'M-5.2.1', 'Households given money, debt or energy advice', 'households',
   'Case records counting each household once, and the advice quality standard the service holds, if any.',
   NULL, '', 1),
  ('SVM-O5.2', 'M-5.2.2', 'Community emergency plans written or tested with local people', 'plans',
   'The plan, the date it was written or last tested, and who took part.',
   NULL, '', 2)
) AS m (outcome_code, code, title, unit, evidence_guidance, proxy_value_pence, proxy_source, position)
JOIN impact_framework_versions v ON v.version = 1
JOIN impact_outcomes o ON o.version_id = v.id AND o.code = m.outcome_code;

-- A written version is never changed: results and contracts point at its rows and must keep meaning what they
-- meant when they were reported. A new version is a new set of rows.
CREATE FUNCTION impact_framework_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows belong to a written framework version and cannot be changed', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER impact_framework_versions_written_once BEFORE UPDATE OR DELETE ON impact_framework_versions
  FOR EACH ROW EXECUTE FUNCTION impact_framework_written_once();
CREATE TRIGGER impact_themes_written_once BEFORE UPDATE OR DELETE ON impact_themes
  FOR EACH ROW EXECUTE FUNCTION impact_framework_written_once();
CREATE TRIGGER impact_outcomes_written_once BEFORE UPDATE OR DELETE ON impact_outcomes
  FOR EACH ROW EXECUTE FUNCTION impact_framework_written_once();
CREATE TRIGGER impact_measures_written_once BEFORE UPDATE OR DELETE ON impact_measures
  FOR EACH ROW EXECUTE FUNCTION impact_framework_written_once();
