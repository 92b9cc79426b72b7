-- A reply that could not be delivered to the platform (after its retries) is
-- marked with when that happened, so the turn says so; NULL: delivered, or not
-- known to have failed. Keep in step with the other backend.
ALTER TABLE messages ADD COLUMN undelivered_at BIGINT;
