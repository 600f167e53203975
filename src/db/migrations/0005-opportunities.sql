-- Issue 4's commissioning pipeline: intentions, pre-market engagement and opportunities from public bodies,
-- their lots and awards, and an append-only history of every change made after publication.

CREATE TABLE opportunities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  buyer_organisation_id uuid NOT NULL REFERENCES organisations (id),
  kind text NOT NULL CHECK (kind IN ('intention', 'engagement', 'opportunity')),
  procurement_type text NOT NULL CHECK (procurement_type IN ('tender', 'grant', 'sla', 'call_off')),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  outcomes_sought text NOT NULL DEFAULT '',
  districts text[] NOT NULL DEFAULT '{}',
  services text[] NOT NULL DEFAULT '{}',
  value_pence bigint CHECK (value_pence >= 0),
  duration_months integer CHECK (duration_months > 0),
  planned_date date,
  publication_date timestamptz,
  clarification_deadline timestamptz,
  submission_deadline timestamptz,
  suitable_for_vcse boolean NOT NULL DEFAULT false,
  suitable_for_sme boolean NOT NULL DEFAULT false,
  reserved_for_vcse boolean NOT NULL DEFAULT false,
  -- The government's minimum weighting for social value is 10%.
  social_value_weighting_percent integer NOT NULL DEFAULT 10
    CHECK (social_value_weighting_percent BETWEEN 10 AND 100),
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'published', 'closed', 'awarded', 'contract', 'completed', 'terminated')),
  ocid text NOT NULL UNIQUE,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (clarification_deadline IS NULL OR submission_deadline IS NULL OR clarification_deadline <= submission_deadline)
);
CREATE INDEX opportunities_buyer_idx ON opportunities (buyer_organisation_id);
CREATE INDEX opportunities_status_deadline_idx ON opportunities (status, submission_deadline);
CREATE INDEX opportunities_districts_idx ON opportunities USING gin (districts);
CREATE INDEX opportunities_services_idx ON opportunities USING gin (services);

CREATE TABLE opportunity_lots (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  value_pence bigint CHECK (value_pence >= 0),
  districts text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunity_lots_opportunity_idx ON opportunity_lots (opportunity_id);

CREATE TABLE opportunity_awards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  value_pence bigint CHECK (value_pence >= 0),
  awarded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (opportunity_id, organisation_id)
);

CREATE TABLE opportunity_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  actor_user_id uuid,
  at timestamptz NOT NULL DEFAULT now(),
  change text NOT NULL,
  before jsonb NOT NULL DEFAULT '{}'::jsonb,
  after jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX opportunity_history_opportunity_idx ON opportunity_history (opportunity_id, id);

-- History is a public record: once written it is never changed or removed.
CREATE FUNCTION opportunity_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'opportunity_history is append-only';
END;
$$;
CREATE TRIGGER opportunity_history_no_change BEFORE UPDATE OR DELETE ON opportunity_history
  FOR EACH ROW EXECUTE FUNCTION opportunity_history_append_only();
