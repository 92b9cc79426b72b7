//! The conversation statements: users, opting out and in, storing and reading
//! turns, feedback, clearing a user's history and exporting it.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::base::{Store, TURN_COLUMNS, USER_ID_SUBQUERY, from_ms, now_ms, user_binding};
use super::types::{Feedback, NewTurn, StoreError, Turn, UserExport, UserKey};
use crate::privacy::crypto::{Binding, Field};

impl Store {
    pub async fn is_opted_out(&self, user: &UserKey) -> Result<bool, StoreError> {
        let found = sqlx::query("SELECT 1 FROM opt_outs WHERE marker = $1")
            .bind(self.opt_out_marker(user))
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// Deletes every row about the user in one transaction and keeps only a
    /// keyed-hash marker, so nothing is stored again until [`Store::opt_in`].
    pub async fn opt_out(&self, user: &UserKey) -> Result<(), StoreError> {
        let marker = self.opt_out_marker(user);
        let mut tx = self.pool.begin().await?;
        // The first statement writes, so SQLite takes the write lock at once
        // (a read first could not be upgraded under contention).
        sqlx::query(&format!(
            "DELETE FROM messages WHERE user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "DELETE FROM summaries WHERE user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM users WHERE platform = $1 AND user_id = $2")
            .bind(&user.platform)
            .bind(&user.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM usage_daily WHERE marker = $1")
            .bind(self.usage_marker(user))
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO opt_outs (marker, created_at) VALUES ($1, $2) ON CONFLICT (marker) DO NOTHING")
            .bind(marker)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.flush_deletions().await;
        tracing::info!(platform = %user.platform, "user opted out; their rows were deleted");
        Ok(())
    }

    /// Removes the opt-out marker. Returns whether the user had opted out.
    pub async fn opt_in(&self, user: &UserKey) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM opt_outs WHERE marker = $1")
            .bind(self.opt_out_marker(user))
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Creates the user's row or refreshes its display name; returns its id.
    ///
    /// Fails with [`StoreError::OptedOut`] for an opted-out user.
    pub async fn upsert_user(
        &self,
        user: &UserKey,
        display_name: Option<&str>,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let user_ref = self.upsert_user_in(&mut tx, user, display_name).await?;
        tx.commit().await?;
        Ok(user_ref)
    }

    /// Stores a turn (creating the user's row if needed); returns the turn id.
    ///
    /// Fails with [`StoreError::OptedOut`] for an opted-out user, even one who
    /// opted out while this turn was being answered.
    pub async fn insert_turn(&self, user: &UserKey, turn: &NewTurn) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let user_ref = self.upsert_user_in(&mut tx, user, None).await?;
        let now = now_ms();
        // The row first (its texts empty), then its texts sealed bound to it.
        let turn_id: i64 = sqlx::query_scalar(
            "INSERT INTO messages (user_ref, chat_id, platform_message_id, user_text, emotion_code, \
             emotion_score, reply, generator, feedback, llm_tokens, prompt_format, created_at, updated_at) \
             VALUES ($1, $2, $3, '', $4, $5, NULL, $6, NULL, $8, $9, $7, $7) RETURNING id",
        )
        .bind(user_ref)
        .bind(&turn.chat_id)
        .bind(turn.platform_message_id.as_deref())
        .bind(turn.emotion_code.as_deref())
        // f64 because sqlx's Any driver decodes SQLite's REAL only as f64.
        .bind(turn.emotion_score.map(f64::from))
        .bind(&turn.generator)
        .bind(now)
        .bind(i64::try_from(turn.llm_tokens).unwrap_or(i64::MAX))
        .bind(turn.prompt_format.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        let binding = Binding {
            user_ref,
            row: turn_id,
        };
        sqlx::query("UPDATE messages SET user_text = $1, reply = $2 WHERE id = $3")
            .bind(self.cipher.seal(Field::UserText, binding, &turn.user_text))
            .bind(
                turn.reply
                    .as_deref()
                    .map(|reply| self.cipher.seal(Field::Reply, binding, reply)),
            )
            .bind(turn_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(turn_id)
    }

    /// The user's most recent `limit` turns, oldest first.
    pub async fn recent_turns(&self, user: &UserKey, limit: i64) -> Result<Vec<Turn>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref IN {USER_ID_SUBQUERY} \
             ORDER BY m.id DESC LIMIT $3"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        // SQLite reads a negative LIMIT as "no limit", Postgres rejects it.
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        self.oldest_first(&rows)
    }

    /// The emotions read from the user's stored messages since `since`, oldest
    /// first, as codes with their times: in every chat, or in one (`chat_id`).
    /// What `/mood` counts and the trend note reads; no texts.
    pub async fn emotions_since(
        &self,
        user: &UserKey,
        since: DateTime<Utc>,
        chat_id: Option<&str>,
    ) -> Result<Vec<(DateTime<Utc>, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT m.created_at AS created_at, m.emotion_code AS emotion_code FROM messages m \
             WHERE m.user_ref IN {USER_ID_SUBQUERY} AND m.created_at > $3 \
             AND m.emotion_code IS NOT NULL AND ($4 = '' OR m.chat_id = $4) \
             ORDER BY m.created_at, m.id"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(since.timestamp_millis())
        .bind(chat_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    from_ms(row.try_get("created_at")?)?,
                    row.try_get::<String, _>("emotion_code")?,
                ))
            })
            .collect()
    }

    /// Turns of users who accepted notice `notice_version` or later, with a 👍
    /// and an emotion read at `min_score` or more, or with the emotion the
    /// user corrected ("not how I feel"), oldest first, each with
    /// up to `context` of the user's earlier messages in the same chat
    /// (oldest first): what `maeum export-training` writes.
    pub async fn training_turns(
        &self,
        notice_version: i64,
        min_score: f32,
        context: usize,
    ) -> Result<Vec<(Turn, Vec<String>)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m JOIN users u ON u.id = m.user_ref \
             WHERE u.consent_version >= $1 \
             AND ((m.feedback = 1 AND m.emotion_score >= $2) OR m.corrected_code IS NOT NULL) \
             ORDER BY m.id"
        ))
        .bind(notice_version)
        .bind(f64::from(min_score))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let turn = self.turn_from_row(row)?;
            let user_ref: i64 = row.try_get("user_ref")?;
            let earlier = sqlx::query(&format!(
                "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref = $1 AND m.chat_id = $2 \
                 AND m.id < $3 ORDER BY m.id DESC LIMIT $4"
            ))
            .bind(user_ref)
            .bind(&turn.chat_id)
            .bind(turn.id)
            .bind(i64::try_from(context).unwrap_or(0))
            .fetch_all(&self.pool)
            .await?;
            let context = self
                .oldest_first(&earlier)?
                .into_iter()
                .map(|t| t.user_text)
                .collect();
            out.push((turn, context));
        }
        Ok(out)
    }

    /// The user's latest turns in one chat, oldest first: the history a reply
    /// in that chat may draw on (a group never sees what was said in a DM).
    pub async fn recent_turns_in_chat(
        &self,
        user: &UserKey,
        chat_id: &str,
        limit: i64,
    ) -> Result<Vec<Turn>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref IN {USER_ID_SUBQUERY} \
             AND m.chat_id = $3 ORDER BY m.id DESC LIMIT $4"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(chat_id)
        // SQLite reads a negative LIMIT as "no limit", Postgres rejects it.
        .bind(limit.max(0))
        .fetch_all(&self.pool)
        .await?;
        self.oldest_first(&rows)
    }

    /// One turn, only if it belongs to `user`.
    pub async fn turn(&self, user: &UserKey, turn_id: i64) -> Result<Option<Turn>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref IN {USER_ID_SUBQUERY} AND m.id = $3"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(turn_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(|row| self.turn_from_row(row)).transpose()
    }

    /// Replaces a turn's reply (regenerate), adding the `llm_tokens` the new
    /// one used to the turn's. Returns false if no such turn of this user.
    pub async fn replace_reply(
        &self,
        user: &UserKey,
        turn_id: i64,
        reply: &str,
        generator: &str,
        prompt_format: Option<&str>,
        llm_tokens: u64,
    ) -> Result<bool, StoreError> {
        let user_ref: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT user_ref FROM messages WHERE id = $3 AND user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(turn_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(user_ref) = user_ref else {
            return Ok(false);
        };
        let binding = Binding {
            user_ref,
            row: turn_id,
        };
        let result = sqlx::query(
            "UPDATE messages SET reply = $1, generator = $2, updated_at = $3, undelivered_at = NULL, \
             llm_tokens = COALESCE(llm_tokens, 0) + $6, prompt_format = $7 WHERE id = $4 AND user_ref = $5",
        )
        .bind(self.cipher.seal(Field::Reply, binding, reply))
        .bind(generator)
        .bind(now_ms())
        .bind(turn_id)
        .bind(user_ref)
        .bind(i64::try_from(llm_tokens).unwrap_or(i64::MAX))
        .bind(prompt_format)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Records the emotion the user says their message had (an E-code);
    /// `false` when the turn is not theirs.
    pub async fn set_correction(
        &self,
        user: &UserKey,
        turn_id: i64,
        code: &str,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(&format!(
            "UPDATE messages SET corrected_code = $3, updated_at = $4 \
             WHERE id = $5 AND user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(code)
        .bind(now_ms())
        .bind(turn_id)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Marks a turn's reply as not delivered: the platform refused it after
    /// every retry. Returns false if no such turn of this user.
    pub async fn mark_undelivered(&self, user: &UserKey, turn_id: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let result = sqlx::query(&format!(
            "UPDATE messages SET undelivered_at = $4, updated_at = $4 WHERE id = $3 AND user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(turn_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Records 👍/👎 on a turn. Returns false if no such turn of this user.
    pub async fn set_feedback(
        &self,
        user: &UserKey,
        turn_id: i64,
        feedback: Feedback,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(&format!(
            "UPDATE messages SET feedback = $4, updated_at = $5 WHERE id = $3 AND user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(turn_id)
        .bind(feedback.as_i64())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Deletes the user's turns and their summaries (the user row stays).
    /// Returns how many turns were deleted.
    pub async fn clear_history(&self, user: &UserKey) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query(&format!(
            "DELETE FROM messages WHERE user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "DELETE FROM summaries WHERE user_ref IN {USER_ID_SUBQUERY}"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.flush_deletions().await;
        Ok(result.rows_affected())
    }

    /// Everything stored about the user; `None` if nothing is.
    pub async fn export(&self, user: &UserKey) -> Result<Option<UserExport>, StoreError> {
        // One transaction so the user row and the turns are one snapshot.
        let mut tx = self.pool.begin().await?;
        let user_row = sqlx::query(
            "SELECT id, display_name, created_at, consent_version, consented_at \
             FROM users WHERE platform = $1 AND user_id = $2",
        )
        .bind(&user.platform)
        .bind(&user.user_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_row) = user_row else {
            return Ok(None);
        };
        let user_ref: i64 = user_row.try_get("id")?;
        let turn_rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref = $1 ORDER BY m.id"
        ))
        .bind(user_ref)
        .fetch_all(&mut *tx)
        .await?;
        let summary_rows = sqlx::query(
            "SELECT id, user_ref, chat_id, summary, through_turn_id, covers_from, updated_at \
             FROM summaries WHERE user_ref = $1 ORDER BY chat_id",
        )
        .bind(user_ref)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(UserExport {
            platform: user.platform.clone(),
            user_id: user.user_id.clone(),
            display_name: self.open_optional(
                Field::DisplayName,
                user_binding(user_ref),
                user_row.try_get("display_name")?,
            )?,
            created_at: from_ms(user_row.try_get("created_at")?)?,
            consent_version: user_row.try_get("consent_version")?,
            consented_at: user_row
                .try_get::<Option<i64>, _>("consented_at")?
                .map(from_ms)
                .transpose()?,
            turns: turn_rows
                .iter()
                .map(|row| self.turn_from_row(row))
                .collect::<Result<_, _>>()?,
            summaries: summary_rows
                .iter()
                .map(|row| self.summary_from_row(row))
                .collect::<Result<_, _>>()?,
        }))
    }
}
