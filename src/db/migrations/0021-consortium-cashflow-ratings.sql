-- Issue 6: the cash-flow check and ratings of the lead.
-- The lead records the contract's payment schedule, from which each member's cash gap is worked out; like the
-- terms and the charter, each change is a new numbered version, never an edit. After delivery, each member
-- organisation rates the lead once; the ratings show on the lead's profile.

CREATE TABLE consortium_payment_schedules (
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  version integer NOT NULL CHECK (version >= 1),
  contract_value_pence bigint NOT NULL CHECK (contract_value_pence > 0),
  periods integer NOT NULL CHECK (periods BETWEEN 1 AND 120),
  period_length text NOT NULL CHECK (period_length IN ('monthly', 'quarterly')),
  buyer_payment_days integer NOT NULL CHECK (buyer_payment_days BETWEEN 0 AND 365),
  -- The share of each payment the buyer makes only on results, and how long after the rest it comes.
  results_basis_points integer NOT NULL CHECK (results_basis_points BETWEEN 0 AND 10000),
  results_lag_days integer NOT NULL CHECK (results_lag_days BETWEEN 0 AND 730),
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consortium_id, version)
);
CREATE TRIGGER consortium_payment_schedules_kept BEFORE UPDATE OR DELETE ON consortium_payment_schedules
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();

CREATE TABLE lead_ratings (
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  rater_organisation_id uuid NOT NULL REFERENCES organisations (id),
  lead_organisation_id uuid NOT NULL REFERENCES organisations (id),
  stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
  rated_by uuid NOT NULL REFERENCES users (id),
  rated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consortium_id, rater_organisation_id),
  CHECK (rater_organisation_id <> lead_organisation_id)
);
CREATE INDEX lead_ratings_lead_idx ON lead_ratings (lead_organisation_id, rated_at DESC);
-- A rating, once given, stands: it is not quietly changed or withdrawn.
CREATE TRIGGER lead_ratings_kept BEFORE UPDATE OR DELETE ON lead_ratings
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();
