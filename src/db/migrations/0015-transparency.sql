-- Issue 5, the public read side of the social value ledger: the list of published contracts, newest first, reads
-- only published rows in order, without sorting the whole table.
CREATE INDEX contracts_published_idx ON contracts (published_at DESC, id) WHERE published_at IS NOT NULL;
