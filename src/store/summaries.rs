//! Running summaries: per user and chat, a short note of the turns that fell
//! out of the history window (`pipeline` decides when to fold, `reply` writes
//! the note). Sealed like the other texts, bound to the summary's row.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::base::{Store, TURN_COLUMNS, USER_ID_SUBQUERY, from_ms, now_ms};
use super::types::{StoreError, Summary, Turn, UserKey};
use crate::privacy::crypto::{Binding, Field};

/// The most turns read for one fold (older ones wait for the next).
const MAX_TURNS_PER_FOLD: i64 = 200;

impl Store {
    /// The user's summary in `chat_id`, if one was written.
    pub async fn summary(
        &self,
        user: &UserKey,
        chat_id: &str,
    ) -> Result<Option<Summary>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT id, user_ref, chat_id, summary, through_turn_id, covers_from, updated_at \
             FROM summaries WHERE user_ref IN {USER_ID_SUBQUERY} AND chat_id = $3"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(chat_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref()
            .map(|row| self.summary_from_row(row))
            .transpose()
    }

    /// The user's turns in `chat_id` after turn `after_id`, except the newest
    /// `keep` (those are still in the window), oldest first: what is to be
    /// folded into the summary.
    pub async fn turns_to_fold(
        &self,
        user: &UserKey,
        chat_id: &str,
        after_id: i64,
        keep: i64,
    ) -> Result<Vec<Turn>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref IN {USER_ID_SUBQUERY} \
             AND m.chat_id = $3 AND m.id > $4 ORDER BY m.id DESC LIMIT $5 OFFSET $6"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(chat_id)
        .bind(after_id)
        .bind(MAX_TURNS_PER_FOLD)
        .bind(keep.max(0))
        .fetch_all(&self.pool)
        .await?;
        self.oldest_first(&rows)
    }

    /// Writes the user's summary in `chat_id` (replacing the one before),
    /// covering their turns there up to `through_turn_id`, the oldest written
    /// at `covers_from`. Nothing is written for a user with no row (never
    /// stored, or opted out meanwhile): returns false then.
    pub async fn save_summary(
        &self,
        user: &UserKey,
        chat_id: &str,
        text: &str,
        through_turn_id: i64,
        covers_from: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        // The row first (its text empty), then the text sealed bound to it.
        let row = sqlx::query(
            "INSERT INTO summaries (user_ref, chat_id, summary, through_turn_id, covers_from, updated_at) \
             SELECT id, $3, '', $4, $5, $6 FROM users WHERE platform = $1 AND user_id = $2 \
             ON CONFLICT (user_ref, chat_id) DO UPDATE SET through_turn_id = excluded.through_turn_id, \
             covers_from = CASE WHEN summaries.covers_from < excluded.covers_from \
             THEN summaries.covers_from ELSE excluded.covers_from END, updated_at = excluded.updated_at \
             RETURNING id, user_ref",
        )
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(chat_id)
        .bind(through_turn_id)
        .bind(covers_from.timestamp_millis())
        .bind(now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let (id, user_ref): (i64, i64) = (row.try_get("id")?, row.try_get("user_ref")?);
        sqlx::query("UPDATE summaries SET summary = $1 WHERE id = $2")
            .bind(
                self.cipher
                    .seal(Field::Summary, Binding { user_ref, row: id }, text),
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Deletes the summaries whose oldest turn was written before `cutoff`
    /// (retention: the turns they were made from are gone or going).
    pub async fn delete_summaries_older_than(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM summaries WHERE covers_from < $1")
            .bind(cutoff.timestamp_millis())
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    pub(super) fn summary_from_row(&self, row: &sqlx::any::AnyRow) -> Result<Summary, StoreError> {
        let binding = Binding {
            user_ref: row.try_get("user_ref")?,
            row: row.try_get("id")?,
        };
        Ok(Summary {
            chat_id: row.try_get("chat_id")?,
            text: self
                .cipher
                .open(Field::Summary, binding, row.try_get("summary")?)?,
            through_turn_id: row.try_get("through_turn_id")?,
            covers_from: from_ms(row.try_get("covers_from")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }
}
