-- Parties are looked up by organisation only for a known organisation (its contracts won; the organisation's
-- removal setting its parties' organisation to null), never for null. Most imported parties match no directory
-- organisation, and each was an entry in this index that no query reads: the index now holds matched parties only.
DROP INDEX ocds_parties_organisation_idx;
CREATE INDEX ocds_parties_organisation_idx ON ocds_parties (organisation_id) WHERE organisation_id IS NOT NULL;
