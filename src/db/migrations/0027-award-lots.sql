-- Issue 4: an award names the lots it covers, so an opportunity with lots can be awarded lot by lot, in several
-- awards, and one organisation can win different lots in different awards. No lots named means the whole
-- opportunity (an opportunity without lots, and awards recorded before awards named lots).
ALTER TABLE opportunity_awards ADD COLUMN lot_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE opportunity_awards DROP CONSTRAINT opportunity_awards_opportunity_id_organisation_id_key;
CREATE INDEX opportunity_awards_opportunity_idx ON opportunity_awards (opportunity_id);
