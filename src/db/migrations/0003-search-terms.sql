-- The words of organisation names, for "did you mean" when a search finds nothing: a typo is matched by trigram
-- similarity against this small list, then searched for exactly, instead of testing every name in the directory.

CREATE TABLE search_terms (term text PRIMARY KEY);
CREATE INDEX search_terms_trgm_idx ON search_terms USING gin (term public.gin_trgm_ops) WITH (fastupdate = off);

CREATE FUNCTION remember_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term)
  SELECT DISTINCT word
    FROM changed, regexp_split_to_table(lower(changed.name), '[^[:alnum:]]+') AS word
   WHERE length(word) >= 3
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

-- Once per statement, so that importing or seeding thousands of rows adds their words in one insert.
CREATE TRIGGER organisations_search_terms_on_insert AFTER INSERT ON organisations
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION remember_search_terms();
CREATE TRIGGER organisations_search_terms_on_update AFTER UPDATE ON organisations
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION remember_search_terms();

INSERT INTO search_terms (term)
SELECT DISTINCT word FROM organisations, regexp_split_to_table(lower(name), '[^[:alnum:]]+') AS word
 WHERE length(word) >= 3
ON CONFLICT DO NOTHING;
