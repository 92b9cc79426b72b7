//! Per-user conversation storage: SQLite (embedded default) or Postgres.
//!
//! One [`Store`] type over sqlx's `Any` driver serves both backends with the
//! same SQL; only the migrations differ (`migrations/sqlite`, `migrations/postgres`).
//! Timestamps are stored as Unix milliseconds so both backends read them alike.

mod sql;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use sql::Store;

/// Who a stored row belongs to: the platform and the user's id there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct UserKey {
    pub platform: String,
    pub user_id: String,
}

impl UserKey {
    pub fn new(platform: impl Into<String>, user_id: impl Into<String>) -> Self {
        UserKey {
            platform: platform.into(),
            user_id: user_id.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A turn about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTurn {
    pub chat_id: String,
    pub platform_message_id: Option<String>,
    pub user_text: String,
    pub emotion_code: Option<String>,
    pub emotion_score: Option<f32>,
    /// `None` when no reply could be made (the LLM was down): the turn is kept.
    pub reply: Option<String>,
    /// Which generator and model wrote the reply (`openai:gpt-4o-mini`, `offline`).
    pub generator: String,
}

/// User feedback on a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Feedback {
    Up,
    Down,
}

impl Feedback {
    pub fn as_i64(self) -> i64 {
        match self {
            Feedback::Up => 1,
            Feedback::Down => -1,
        }
    }

    pub fn from_i64(value: i64) -> Option<Feedback> {
        match value {
            1 => Some(Feedback::Up),
            -1 => Some(Feedback::Down),
            _ => None,
        }
    }
}

/// A stored turn: the user's message, its emotion and the bot's reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    pub id: i64,
    pub chat_id: String,
    pub platform_message_id: Option<String>,
    pub user_text: String,
    pub emotion_code: Option<String>,
    pub emotion_score: Option<f32>,
    pub reply: Option<String>,
    pub generator: String,
    pub feedback: Option<Feedback>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Everything stored about one user (`/export`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserExport {
    pub platform: String,
    pub user_id: String,
    pub display_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub consent_version: Option<i64>,
    pub consented_at: Option<DateTime<Utc>>,
    /// Oldest first.
    pub turns: Vec<Turn>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite:PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The user opted out: nothing about them may be stored until they opt in.
    #[error("the user opted out of storage")]
    OptedOut,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("creating the data directory {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}
