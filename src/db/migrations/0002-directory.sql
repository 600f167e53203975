-- The sector directory: organisation profiles with the classification, geography and assurances that
-- commissioners search by. Lists of codes are arrays: one row per organisation keeps search and facets fast.

CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

ALTER TABLE organisations
  ADD COLUMN sector text NOT NULL DEFAULT 'vcse' CHECK (sector IN ('vcse', 'public')),
  ADD COLUMN legal_form text CHECK (legal_form IN ('charity', 'cio', 'cic', 'clg', 'unincorporated')),
  ADD COLUMN description text NOT NULL DEFAULT '',
  ADD COLUMN income_pence bigint CHECK (income_pence >= 0),
  ADD COLUMN income_private boolean NOT NULL DEFAULT false,
  -- Derived, never typed: the paper's five tiers. A boundary belongs to the higher tier.
  ADD COLUMN tier smallint GENERATED ALWAYS AS (
    CASE
      WHEN income_pence IS NULL THEN NULL
      WHEN income_pence < 100000 THEN 1
      WHEN income_pence < 1000000 THEN 2
      WHEN income_pence < 2500000 THEN 3
      WHEN income_pence < 50000000 THEN 4
      ELSE 5
    END
  ) STORED,
  ADD COLUMN districts text[] NOT NULL DEFAULT '{}',
  ADD COLUMN wards text[] NOT NULL DEFAULT '{}',
  ADD COLUMN services text[] NOT NULL DEFAULT '{}',
  ADD COLUMN activities text[] NOT NULL DEFAULT '{}',
  ADD COLUMN beneficiaries text[] NOT NULL DEFAULT '{}',
  ADD COLUMN assurances text[] NOT NULL DEFAULT '{}',
  ADD COLUMN founded_year smallint CHECK (founded_year BETWEEN 1500 AND 2100),
  ADD COLUMN staff_count integer CHECK (staff_count >= 0),
  ADD COLUMN volunteer_count integer CHECK (volunteer_count >= 0),
  ADD COLUMN website text,
  ADD COLUMN public_email text,
  ADD COLUMN public_phone text,
  ADD COLUMN contact_name text,
  ADD COLUMN contact_email text,
  ADD COLUMN contact_phone text,
  ADD COLUMN verified_at timestamptz,
  ADD COLUMN verified_by uuid REFERENCES users (id) ON DELETE SET NULL,
  -- Labels of the services, kept by the application so that "food bank" finds what a code cannot.
  ADD COLUMN search_keywords text NOT NULL DEFAULT '',
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A')
    || setweight(to_tsvector('english', search_keywords), 'B')
    || setweight(to_tsvector('english', description), 'C')
  ) STORED;

-- The directory is read far more than written: GIN indexes skip the pending list, so searches never scan it.
CREATE UNIQUE INDEX organisations_charity_number_key ON organisations (charity_number) WHERE charity_number IS NOT NULL;
CREATE UNIQUE INDEX organisations_company_number_key ON organisations (company_number) WHERE company_number IS NOT NULL;
CREATE INDEX organisations_search_idx ON organisations USING gin (search_vector) WITH (fastupdate = off);
CREATE INDEX organisations_name_trgm_idx ON organisations USING gin (name public.gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX organisations_districts_idx ON organisations USING gin (districts) WITH (fastupdate = off);
CREATE INDEX organisations_services_idx ON organisations USING gin (services) WITH (fastupdate = off);
CREATE INDEX organisations_beneficiaries_idx ON organisations USING gin (beneficiaries) WITH (fastupdate = off);
CREATE INDEX organisations_tier_idx ON organisations (tier);
CREATE INDEX organisations_income_idx ON organisations (income_pence);
