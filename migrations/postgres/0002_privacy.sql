-- Privacy: store-wide settings, and indexes for the retention job, admin
-- statistics and clearing a chat. Keep in step with migrations/sqlite/0002_privacy.sql.
-- Texts (messages.user_text, messages.reply, users.display_name) stay TEXT: when a data
-- key is configured they hold `enc1:<key id>:<base64>` envelopes instead of plaintext.

-- Named values about the store itself, never about a user. `marker_key_check`: a keyed
-- hash of a fixed string under the opt-out marker key, to notice a changed key.
CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE INDEX messages_created_at ON messages (created_at);
CREATE INDEX messages_chat_id ON messages (chat_id);
