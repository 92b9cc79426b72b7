-- Replicas on one database: a platform message is stored at most once per
-- user and chat, so a message delivered twice (a webhook retried to another
-- replica) is answered from the stored turn instead of again. Earlier
-- duplicates, if any, keep their first turn. Keep in step with the other backend.
DELETE FROM messages
WHERE platform_message_id IS NOT NULL
  AND id NOT IN (
    SELECT MIN(id) FROM messages
    WHERE platform_message_id IS NOT NULL
    GROUP BY user_ref, chat_id, platform_message_id
  );

CREATE UNIQUE INDEX messages_platform_message
    ON messages (user_ref, chat_id, platform_message_id);
