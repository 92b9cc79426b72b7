//! `[limits]`: fair use — who may talk to the bot (allow- and block-lists of
//! users and chats) and how much (messages a minute, messages and language
//! model tokens a day per user, tokens a day for the whole bot). All off by
//! default, as a new operator expects.

use serde::Deserialize;

use super::{ConfigError, platform_id};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitSettings {
    /// `platform:user_id` of the only users who may talk to the bot; empty: everyone.
    pub allowed_users: Vec<String>,
    /// `platform:user_id` of users who may not.
    pub blocked_users: Vec<String>,
    /// `platform:chat_id` of the only groups, channels or (Discord) servers
    /// the bot talks in; private chats are governed by the user lists only.
    pub allowed_chats: Vec<String>,
    /// `platform:chat_id` of groups, channels or servers the bot stays out of.
    pub blocked_chats: Vec<String>,
    /// Conversation messages (and rewrites) a user may send a minute; 0: no limit.
    pub messages_per_minute: u32,
    /// Conversation messages (and rewrites) a user may send a UTC day; 0: no limit.
    pub daily_messages: u64,
    /// Language-model tokens a user's replies may use a UTC day; 0: no limit.
    pub daily_tokens: u64,
    /// Language-model tokens all replies together may use a UTC day; 0: no limit.
    pub global_daily_tokens: u64,
}

impl LimitSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let lists = [
            ("limits.allowed_users", &self.allowed_users),
            ("limits.blocked_users", &self.blocked_users),
            ("limits.allowed_chats", &self.allowed_chats),
            ("limits.blocked_chats", &self.blocked_chats),
        ];
        for (key, entries) in lists {
            if let Some(bad) = entries.iter().find(|entry| platform_id(entry).is_none()) {
                return Err(ConfigError::Invalid {
                    key,
                    reason: format!(
                        "{bad:?} must be platform:id, e.g. telegram:123456 or discord:234567890123456789"
                    ),
                });
            }
        }
        Ok(())
    }
}
