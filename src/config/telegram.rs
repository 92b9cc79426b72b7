//! `[telegram]`: the Telegram adapter's addresses and pace.

use std::net::SocketAddr;

use serde::Deserialize;

use super::{ConfigError, HTTP_SCHEMES, Secret, check_url, invalid, optional};

/// The Telegram adapter (`maeum run`); the token comes from `TELEGRAM_BOT_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelegramSettings {
    pub enabled: bool,
    /// The Bot API address; empty for Telegram's own.
    pub api_url: String,
    /// The public URL Telegram posts updates to; empty for long polling.
    pub webhook_url: String,
    /// Where the webhook server listens (used only with `webhook_url`).
    pub webhook_listen: SocketAddr,
    /// The least time between two messages or edits the bot writes in one chat.
    pub edit_interval_ms: u64,
    /// Messages and edits the bot writes in one group a minute at most (Telegram: 20).
    pub group_messages_per_minute: u32,
    /// Messages and edits the bot writes a second at most, in all chats (Telegram: about 30).
    pub global_messages_per_second: u32,
    /// Updates handled at once, and (webhook) updates waiting beyond those:
    /// more are answered 503 so Telegram delivers them again later.
    pub max_pending_updates: usize,
}

impl TelegramSettings {
    /// `token` is `TELEGRAM_BOT_TOKEN`, needed only when the adapter is enabled.
    pub(super) fn validate(&self, token: Option<&Secret>) -> Result<(), ConfigError> {
        if self.max_pending_updates == 0 {
            return invalid("telegram.max_pending_updates", "must be at least 1");
        }
        if self.enabled && token.is_none() {
            return invalid(
                "TELEGRAM_BOT_TOKEN",
                "must be set when telegram.enabled is true",
            );
        }
        check_url(
            "telegram.api_url",
            optional(&self.api_url),
            HTTP_SCHEMES,
            "must start with http:// or https:// (or be empty for Telegram's own)",
        )?;
        check_url(
            "telegram.webhook_url",
            optional(&self.webhook_url),
            HTTP_SCHEMES,
            "must be the public https:// address of the webhook (or empty for long polling)",
        )?;
        if self.edit_interval_ms > 60_000 {
            return invalid("telegram.edit_interval_ms", "must be at most 60000");
        }
        if self.group_messages_per_minute == 0 {
            return invalid("telegram.group_messages_per_minute", "must be at least 1");
        }
        if self.global_messages_per_second == 0 {
            return invalid("telegram.global_messages_per_second", "must be at least 1");
        }
        Ok(())
    }
}
