-- Issue 6: the hub's defaults for fair consortium terms, which the hub admin can change. Only the values are kept
-- here; the reasons for each default stay with the code that shows them. No row means the built-in defaults.
CREATE TABLE fairness_settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  settings jsonb NOT NULL,
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
