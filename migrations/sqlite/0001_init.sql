-- Conversation store, SQLite dialect. Keep in step with migrations/postgres/0001_init.sql:
-- same tables, same columns. Timestamps are Unix milliseconds (BIGINT) so sqlx's Any driver
-- reads both backends alike; there are no booleans for the same reason.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    platform        TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    display_name    TEXT,
    created_at      BIGINT  NOT NULL,
    consent_version BIGINT,
    consented_at    BIGINT,
    UNIQUE (platform, user_id)
);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_ref            BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id             TEXT    NOT NULL,
    platform_message_id TEXT,
    user_text           TEXT    NOT NULL,
    emotion_code        TEXT,
    emotion_score       REAL,
    reply               TEXT,
    generator           TEXT    NOT NULL,
    feedback            BIGINT  CHECK (feedback IN (1, -1)),
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL
);

CREATE INDEX messages_user_ref_id ON messages (user_ref, id);

-- Users who opted out, as a keyed hash of (platform, user_id): never the id itself.
CREATE TABLE opt_outs (
    marker     TEXT   PRIMARY KEY NOT NULL,
    created_at BIGINT NOT NULL
);
