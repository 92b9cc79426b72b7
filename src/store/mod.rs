//! Per-user conversation storage: SQLite (embedded default) or Postgres.
//!
//! One [`Store`] type over sqlx's `Any` driver serves both backends with the
//! same SQL; only the migrations differ (`migrations/sqlite`, `migrations/postgres`).
//! Timestamps are stored as Unix milliseconds so both backends read them alike.
//! Texts (messages, replies, display names) go through a [`DataCipher`]: sealed
//! on write when a data key is configured, opened on read; nothing outside the
//! store sees ciphertext.
//!
//! The files stack in one direction, each importing only from those below it:
//! `types` (values and errors, no SQL) ← `base` (the [`Store`] struct,
//! connecting, shared SQL fragments and row readers) ← the statement files
//! `turns`, `privacy`, `replicas`, `summaries` and `usage`, which add methods to [`Store`] and never
//! use one another. This file only declares them and re-exports the API.

mod base;
mod privacy;
mod replicas;
mod summaries;
mod turns;
mod types;
mod usage;

pub use crate::privacy::crypto::DataCipher;
pub use base::Store;
pub use replicas::TurnLock;
pub use types::{
    Backend, Consent, EmotionDayCount, Feedback, FeedbackCount, MarkerKeyCheck, NewTurn,
    RekeyReport, StatsScope, StoreError, StoreStats, Summary, Turn, Usage, UserExport, UserKey,
};
