-- A redelivered platform message is the same message id with the same text;
-- the same id with a different text (an HTTP client reusing its ids) is a
-- new message, to be answered and stored. So a message id no longer has to
-- be unique per user and chat: the pipeline finds a redelivery, under the
-- user's turn lock, by id and text. Nothing is deleted. Keep in step with the
-- other backend.
DROP INDEX messages_platform_message;

CREATE INDEX messages_platform_message
    ON messages (user_ref, chat_id, platform_message_id);
