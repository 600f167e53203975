-- Issue 6: a consortium bids and is awarded through the pipeline. The award goes to its lead, who is the supplier;
-- the award row names the consortium, so that the open data can show its members as subcontractors.
ALTER TABLE opportunity_awards ADD COLUMN consortium_id uuid REFERENCES consortia (id);
CREATE INDEX opportunity_awards_consortium_idx ON opportunity_awards (consortium_id) WHERE consortium_id IS NOT NULL;
ALTER TABLE consortia ADD COLUMN bid_at timestamptz;
