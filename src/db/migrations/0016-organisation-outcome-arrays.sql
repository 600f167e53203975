-- Issue 5: ranking organisations for an opportunity scores the framework outcomes they deliver. Looking each
-- candidate's outcomes up in organisation_outcomes costs a probe per candidate (tens of thousands for a broad
-- opportunity, about doubling the ranking's time at 200,000 organisations), so each organisation row also carries
-- its outcome codes by kind, kept by statement triggers, and the narrow matching index includes them: the ranking
-- stays one index-only scan. organisation_outcomes remains the record; these arrays are derived from it.

ALTER TABLE organisations
  ADD COLUMN core_outcomes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN value_adding_outcomes text[] NOT NULL DEFAULT '{}';

CREATE FUNCTION organisation_outcome_arrays() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE organisations o
     SET core_outcomes = ARRAY(SELECT oo.outcome_code FROM organisation_outcomes oo
                                WHERE oo.organisation_id = o.id AND oo.kind = 'core' ORDER BY 1),
         value_adding_outcomes = ARRAY(SELECT oo.outcome_code FROM organisation_outcomes oo
                                        WHERE oo.organisation_id = o.id AND oo.kind = 'value_adding' ORDER BY 1)
   WHERE o.id IN (SELECT DISTINCT organisation_id FROM changed);
  RETURN NULL;
END
$$;

-- Once per statement, so that seeding or replacing many declarations updates each organisation once.
CREATE TRIGGER organisation_outcomes_arrays_on_insert AFTER INSERT ON organisation_outcomes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_outcome_arrays();
CREATE TRIGGER organisation_outcomes_arrays_on_update AFTER UPDATE ON organisation_outcomes
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_outcome_arrays();
CREATE TRIGGER organisation_outcomes_arrays_on_delete AFTER DELETE ON organisation_outcomes
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION organisation_outcome_arrays();

UPDATE organisations o
   SET core_outcomes = ARRAY(SELECT oo.outcome_code FROM organisation_outcomes oo
                              WHERE oo.organisation_id = o.id AND oo.kind = 'core' ORDER BY 1),
       value_adding_outcomes = ARRAY(SELECT oo.outcome_code FROM organisation_outcomes oo
                                      WHERE oo.organisation_id = o.id AND oo.kind = 'value_adding' ORDER BY 1)
 WHERE EXISTS (SELECT 1 FROM organisation_outcomes oo WHERE oo.organisation_id = o.id);

DROP INDEX organisations_matching_idx;
CREATE INDEX organisations_matching_idx ON organisations (sector)
  INCLUDE (id, tier, services, districts, name, core_outcomes, value_adding_outcomes);
