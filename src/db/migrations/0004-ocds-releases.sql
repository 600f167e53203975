-- The commissioning data spine, in the Open Contracting Data Standard 1.1.5: every release, whether published
-- here or imported from Contracts Finder, Find a Tender or any OCDS publisher, is kept as it was, never
-- overwritten; records are compiled from them.

CREATE TABLE ocds_releases (
  ocid text NOT NULL,
  release_id text NOT NULL,
  date timestamptz NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  -- 'platform' for releases this service publishes; 'import' for releases read from a file.
  source text NOT NULL CHECK (source IN ('platform', 'import')),
  -- The package's publisher, licence and extensions, for imported releases.
  package jsonb NOT NULL DEFAULT '{}'::jsonb,
  release jsonb NOT NULL,
  stored_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ocid, release_id)
);
CREATE INDEX ocds_releases_date_idx ON ocds_releases (date, ocid, release_id);

-- One compiled release per contracting process, rebuilt from its releases whenever one arrives.
CREATE TABLE ocds_records (
  ocid text PRIMARY KEY,
  compiled_release jsonb NOT NULL,
  release_count integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Buyers and suppliers named in releases, and the directory organisation each one is, once known.
CREATE TABLE ocds_parties (
  ocid text NOT NULL,
  party_id text NOT NULL,
  name text NOT NULL,
  roles text[] NOT NULL DEFAULT '{}',
  identifier_scheme text,
  identifier_id text,
  organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
  -- 'identifier', 'name' or 'hub admin': how the match was made; null while unmatched.
  matched_by text CHECK (matched_by IN ('identifier', 'name', 'hub admin')),
  PRIMARY KEY (ocid, party_id)
);
CREATE INDEX ocds_parties_organisation_idx ON ocds_parties (organisation_id);
CREATE INDEX ocds_parties_unmatched_idx ON ocds_parties (ocid) WHERE organisation_id IS NULL;
