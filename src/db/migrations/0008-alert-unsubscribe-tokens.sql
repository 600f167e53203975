-- The unsubscribe link every alert carries. Kept as it is, not hashed, because every mail repeats it; all it can
-- do is turn alerts off. Rows saved before this migration get a random token of their own.
ALTER TABLE alert_preferences ADD COLUMN unsubscribe_token text;
UPDATE alert_preferences SET unsubscribe_token = replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') WHERE unsubscribe_token IS NULL;
ALTER TABLE alert_preferences ALTER COLUMN unsubscribe_token SET NOT NULL;
ALTER TABLE alert_preferences ADD CONSTRAINT alert_preferences_unsubscribe_token_key UNIQUE (unsubscribe_token);
