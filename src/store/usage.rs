//! Fair-use counters: a user's (and the whole bot's) conversation messages
//! and language-model tokens per UTC day, kept under a keyed hash of the user
//! (never their id) so budgets hold across restarts and replicas, and
//! `/usage` can tell a person theirs.

use chrono::{DateTime, Utc};

use super::base::Store;
use super::types::{StoreError, Usage, UserKey};

/// The counters of the whole bot.
const WHOLE_BOT: &str = "*";

/// UTC days since 1970-01-01.
fn day_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(86_400)
}

impl Store {
    /// What `user` has used on the UTC day of `at`.
    pub async fn usage(&self, user: &UserKey, at: DateTime<Utc>) -> Result<Usage, StoreError> {
        self.usage_of(&self.usage_marker(user), at).await
    }

    /// What the whole bot has used on the UTC day of `at`.
    pub async fn total_usage(&self, at: DateTime<Utc>) -> Result<Usage, StoreError> {
        self.usage_of(WHOLE_BOT, at).await
    }

    /// Counts one conversation message of `user` using `tokens`, for them
    /// and for the whole bot, on the UTC day of `at`. Only for a user who may
    /// be remembered: nothing is stored for anyone else (the pipeline counts
    /// them in memory).
    pub async fn add_usage(
        &self,
        user: &UserKey,
        tokens: u64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let tokens = i64::try_from(tokens).unwrap_or(i64::MAX);
        let day = day_of(at);
        let mut tx = self.pool.begin().await?;
        for marker in [self.usage_marker(user), WHOLE_BOT.to_string()] {
            sqlx::query(
                "INSERT INTO usage_daily (marker, day, messages, tokens) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (marker, day) DO UPDATE SET \
                 messages = usage_daily.messages + 1, tokens = usage_daily.tokens + excluded.tokens",
            )
            .bind(marker)
            .bind(day)
            .bind(tokens)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the counters of days before the UTC day of `cutoff`; returns how many rows.
    pub async fn delete_usage_before(&self, cutoff: DateTime<Utc>) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM usage_daily WHERE day < $1")
            .bind(day_of(cutoff))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn usage_of(&self, marker: &str, at: DateTime<Utc>) -> Result<Usage, StoreError> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT messages, tokens FROM usage_daily WHERE marker = $1 AND day = $2",
        )
        .bind(marker)
        .bind(day_of(at))
        .fetch_optional(&self.pool)
        .await?;
        let (messages, tokens) = row.unwrap_or_default();
        Ok(Usage {
            messages: u64::try_from(messages).unwrap_or(0),
            tokens: u64::try_from(tokens).unwrap_or(0),
        })
    }

    /// Hex HMAC-SHA256 of `usage \0 platform \0 user_id`: counts a user
    /// without storing who they are, and unlike their opt-out marker.
    pub(super) fn usage_marker(&self, user: &UserKey) -> String {
        self.keyed_marker(&[b"usage", user.platform.as_bytes(), user.user_id.as_bytes()])
    }
}
