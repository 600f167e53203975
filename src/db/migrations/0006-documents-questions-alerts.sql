-- Issue 4, part two: documents attached to opportunities, clarification questions and e-mail alerts.

-- Documents are kept in the database, not under DATA_DIR: they are small (10 MB at most), written in the same
-- transaction as their audit entry, and go with every backup and restore, on PGlite and PostgreSQL alike.
CREATE TABLE opportunity_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL CHECK (size_bytes > 0),
  content bytea NOT NULL,
  uploaded_by uuid,
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunity_documents_opportunity_idx ON opportunity_documents (opportunity_id, uploaded_at);

CREATE TABLE opportunity_questions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  opportunity_id uuid NOT NULL REFERENCES opportunities (id),
  -- Who asked is kept for the buyer and the audit log; the public page never shows it.
  asked_by uuid NOT NULL,
  question text NOT NULL,
  asked_at timestamptz NOT NULL DEFAULT now(),
  answer text,
  answered_by uuid,
  answered_at timestamptz
);
CREATE INDEX opportunity_questions_opportunity_idx ON opportunity_questions (opportunity_id, asked_at);

-- No row means 'none': alerts are sent only to people who ask for them.
CREATE TABLE alert_preferences (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  frequency text NOT NULL CHECK (frequency IN ('immediately', 'weekly', 'none')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per person and ISO week: the digest command skips anyone already sent that week's digest.
CREATE TABLE alert_digests (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  week text NOT NULL,
  opportunity_ids uuid[] NOT NULL DEFAULT '{}',
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, week)
);
