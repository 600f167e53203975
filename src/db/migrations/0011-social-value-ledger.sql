-- Issue 5, part two: contracts and their social value ledger.

-- A contract is made when an award becomes a contract in the pipeline, or entered by a buyer's commissioner or
-- procurement officer. Its commitments and results are private to the buyer and the deliverer until the buyer
-- publishes it; after that they are public.
CREATE TABLE contracts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid REFERENCES opportunities (id),
  award_id uuid UNIQUE REFERENCES opportunity_awards (id),
  buyer_organisation_id uuid NOT NULL REFERENCES organisations (id),
  supplier_organisation_id uuid NOT NULL REFERENCES organisations (id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  value_pence bigint CHECK (value_pence >= 0),
  start_date date,
  end_date date,
  districts text[] NOT NULL DEFAULT '{}',
  -- The framework version its commitments are measured against.
  framework_version_id uuid NOT NULL REFERENCES impact_framework_versions (id),
  published_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX contracts_buyer_idx ON contracts (buyer_organisation_id);
CREATE INDEX contracts_supplier_idx ON contracts (supplier_organisation_id);
CREATE INDEX contracts_opportunity_idx ON contracts (opportunity_id);

-- The ledger: one append-only, hash-chained list of every social value entry for every contract. Entries are
-- never updated or deleted; a correction is a new entry that names the one it corrects.
--
-- `seq` is the entry's place in the chain (1, 2, 3, … with no gaps). `body` is the entry's content as canonical
-- JSON text, hashed as stored. `hash` is the hex SHA-256 over the entry's columns and `previous_hash`, which is the
-- hash of entry seq - 1 (64 zeros for the first), so any row changed, removed or moved breaks the chain.
CREATE TABLE social_value_ledger (
  seq bigint PRIMARY KEY CHECK (seq > 0),
  id uuid NOT NULL UNIQUE,
  contract_id uuid NOT NULL REFERENCES contracts (id),
  kind text NOT NULL
    CHECK (kind IN ('commitment', 'result', 'query', 'response', 'verification', 'correction')),
  -- The commitment a result is for, or the result a query, response or verification is about.
  subject_id uuid,
  corrects_id uuid REFERENCES social_value_ledger (id),
  actor_user_id uuid,
  recorded_at timestamptz NOT NULL,
  body text NOT NULL,
  previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
  hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX social_value_ledger_contract_idx ON social_value_ledger (contract_id, seq);
CREATE INDEX social_value_ledger_subject_idx ON social_value_ledger (subject_id);

CREATE FUNCTION social_value_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'social_value_ledger is append-only';
END;
$$;
CREATE TRIGGER social_value_ledger_no_change BEFORE UPDATE OR DELETE ON social_value_ledger
  FOR EACH ROW EXECUTE FUNCTION social_value_ledger_append_only();

-- The current state of commitments and results, kept from the ledger in the same transaction as each entry so
-- that pages and totals read it without folding the chain. The ledger is the record; these can be rebuilt from it.
CREATE TABLE social_value_commitments (
  -- The id of the ledger entry that made (or last corrected) the commitment.
  id uuid PRIMARY KEY,
  contract_id uuid NOT NULL REFERENCES contracts (id),
  measure_id uuid NOT NULL REFERENCES impact_measures (id),
  target_quantity numeric NOT NULL CHECK (target_quantity > 0),
  reporting_period text NOT NULL CHECK (reporting_period IN ('month', 'quarter', 'year')),
  -- Pence per unit, from the measure's proxy when the commitment was made; null when there is none.
  proxy_value_pence bigint CHECK (proxy_value_pence >= 0),
  verified_quantity numeric NOT NULL DEFAULT 0,
  unverified_quantity numeric NOT NULL DEFAULT 0,
  -- Set when a correction replaces this commitment; replaced commitments leave the totals.
  superseded_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX social_value_commitments_contract_idx ON social_value_commitments (contract_id);
CREATE INDEX social_value_commitments_measure_idx ON social_value_commitments (measure_id);

CREATE TABLE social_value_results (
  -- The id of the ledger entry of the first submission.
  id uuid PRIMARY KEY,
  commitment_id uuid NOT NULL REFERENCES social_value_commitments (id),
  contract_id uuid NOT NULL REFERENCES contracts (id),
  period_start date NOT NULL,
  period_end date NOT NULL,
  quantity numeric NOT NULL CHECK (quantity >= 0),
  narrative text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('submitted', 'queried', 'verified')),
  -- The newest ledger entry about this result.
  latest_entry_id uuid NOT NULL,
  submitted_by uuid,
  submitted_at timestamptz NOT NULL,
  verified_at timestamptz,
  CHECK (period_start <= period_end)
);
CREATE INDEX social_value_results_commitment_idx ON social_value_results (commitment_id, period_start);
CREATE INDEX social_value_results_contract_idx ON social_value_results (contract_id, status);

-- Evidence files for results. Each file's SHA-256 is part of the ledger entry that added it, so a changed file
-- is caught by comparing it with the chain.
CREATE TABLE social_value_evidence (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  result_id uuid NOT NULL REFERENCES social_value_results (id),
  entry_id uuid NOT NULL REFERENCES social_value_ledger (id),
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea NOT NULL,
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX social_value_evidence_result_idx ON social_value_evidence (result_id);
