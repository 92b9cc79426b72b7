//! `[discord]`: the Discord adapter's proxy and shards.

use serde::Deserialize;

use super::{ConfigError, HTTP_SCHEMES, Secret, check_url, invalid, optional};

/// The Discord adapter (`maeum run`); the token comes from `DISCORD_TOKEN`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscordSettings {
    pub enabled: bool,
    /// Send REST calls to this address instead of Discord's; empty for Discord's own.
    /// The gateway address is then taken from this server's `GET /gateway` answer.
    pub proxy_url: String,
    /// The shard this process runs, `0..shard_count`.
    pub shard_id: u32,
    /// How many shards the whole bot runs (in one process or several).
    pub shard_count: u32,
}

impl DiscordSettings {
    /// `token` is `DISCORD_TOKEN`, needed only when the adapter is enabled.
    pub(super) fn validate(&self, token: Option<&Secret>) -> Result<(), ConfigError> {
        if self.enabled && token.is_none() {
            return invalid("DISCORD_TOKEN", "must be set when discord.enabled is true");
        }
        if self.shard_count == 0 {
            return invalid("discord.shard_count", "must be at least 1");
        }
        if self.shard_id >= self.shard_count {
            return invalid(
                "discord.shard_id",
                "must be below discord.shard_count (shards are numbered from 0)",
            );
        }
        check_url(
            "discord.proxy_url",
            optional(&self.proxy_url),
            HTTP_SCHEMES,
            "must start with http:// or https:// (or be empty for Discord's own)",
        )
    }
}
