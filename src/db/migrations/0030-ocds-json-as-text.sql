-- Releases and compiled releases are kept as text. Every writer checks the JSON before storing it (an import
-- parses each release and checks it against the schema; the platform writes what it serialised), and a json
-- column had the server parse each one again on the way in: on a file of ten thousand releases, a quarter of
-- the time the server spent storing them. Readers cast to json, or parse the text themselves.
ALTER TABLE ocds_releases ALTER COLUMN release TYPE text;
ALTER TABLE ocds_records ALTER COLUMN compiled_release TYPE text;

DO $$
BEGIN
  ALTER TABLE ocds_releases ALTER COLUMN release SET COMPRESSION lz4;
  ALTER TABLE ocds_records ALTER COLUMN compiled_release SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;
