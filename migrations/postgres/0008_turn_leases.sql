-- Replicas on one database: the per-user turn lock as a lease row with an
-- expiry and a fencing number, so no pooled connection is held while a turn
-- waits on the language model. `lock_key` is 64 bits of a hash of the user,
-- `holder` a random id of the process and turn, `fence` grows with every
-- acquisition, `expires_at` is Unix milliseconds (renewed while the turn
-- runs). Used on Postgres; created on both so the schemas stay in step.
CREATE TABLE turn_leases (
    lock_key   BIGINT PRIMARY KEY NOT NULL,
    holder     TEXT   NOT NULL,
    fence      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
