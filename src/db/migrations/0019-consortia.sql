-- Issue 6: consortium builder. Organisations look for partners on an opportunity, a lead forms a consortium and
-- invites members, who accept or decline; members are allocated to lots and districts; the fair-terms agreement
-- and the lead's charter are recorded as numbered versions (a change is a new version, never an edit), and the
-- consortium keeps a decisions log. A consortium is private to its members until it chooses to be listed.

CREATE TABLE partner_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  lot_ids uuid[] NOT NULL DEFAULT '{}',
  districts text[] NOT NULL DEFAULT '{}',
  services text[] NOT NULL DEFAULT '{}',
  message text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  withdrawn_at timestamptz
);
CREATE INDEX partner_requests_opportunity_idx ON partner_requests (opportunity_id, created_at);

CREATE TABLE partner_request_replies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES partner_requests (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  message text NOT NULL CHECK (length(message) BETWEEN 1 AND 2000),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partner_request_replies_request_idx ON partner_request_replies (request_id, created_at);

CREATE TABLE consortia (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  lead_organisation_id uuid NOT NULL REFERENCES organisations (id),
  listed boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'forming' CHECK (status IN ('forming', 'bid', 'awarded', 'delivering', 'completed', 'withdrawn')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consortia_opportunity_idx ON consortia (opportunity_id);

CREATE TABLE consortium_members (
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  role text NOT NULL CHECK (role IN ('lead', 'partner', 'subcontractor')),
  status text NOT NULL CHECK (status IN ('invited', 'accepted', 'declined')),
  invited_by uuid NOT NULL REFERENCES users (id),
  invited_at timestamptz NOT NULL DEFAULT now(),
  responded_by uuid REFERENCES users (id),
  responded_at timestamptz,
  PRIMARY KEY (consortium_id, organisation_id)
);
CREATE INDEX consortium_members_organisation_idx ON consortium_members (organisation_id);
-- One lead, and the lead is the consortium's lead organisation.
CREATE UNIQUE INDEX consortium_members_one_lead ON consortium_members (consortium_id) WHERE role = 'lead';

-- Who delivers each lot in each district: one member per cell.
CREATE TABLE consortium_allocations (
  consortium_id uuid NOT NULL,
  lot_id uuid NOT NULL REFERENCES opportunity_lots (id),
  district text NOT NULL,
  organisation_id uuid NOT NULL,
  PRIMARY KEY (consortium_id, lot_id, district),
  FOREIGN KEY (consortium_id, organisation_id) REFERENCES consortium_members (consortium_id, organisation_id)
);

CREATE TABLE consortium_terms (
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  version integer NOT NULL CHECK (version >= 1),
  terms jsonb NOT NULL,
  -- The flags raised against the hub's defaults when this version was recorded, kept with it.
  flags jsonb NOT NULL DEFAULT '[]',
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consortium_id, version)
);

CREATE TABLE consortium_charters (
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  version integer NOT NULL CHECK (version >= 1),
  lead_delivers boolean NOT NULL,
  lead_delivery text NOT NULL DEFAULT '',
  conflicts_of_interest text NOT NULL DEFAULT '',
  will_not_compete boolean NOT NULL,
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consortium_id, version)
);

CREATE TABLE consortium_decisions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  decision text NOT NULL CHECK (length(decision) BETWEEN 1 AND 2000),
  recorded_by uuid NOT NULL REFERENCES users (id),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consortium_decisions_consortium_idx ON consortium_decisions (consortium_id, id);

-- Versions, decisions and answers are history: kept, never rewritten.
CREATE FUNCTION consortium_history_is_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are kept as history: add a new one instead', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER consortium_terms_kept BEFORE UPDATE OR DELETE ON consortium_terms
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();
CREATE TRIGGER consortium_charters_kept BEFORE UPDATE OR DELETE ON consortium_charters
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();
CREATE TRIGGER consortium_decisions_kept BEFORE UPDATE OR DELETE ON consortium_decisions
  FOR EACH ROW EXECUTE FUNCTION consortium_history_is_kept();
