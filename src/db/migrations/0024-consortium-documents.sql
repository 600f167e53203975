-- Issue 6: the consortium's private space keeps its documents (draft bids, agreements, costings), for members only.
-- A document is added, never replaced: a new version is a new file.
CREATE TABLE consortium_documents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consortium_id uuid NOT NULL REFERENCES consortia (id),
  file_name text NOT NULL,
  content_type text NOT NULL,
  size_bytes integer NOT NULL,
  sha256 text NOT NULL,
  content bytea NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consortium_documents_consortium_idx ON consortium_documents (consortium_id, uploaded_at);
