-- Issue 5, part one: the authority-wide impact framework (themes → outcomes → measures) and what organisations
-- and opportunities say about it.
--
-- The framework is versioned. A version's themes, outcomes and measures are never changed once written: a new
-- version is a new set of rows. Results point at a version's measure, so they stay tied to what they were reported
-- against. Codes are stable from one version to the next, so declarations and opportunities name outcomes by code
-- and carry over to a new version that keeps the code.

CREATE TABLE impact_framework_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version integer NOT NULL UNIQUE CHECK (version > 0),
  title text NOT NULL,
  -- Where the content comes from and under which licence, shown on every framework page.
  source text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE impact_themes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version_id uuid NOT NULL REFERENCES impact_framework_versions (id),
  code text NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  UNIQUE (version_id, code)
);

CREATE TABLE impact_outcomes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version_id uuid NOT NULL REFERENCES impact_framework_versions (id),
  theme_id uuid NOT NULL REFERENCES impact_themes (id),
  code text NOT NULL,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  UNIQUE (version_id, code)
);
CREATE INDEX impact_outcomes_theme_idx ON impact_outcomes (theme_id);

CREATE TABLE impact_measures (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version_id uuid NOT NULL REFERENCES impact_framework_versions (id),
  outcome_id uuid NOT NULL REFERENCES impact_outcomes (id),
  code text NOT NULL,
  title text NOT NULL,
  unit text NOT NULL,
  evidence_guidance text NOT NULL DEFAULT '',
  -- Optional: pence of social value per unit, with where that figure comes from.
  proxy_value_pence bigint CHECK (proxy_value_pence >= 0),
  proxy_source text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  UNIQUE (version_id, code),
  CHECK (proxy_value_pence IS NULL OR proxy_source <> '')
);
CREATE INDEX impact_measures_outcome_idx ON impact_measures (outcome_id);

-- What an organisation says it delivers: each outcome as its core impact or as value it adds, and where.
CREATE TABLE organisation_outcomes (
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  outcome_code text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('core', 'value_adding')),
  districts text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, outcome_code)
);
CREATE INDEX organisation_outcomes_code_idx ON organisation_outcomes (outcome_code);
CREATE INDEX organisation_outcomes_districts_idx ON organisation_outcomes USING gin (districts);

-- An organisation's own yearly results, per measure of the version it reported against.
CREATE TABLE organisation_impact_results (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  measure_id uuid NOT NULL REFERENCES impact_measures (id),
  year integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
  quantity numeric NOT NULL CHECK (quantity >= 0),
  evidence text NOT NULL DEFAULT '',
  reported_by uuid,
  reported_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, measure_id, year)
);

-- The framework outcomes an opportunity asks for.
CREATE TABLE opportunity_outcomes (
  opportunity_id uuid NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
  outcome_code text NOT NULL,
  PRIMARY KEY (opportunity_id, outcome_code)
);
CREATE INDEX opportunity_outcomes_code_idx ON opportunity_outcomes (outcome_code);
