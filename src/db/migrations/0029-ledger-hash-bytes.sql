-- The social value ledger's entries are hashed over their columns as binary COPY writes them (hashedBytes in
-- src/modules/ledger/hash-chain.ts) rather than over a JSON array of them: each value's length goes before it, so
-- nothing needs escaping and verification hashes each row as the database sends it. The expression below is that
-- definition in SQL, so anyone can recompute a hash with the database alone.
--
-- A ledger written before is re-hashed here, in seq order. First each entry is checked against the hash it was
-- written with (the JSON array of its columns); a chain that does not hold stops the migration, naming the entry,
-- so that a broken ledger is never given new hashes that would make it look whole. The audit log keeps the head
-- before and after.
DO $$
DECLARE
  entry record;
  expected_seq bigint := 1;
  old_previous text := repeat('0', 64);
  new_previous text := repeat('0', 64);
  new_hash text;
  head record;
BEGIN
  ALTER TABLE social_value_ledger DISABLE TRIGGER social_value_ledger_no_change;
  FOR entry IN SELECT * FROM social_value_ledger ORDER BY seq LOOP
    -- As the first verifier read it: any time it could not write back as Date.toISOString would (finer than a
    -- millisecond, or outside the years 1-9999) did not match. A comparison with NULL (an infinite time) fails too.
    IF NOT coalesce(entry.seq = expected_seq AND entry.previous_hash = old_previous
        AND entry.recorded_at = date_trunc('milliseconds', entry.recorded_at)
        AND entry.recorded_at >= timestamptz '0001-01-01 00:00:00+00'
        AND entry.recorded_at < timestamptz '10000-01-01 00:00:00+00'
        AND entry.hash = encode(sha256(convert_to(
          '[' || entry.seq || ',"' || entry.id || '","' || entry.contract_id || '",' || to_json(entry.kind)::text || ','
          || coalesce('"' || entry.subject_id || '"', 'null') || ','
          || coalesce('"' || entry.corrects_id || '"', 'null') || ','
          || coalesce('"' || entry.actor_user_id || '"', 'null') || ',"'
          || to_char(entry.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",'
          || to_json(entry.body)::text || ',' || to_json(entry.previous_hash)::text || ']',
          'UTF8')), 'hex'), false) THEN
      RAISE EXCEPTION 'The social value ledger does not hold at entry % (%): it was changed before this upgrade, '
        'so it is not re-hashed. Restore it from a backup that verifies, then upgrade.', entry.seq, entry.id;
    END IF;
    new_hash := encode(sha256(
      int4send(8) || int8send(entry.seq)
      || int4send(16) || uuid_send(entry.id)
      || int4send(16) || uuid_send(entry.contract_id)
      || int4send(octet_length(convert_to(entry.kind, 'UTF8'))) || convert_to(entry.kind, 'UTF8')
      || coalesce(int4send(16) || uuid_send(entry.subject_id), int4send(-1))
      || coalesce(int4send(16) || uuid_send(entry.corrects_id), int4send(-1))
      || coalesce(int4send(16) || uuid_send(entry.actor_user_id), int4send(-1))
      || int4send(8) || timestamptz_send(entry.recorded_at)
      || int4send(octet_length(convert_to(entry.body, 'UTF8'))) || convert_to(entry.body, 'UTF8')
      || int4send(64) || convert_to(new_previous, 'UTF8')), 'hex');
    UPDATE social_value_ledger SET previous_hash = new_previous, hash = new_hash WHERE seq = entry.seq;
    old_previous := entry.hash;
    new_previous := new_hash;
    expected_seq := expected_seq + 1;
  END LOOP;
  IF expected_seq > 1 THEN
    SELECT seq, hash INTO head FROM social_value_ledger_head;
    IF NOT FOUND OR head.seq <> expected_seq - 1 OR head.hash <> old_previous THEN
      RAISE EXCEPTION 'The social value ledger''s head is not its last entry (%): entries were removed or added '
        'before this upgrade, so it is not re-hashed. Restore it from a backup that verifies, then upgrade.',
        expected_seq - 1;
    END IF;
    UPDATE social_value_ledger_head SET hash = new_previous, updated_at = now();
    INSERT INTO audit_log (action, subject_type, details)
    VALUES ('ledger.rehashed', 'social_value_ledger', jsonb_build_object(
      'entries', expected_seq - 1, 'headBefore', old_previous, 'headAfter', new_previous));
  END IF;
  ALTER TABLE social_value_ledger ENABLE TRIGGER social_value_ledger_no_change;
END;
$$;
