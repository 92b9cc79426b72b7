//! The store's vocabulary: the values it takes and returns ([`UserKey`],
//! [`NewTurn`], [`Turn`], statistics, reports) and [`StoreError`]. A leaf of
//! the store: it knows no SQL.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

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
    /// Language-model tokens the reply used (estimated; 0 for the offline generator).
    pub llm_tokens: u64,
    /// The prompt format the reply was written with (`tagged`, `original`),
    /// when the language model wrote it.
    pub prompt_format: Option<String>,
}

/// Conversation messages and language-model tokens used on one UTC day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub messages: u64,
    pub tokens: u64,
}

impl Usage {
    /// Both counts together.
    pub fn plus(self, other: Usage) -> Usage {
        Usage {
            messages: self.messages.saturating_add(other.messages),
            tokens: self.tokens.saturating_add(other.tokens),
        }
    }
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
    /// The emotion the user said the message had ("not how I feel"), when
    /// they corrected the one read.
    pub corrected_code: Option<String>,
    /// The reply could not be delivered to the platform (set by
    /// [`Store::mark_undelivered`](crate::store::Store::mark_undelivered); a later delivery clears it).
    pub undelivered: bool,
    /// Language-model tokens its replies used (estimated), rewrites included.
    pub llm_tokens: u64,
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
    /// The running summaries of older turns, one per chat.
    pub summaries: Vec<Summary>,
}

/// A running summary of a user's turns in one chat that fell out of the
/// history window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub chat_id: String,
    pub text: String,
    /// The newest turn folded in.
    pub through_turn_id: i64,
    /// When the oldest turn folded in was written.
    pub covers_from: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A user's acceptance of the privacy notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    /// The notice version accepted (`privacy.notice_version` at the time).
    pub version: i64,
    pub at: DateTime<Utc>,
}

/// Which messages statistics count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsScope {
    /// Everything stored.
    All,
    /// Messages sent in one chat (channel, group) of one platform.
    Chat { platform: String, chat_id: String },
}

/// Counts only: statistics never carry texts or ids.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreStats {
    /// Users with a stored row; in a chat scope, users with messages there.
    pub users: i64,
    /// Users who accepted at least the given notice version (`None` in a chat scope).
    pub consented_users: Option<i64>,
    /// Opt-out markers (`None` in a chat scope: markers belong to no chat).
    pub opted_out: Option<i64>,
    pub messages: i64,
    /// Messages created at or after `since`.
    pub messages_since: i64,
    /// Messages since `since` per UTC day and emotion code (`None`: no emotion
    /// was read), ordered by day then code.
    pub emotions_by_day: Vec<EmotionDayCount>,
}

/// Stored turns since a time with one combination of platform, generator,
/// prompt format, emotion and feedback (`Store::feedback_counts`): counts only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackCount {
    pub platform: String,
    pub generator: String,
    pub prompt_format: Option<String>,
    pub emotion_code: Option<String>,
    pub feedback: Option<Feedback>,
    /// The user corrected the emotion read ("not how I feel").
    pub corrected: bool,
    pub turns: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmotionDayCount {
    pub day: NaiveDate,
    pub emotion_code: Option<String>,
    pub messages: i64,
}

/// What `Store::rekey` rewrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RekeyReport {
    /// Messages whose text or reply was rewritten under the current key.
    pub messages: u64,
    /// Users whose display name was rewritten.
    pub users: u64,
    /// Summaries rewritten.
    pub summaries: u64,
    /// Rows changed by someone else while being rekeyed: already written under
    /// the current key, so left as they were.
    pub skipped: u64,
    /// Rows that could not be opened (a key that is not configured, or
    /// altered or foreign ciphertext), left as they were so the rest could be
    /// rekeyed: `messages:<id>` or `users:<id>`, for the operator to look into.
    pub unreadable: Vec<String>,
}

impl RekeyReport {
    pub(super) fn note_unreadable(&mut self, row: String, error: &StoreError) {
        tracing::warn!(%row, %error, "rekey: a stored text cannot be opened; left as it is");
        self.unreadable.push(row);
    }
}

/// How the opt-out marker key compares with the one the store was used with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKeyCheck {
    /// The same key as before.
    Same,
    /// First use: the key's check value was recorded.
    Recorded,
    /// A different key, but no markers existed, on a store only this process
    /// uses (SQLite): the new key was recorded.
    Replaced,
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
    /// Another process held this user's turn lease for longer than a turn lasts.
    #[error("the user's turn lease stayed taken for {0} s")]
    LockTimeout(u64),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored text could not be decrypted (unknown key, or altered).
    #[error(transparent)]
    Crypto(#[from] crate::privacy::crypto::CryptoError),
    /// `Store::rekey` without a current data key.
    #[error("rekeying needs MAEUM_DATA_KEY: the key to encrypt every stored text with")]
    NoDataKey,
    /// The opt-out markers were made with another key; starting would forget them.
    #[error(
        "the opt-out marker key differs from the one this database's {markers} opt-out marker(s) \
         were made with: restore MAEUM_MARKER_KEY (or the marker.key file in the data directory); \
         under another key opted-out users would be stored again"
    )]
    MarkerKeyChanged { markers: i64 },
    #[error(
        "MAEUM_MARKER_KEY differs from the opt-out marker key this database was first used with: \
         every replica must use that key. To change it while no one has opted out, delete the \
         marker_key_check row of store_meta first"
    )]
    MarkerKeyDiffers,
    #[error("preparing the data directory or database file {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}
