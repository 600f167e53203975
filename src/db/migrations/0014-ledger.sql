-- The social value ledger's head: the seq and hash of its newest entry, written in the same transaction as each
-- entry. The chain alone cannot show that its last entries were removed (what is left still links up); the head
-- can, because verification expects the chain to end exactly where the head says it does.
CREATE TABLE social_value_ledger_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq bigint NOT NULL CHECK (seq > 0),
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  updated_at timestamptz NOT NULL DEFAULT now()
);
