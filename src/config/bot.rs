//! The small sections about the bot itself: `[bot]` (conversation limits),
//! `[store]` (where local data lives, and `DATABASE_URL`) and `[log]`.

use std::path::PathBuf;

use serde::Deserialize;

use super::{ConfigError, Secret, check_url, invalid};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotSettings {
    pub history_turns: u32,
    /// Fold turns out of the history window into the summary once this many
    /// have gathered; 0: no summaries.
    pub summary_after_turns: u32,
    pub max_message_chars: usize,
}

impl BotSettings {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.max_message_chars < 16 {
            return invalid("bot.max_message_chars", "must be at least 16");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreSettings {
    pub data_dir: PathBuf,
}

impl StoreSettings {
    /// `database_url` is `DATABASE_URL`, the store's address when it is not
    /// the SQLite file under `data_dir`.
    pub(super) fn validate(&self, database_url: Option<&Secret>) -> Result<(), ConfigError> {
        check_url(
            "DATABASE_URL",
            database_url.map(Secret::expose),
            &["sqlite:", "postgres://", "postgresql://"],
            "must start with sqlite: or postgres://",
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}
