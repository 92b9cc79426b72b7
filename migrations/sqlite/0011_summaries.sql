-- A running summary of a user's older turns in one chat: what fell out of the
-- history window, folded into a short note the LLM gets as context. Sealed like
-- other texts (bound to its row id); deleted with the user (/optout), by /reset,
-- by retention and by an admin's clear. through_turn_id: the newest turn folded
-- in; covers_from: when the oldest turn folded in was written (retention deletes
-- a summary once that is past). Keep in step with the other backend.
CREATE TABLE summaries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_ref        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id         TEXT   NOT NULL,
    summary         TEXT   NOT NULL,
    through_turn_id BIGINT NOT NULL,
    covers_from     BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (user_ref, chat_id)
);
