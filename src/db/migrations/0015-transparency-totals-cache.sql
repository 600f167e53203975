-- Issue 5, public transparency (continued).
-- The authority-wide totals, kept as last computed. Every statement that changes what they read (contracts,
-- their commitments, a deliverer's income and so tier) moves `generation` on, in its own transaction; the public
-- page recomputes only when the totals were computed at an older generation. Reads vastly outnumber ledger
-- entries, and the aggregate over every current commitment is too slow to run on each view at scale.
CREATE TABLE social_value_totals_cache (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation bigint NOT NULL DEFAULT 1,
  computed_generation bigint,
  totals jsonb,
  computed_at timestamptz
);
INSERT INTO social_value_totals_cache DEFAULT VALUES;

CREATE FUNCTION social_value_totals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE social_value_totals_cache SET generation = generation + 1;
  RETURN NULL;
END;
$$;
CREATE TRIGGER social_value_totals_contracts AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contracts
  FOR EACH STATEMENT EXECUTE FUNCTION social_value_totals_changed();
CREATE TRIGGER social_value_totals_commitments
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON social_value_commitments
  FOR EACH STATEMENT EXECUTE FUNCTION social_value_totals_changed();
CREATE TRIGGER social_value_totals_tiers AFTER UPDATE OF income_pence ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION social_value_totals_changed();
