-- Ranking organisations for an opportunity at 200,000 organisations. Scanning a covering index of every VCSE
-- organisation and testing text arrays code by code costs about 80 ms whatever the opportunity asks for. Two
-- changes bring it to the candidates alone, scored with integer arithmetic:
--   * each organisation's codes are kept as bit masks (a bit per service, district and framework outcome, given
--     out once per code in matching_codes and never reused, so masks stay valid as catalogues grow);
--   * a narrow profile row per organisation and service, keyed by the service, so that the ranking reads only the
--     organisations offering one of the opportunity's services (each counted once, on its first such service).
-- organisations and organisation_outcomes remain the record: the profiles are derived from them by triggers.

CREATE TABLE matching_codes (
  kind text NOT NULL CHECK (kind IN ('service', 'district', 'outcome')),
  code text NOT NULL,
  bit smallint NOT NULL,
  PRIMARY KEY (kind, code),
  UNIQUE (kind, bit),
  -- Services and districts fit a bigint; an authority's outcomes across framework versions fit 256 bits.
  CHECK (bit >= 0 AND bit < CASE kind WHEN 'outcome' THEN 256 ELSE 63 END)
);

-- The bits of known codes; codes never seen have no bit, and no organisation can have them.
CREATE FUNCTION matching_bits(p_kind text, p_codes text[]) RETURNS smallint[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(bit ORDER BY bit), '{}') FROM matching_codes WHERE kind = p_kind AND code = ANY(p_codes)
$$;

CREATE FUNCTION matching_mask(p_kind text, p_codes text[]) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(bit_or(1::bigint << bit), 0) FROM matching_codes WHERE kind = p_kind AND code = ANY(p_codes)
$$;

CREATE FUNCTION matching_outcome_mask(p_codes text[]) RETURNS bit(256) LANGUAGE sql STABLE AS $$
  SELECT coalesce(bit_or(set_bit(repeat('0', 256)::bit(256), bit, 1)), repeat('0', 256)::bit(256))
    FROM matching_codes WHERE kind = 'outcome' AND code = ANY(p_codes)
$$;

-- Gives the next free bit to each code not seen before. The advisory lock serialises the rare writers that bring a
-- new code, so that two of them cannot take the same bit.
CREATE FUNCTION matching_assign(p_kind text, p_codes text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM unnest(p_codes) AS c(code)
                  WHERE NOT EXISTS (SELECT 1 FROM matching_codes m WHERE m.kind = p_kind AND m.code = c.code)) THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('matching_codes'));
  INSERT INTO matching_codes (kind, code, bit)
  SELECT p_kind, c.code,
         (SELECT coalesce(max(bit), -1) FROM matching_codes WHERE kind = p_kind) + row_number() OVER (ORDER BY c.code)
    FROM (SELECT DISTINCT code FROM unnest(p_codes) AS u(code)) c
   WHERE NOT EXISTS (SELECT 1 FROM matching_codes m WHERE m.kind = p_kind AND m.code = c.code);
END
$$;

CREATE TABLE organisation_match_profiles (
  -- The service's bit, or -1 for an organisation that names no service (found only by opportunities naming none).
  service_bit smallint NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name text NOT NULL,
  tier smallint,
  services bigint NOT NULL,
  districts bigint NOT NULL,
  core_outcomes bit(256) NOT NULL,
  value_adding_outcomes bit(256) NOT NULL,
  PRIMARY KEY (organisation_id, service_bit)
);
-- Everything the ranking reads, so that it is an index-only scan of the opportunity's services.
CREATE INDEX organisation_match_profiles_ranking_idx ON organisation_match_profiles (service_bit)
  INCLUDE (organisation_id, tier, services, districts, core_outcomes, value_adding_outcomes, name);

-- Rewrites the profiles of the given organisations from their current rows.
CREATE FUNCTION refresh_match_profiles(p_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM matching_assign('service', ARRAY(SELECT DISTINCT unnest(services) FROM organisations WHERE id = ANY(p_ids)));
  PERFORM matching_assign('district', ARRAY(SELECT DISTINCT unnest(districts) FROM organisations WHERE id = ANY(p_ids)));
  PERFORM matching_assign('outcome', ARRAY(SELECT DISTINCT unnest(core_outcomes || value_adding_outcomes)
                                             FROM organisations WHERE id = ANY(p_ids)));
  DELETE FROM organisation_match_profiles WHERE organisation_id = ANY(p_ids);
  INSERT INTO organisation_match_profiles
  SELECT bits.bit, o.id, o.name, o.tier, matching_mask('service', o.services), matching_mask('district', o.districts),
         matching_outcome_mask(o.core_outcomes), matching_outcome_mask(o.value_adding_outcomes)
    FROM organisations o
   CROSS JOIN LATERAL unnest(CASE WHEN cardinality(matching_bits('service', o.services)) = 0 THEN '{-1}'::smallint[]
                                  ELSE matching_bits('service', o.services) END) AS bits(bit)
   WHERE o.id = ANY(p_ids) AND o.sector = 'vcse';
END
$$;

CREATE FUNCTION organisation_match_profiles_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_match_profiles(ARRAY(SELECT id FROM changed));
  RETURN NULL;
END
$$;

-- Only the organisations whose ranked fields changed: most updates (a description, a contact) leave profiles be.
CREATE FUNCTION organisation_match_profiles_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_match_profiles(ARRAY(
    SELECT n.id FROM changed n JOIN previous o ON o.id = n.id
     WHERE (n.name, n.tier, n.sector, n.services, n.districts, n.core_outcomes, n.value_adding_outcomes)
           IS DISTINCT FROM (o.name, o.tier, o.sector, o.services, o.districts, o.core_outcomes, o.value_adding_outcomes)));
  RETURN NULL;
END
$$;

CREATE TRIGGER organisation_match_profiles_insert AFTER INSERT ON organisations
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_match_profiles_on_insert();
CREATE TRIGGER organisation_match_profiles_update AFTER UPDATE ON organisations
  REFERENCING OLD TABLE AS previous NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION organisation_match_profiles_on_update();

SELECT refresh_match_profiles(ARRAY(SELECT id FROM organisations));

-- The wide covering index of migrations 0009 and 0016 is no longer read.
DROP INDEX organisations_matching_idx;
