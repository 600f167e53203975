-- Proxy values are figures as at the version that holds them. This migration only documents that; it writes no
-- framework rows and publishes no version (the triggers of 0012 refuse any change to a written version).
--
-- Checked in December 2026 against the sources that version 1 (migration 0012) names:
--
-- * M-4.2.1, volunteer hours, 1221 pence: the National Living Wage for workers aged 21 and over from 1 April 2025,
--   as the source text says. From 1 April 2026 the rate is £12.71 (https://www.gov.uk/national-minimum-wage-rates).
-- * M-2.1.1, greenhouse gas emissions avoided, 24100 pence: the central carbon value for the year 2020, in 2020
--   prices, from the 2021 policy paper, as the source text says
--   (https://www.gov.uk/government/publications/valuing-greenhouse-gas-emissions-in-policy-appraisal). The series
--   rises each year, and the Department for Energy Security and Net Zero now publishes it in the Green Book
--   supplementary guidance data tables
--   (https://www.gov.uk/government/publications/valuation-of-energy-use-and-greenhouse-gas-emissions-for-appraisal).
--
-- Both texts are true of the figures they give, but neither figure is the one in force now. Newer figures belong in
-- a new framework version, imported by a hub admin, so that commitments already made keep the value they copied.

COMMENT ON COLUMN impact_measures.proxy_value_pence IS
  'Value of one unit in pence, as the version''s source gave it when the version was written. Never updated: a newer figure is a new framework version. Commitments copy it when they are made.';
COMMENT ON COLUMN impact_measures.proxy_source IS
  'Where the proxy value comes from: publisher, title, the year or date the figure applies to, its price base where it has one, licence and address.';
