-- Issue 4, for frontline organisations: one private calendar feed per organisation. Only a hash of the feed's
-- token is kept, as for sessions, so a copy of the database does not give away anyone's feed address.
CREATE TABLE organisation_calendar_feeds (
  organisation_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
