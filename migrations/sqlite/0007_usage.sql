-- Fair use: per user and UTC day, conversation messages and language-model
-- tokens (estimated), for daily budgets and /usage. A user is a keyed hash
-- (as in opt_outs, under its own prefix), never their id; '*' is the whole
-- bot. Rows older than two days are deleted by the retention job. Each turn
-- also keeps the tokens its reply used. Keep in step with the other backend.
CREATE TABLE usage_daily (
    marker   TEXT   NOT NULL,
    day      BIGINT NOT NULL,
    messages BIGINT NOT NULL,
    tokens   BIGINT NOT NULL,
    PRIMARY KEY (marker, day)
);

ALTER TABLE messages ADD COLUMN llm_tokens BIGINT;
