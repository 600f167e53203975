-- Releases and compiled releases are kept as json, their text as written, rather than jsonb. Nothing queries
-- inside them in SQL (they are read whole), and json is only checked on the way in where jsonb is rebuilt into
-- a binary form: on a file of ten thousand releases that rebuilding was most of the import's time. json also keeps
-- each release exactly as it came, key order included.
ALTER TABLE ocds_releases ALTER COLUMN release TYPE json USING release::json;
ALTER TABLE ocds_records ALTER COLUMN compiled_release TYPE json USING compiled_release::json;

-- Large values are compressed with lz4 where the server has it (several times faster than the default pglz);
-- a server built without it keeps pglz.
DO $$
BEGIN
  ALTER TABLE ocds_releases ALTER COLUMN release SET COMPRESSION lz4;
  ALTER TABLE ocds_records ALTER COLUMN compiled_release SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  NULL;
END
$$;
