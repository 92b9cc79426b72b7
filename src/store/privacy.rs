//! The store's privacy statements: consent, retention, clearing a chat,
//! admin statistics (counts only), re-encrypting under a new data key, and
//! the check that the opt-out marker key did not change.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::Row;

use super::base::{Store, from_ms, now_ms};
use super::types::{
    Backend, Consent, EmotionDayCount, Feedback, FeedbackCount, MarkerKeyCheck, RekeyReport,
    StatsScope, StoreError, StoreStats, UserKey,
};
use crate::privacy::crypto::{Binding, Field};

const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;
/// `store_meta` row holding the marker key's check value.
const MARKER_KEY_CHECK: &str = "marker_key_check";

/// A table's one sealed text column, for [`Store::rekey`]: its binding is
/// (the `user_ref` expression, the row id).
#[derive(Clone, Copy)]
struct SealedColumn {
    table: &'static str,
    column: &'static str,
    field: Field,
    user_ref: &'static str,
}

/// Display names: a user's row is its own owner (`user_binding`).
const DISPLAY_NAMES: SealedColumn = SealedColumn {
    table: "users",
    column: "display_name",
    field: Field::DisplayName,
    user_ref: "id",
};

const SUMMARIES: SealedColumn = SealedColumn {
    table: "summaries",
    column: "summary",
    field: Field::Summary,
    user_ref: "user_ref",
};

impl Store {
    /// The user's recorded acceptance of the privacy notice, if any.
    pub async fn consent(&self, user: &UserKey) -> Result<Option<Consent>, StoreError> {
        let row = sqlx::query(
            "SELECT consent_version, consented_at FROM users WHERE platform = $1 AND user_id = $2",
        )
        .bind(&user.platform)
        .bind(&user.user_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let version: Option<i64> = row.try_get("consent_version")?;
        let at: Option<i64> = row.try_get("consented_at")?;
        match (version, at) {
            (Some(version), Some(at)) => Ok(Some(Consent {
                version,
                at: from_ms(at)?,
            })),
            _ => Ok(None),
        }
    }

    /// Records that the user accepted notice `version` now (creating their row).
    ///
    /// Fails with [`StoreError::OptedOut`] for an opted-out user.
    pub async fn record_consent(
        &self,
        user: &UserKey,
        version: i64,
    ) -> Result<Consent, StoreError> {
        let at = now_ms();
        let mut tx = self.pool.begin().await?;
        let user_ref = self.upsert_user_in(&mut tx, user, None).await?;
        sqlx::query("UPDATE users SET consent_version = $1, consented_at = $2 WHERE id = $3")
            .bind(version)
            .bind(at)
            .bind(user_ref)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Consent {
            version,
            at: from_ms(at)?,
        })
    }

    /// Deletes every message created before `cutoff`; returns how many.
    pub async fn delete_messages_older_than(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM messages WHERE created_at < $1")
            .bind(cutoff.timestamp_millis())
            .execute(&self.pool)
            .await?;
        if result.rows_affected() > 0 {
            self.flush_deletions().await;
        }
        Ok(result.rows_affected())
    }

    /// Deletes the messages sent in one chat of one platform, and their
    /// summaries; returns how many messages.
    pub async fn clear_chat(&self, platform: &str, chat_id: &str) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let result = sqlx::query(
            "DELETE FROM messages WHERE chat_id = $1 \
             AND user_ref IN (SELECT id FROM users WHERE platform = $2)",
        )
        .bind(chat_id)
        .bind(platform)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM summaries WHERE chat_id = $1 \
             AND user_ref IN (SELECT id FROM users WHERE platform = $2)",
        )
        .bind(chat_id)
        .bind(platform)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.flush_deletions().await;
        Ok(result.rows_affected())
    }

    /// Counts for admins: users, messages, emotion codes per UTC day since
    /// `since`. `notice_version`: the version `consented_users` counts.
    pub async fn stats(
        &self,
        scope: &StatsScope,
        since: DateTime<Utc>,
        notice_version: i64,
    ) -> Result<StoreStats, StoreError> {
        let since_ms = since.timestamp_millis();
        let chat = match scope {
            StatsScope::All => None,
            StatsScope::Chat { platform, chat_id } => Some((chat_id.as_str(), platform.as_str())),
        };
        // The chat condition, its parameters numbered from `first`.
        let chat_filter = |first: usize| match chat {
            None => String::new(),
            Some(_) => format!(
                " AND m.chat_id = ${first} AND m.user_ref IN (SELECT id FROM users WHERE platform = ${})",
                first + 1
            ),
        };
        let count = |sql: String, since: Option<i64>| {
            let pool = &self.pool;
            async move {
                let mut query = sqlx::query_scalar::<_, i64>(&sql);
                if let Some(since) = since {
                    query = query.bind(since);
                }
                if let Some((chat_id, platform)) = chat {
                    query = query.bind(chat_id).bind(platform);
                }
                query.fetch_one(pool).await
            }
        };
        let messages = count(
            format!(
                "SELECT COUNT(*) FROM messages m WHERE 1 = 1{}",
                chat_filter(1)
            ),
            None,
        )
        .await?;
        let messages_since = count(
            format!(
                "SELECT COUNT(*) FROM messages m WHERE m.created_at >= $1{}",
                chat_filter(2)
            ),
            Some(since_ms),
        )
        .await?;
        let (users, consented_users, opted_out) = match chat {
            Some(_) => {
                let users = count(
                    format!(
                        "SELECT COUNT(DISTINCT m.user_ref) FROM messages m WHERE 1 = 1{}",
                        chat_filter(1)
                    ),
                    None,
                )
                .await?;
                (users, None, None)
            }
            None => {
                let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await?;
                let consented: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE consent_version >= $1")
                        .bind(notice_version)
                        .fetch_one(&self.pool)
                        .await?;
                let opted_out: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM opt_outs")
                    .fetch_one(&self.pool)
                    .await?;
                (users, Some(consented), Some(opted_out))
            }
        };

        let sql = format!(
            "SELECT m.created_at / {MS_PER_DAY} AS day, m.emotion_code AS code, COUNT(*) AS n \
             FROM messages m WHERE m.created_at >= $1{} GROUP BY 1, 2",
            chat_filter(2)
        );
        let mut query = sqlx::query(&sql).bind(since_ms);
        if let Some((chat_id, platform)) = chat {
            query = query.bind(chat_id).bind(platform);
        }
        let mut emotions_by_day = Vec::new();
        for row in query.fetch_all(&self.pool).await? {
            let day: i64 = row.try_get("day")?;
            emotions_by_day.push(EmotionDayCount {
                day: from_ms(day * MS_PER_DAY)?.date_naive(),
                emotion_code: row.try_get("code")?,
                messages: row.try_get("n")?,
            });
        }
        emotions_by_day.sort_by(|a, b| (a.day, &a.emotion_code).cmp(&(b.day, &b.emotion_code)));
        Ok(StoreStats {
            users,
            consented_users,
            opted_out,
            messages,
            messages_since,
            emotions_by_day,
        })
    }

    /// Turns stored since `since` that got a reply, counted by platform,
    /// generator, prompt format, emotion and feedback (the feedback report).
    pub async fn feedback_counts(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<FeedbackCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT u.platform AS platform, m.generator AS generator, m.prompt_format AS prompt_format, \
             m.emotion_code AS code, m.feedback AS feedback, \
             CASE WHEN m.corrected_code IS NULL THEN 0 ELSE 1 END AS corrected, COUNT(*) AS n \
             FROM messages m JOIN users u ON u.id = m.user_ref \
             WHERE m.created_at >= $1 AND m.reply IS NOT NULL \
             GROUP BY u.platform, m.generator, m.prompt_format, m.emotion_code, m.feedback, \
             CASE WHEN m.corrected_code IS NULL THEN 0 ELSE 1 END",
        )
        .bind(since.timestamp_millis())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(FeedbackCount {
                    platform: row.try_get("platform")?,
                    generator: row.try_get("generator")?,
                    prompt_format: row.try_get("prompt_format")?,
                    emotion_code: row.try_get("code")?,
                    feedback: row
                        .try_get::<Option<i64>, _>("feedback")?
                        .and_then(Feedback::from_i64),
                    corrected: row.try_get::<i64, _>("corrected")? != 0,
                    turns: row.try_get("n")?,
                })
            })
            .collect()
    }

    /// Rewrites every stored text not yet under the current data key (older
    /// keys, or plaintext from before a key was set), `batch` rows at a time.
    /// Rows written meanwhile by the bot are left alone: they are current. A
    /// row that cannot be opened is left as it is, reported, and the rest are
    /// rekeyed all the same.
    pub async fn rekey(&self, batch: i64) -> Result<RekeyReport, StoreError> {
        if !self.cipher.encrypts() {
            return Err(StoreError::NoDataKey);
        }
        let batch = batch.max(1);
        let mut report = RekeyReport::default();

        let mut after = 0_i64;
        loop {
            let rows = self
                .page_after(
                    "SELECT id, user_ref, user_text, reply FROM messages WHERE id > $1 ORDER BY id LIMIT $2",
                    after,
                    batch,
                )
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let binding = Binding {
                    user_ref: row.try_get("user_ref")?,
                    row: id,
                };
                let text: String = row.try_get("user_text")?;
                let reply: Option<String> = row.try_get("reply")?;
                let reply_current = reply.as_deref().is_none_or(|r| self.cipher.is_current(r));
                if self.cipher.is_current(&text) && reply_current {
                    continue;
                }
                let resealed = self
                    .resealed(Field::UserText, binding, &text)
                    .and_then(|text| {
                        let reply = reply
                            .as_deref()
                            .map(|r| self.resealed(Field::Reply, binding, r))
                            .transpose()?;
                        Ok((text, reply))
                    });
                let (new_text, new_reply) = match resealed {
                    Ok(values) => values,
                    Err(error) => {
                        report.note_unreadable(format!("messages:{id}"), &error);
                        continue;
                    }
                };
                let updated = sqlx::query(
                    "UPDATE messages SET user_text = $1, reply = $2 WHERE id = $3 AND user_text = $4 \
                     AND (reply = $5 OR (reply IS NULL AND $5 IS NULL))",
                )
                .bind(new_text)
                .bind(new_reply)
                .bind(id)
                .bind(&text)
                .bind(reply.as_deref())
                .execute(&self.pool)
                .await?;
                match updated.rows_affected() {
                    0 => report.skipped += 1,
                    _ => report.messages += 1,
                }
            }
        }

        report.users = self
            .rekey_column(&DISPLAY_NAMES, batch, &mut report)
            .await?;
        report.summaries = self.rekey_column(&SUMMARIES, batch, &mut report).await?;
        self.flush_deletions().await;
        Ok(report)
    }

    /// Rekeys one sealed text column, `batch` rows at a time, as
    /// [`Store::rekey`] does; returns how many rows were rewritten (a row
    /// changed meanwhile is counted as skipped, one that cannot be opened is
    /// reported).
    async fn rekey_column(
        &self,
        sealed: &SealedColumn,
        batch: i64,
        report: &mut RekeyReport,
    ) -> Result<u64, StoreError> {
        let SealedColumn {
            table,
            column,
            field,
            user_ref,
        } = *sealed;
        let select = format!(
            "SELECT id, {user_ref} AS user_ref, {column} AS text FROM {table} \
             WHERE {column} IS NOT NULL AND id > $1 ORDER BY id LIMIT $2"
        );
        let update = format!("UPDATE {table} SET {column} = $1 WHERE id = $2 AND {column} = $3");
        let mut rewritten = 0;
        let mut after = 0_i64;
        loop {
            let rows = self.page_after(&select, after, batch).await?;
            let Some(last) = rows.last() else { break };
            after = last.try_get("id")?;
            for row in &rows {
                let id: i64 = row.try_get("id")?;
                let text: String = row.try_get("text")?;
                if self.cipher.is_current(&text) {
                    continue;
                }
                let binding = Binding {
                    user_ref: row.try_get("user_ref")?,
                    row: id,
                };
                let new_text = match self.resealed(field, binding, &text) {
                    Ok(text) => text,
                    Err(error) => {
                        report.note_unreadable(format!("{table}:{id}"), &error);
                        continue;
                    }
                };
                let updated = sqlx::query(&update)
                    .bind(new_text)
                    .bind(id)
                    .bind(&text)
                    .execute(&self.pool)
                    .await?;
                match updated.rows_affected() {
                    0 => report.skipped += 1,
                    _ => rewritten += 1,
                }
            }
        }
        Ok(rewritten)
    }

    /// One page of a rekey scan: the rows of `sql` (ordered by id, `$1` the
    /// last id seen, `$2` the page size).
    async fn page_after(
        &self,
        sql: &str,
        after: i64,
        batch: i64,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        Ok(sqlx::query(sql)
            .bind(after)
            .bind(batch)
            .fetch_all(&self.pool)
            .await?)
    }

    /// `stored` in the current form: as it is if already current, else opened and sealed again.
    fn resealed(&self, field: Field, binding: Binding, stored: &str) -> Result<String, StoreError> {
        if self.cipher.is_current(stored) {
            return Ok(stored.to_string());
        }
        let text = self
            .cipher
            .open_to_reseal(field, binding, stored.to_string())?;
        Ok(self.cipher.seal(field, binding, &text))
    }

    /// Compares the opt-out marker key with the one this database was used
    /// with (a check value in `store_meta`), recording it on first use.
    /// A different key while markers exist is an error: under it, every
    /// opted-out user would look new and be stored again.
    pub async fn verify_marker_key(&self) -> Result<MarkerKeyCheck, StoreError> {
        let check = self.marker_key_check();
        let stored = self.stored_marker_key_check().await?;
        let outcome = match stored {
            Some(value) if value == check => return Ok(MarkerKeyCheck::Same),
            Some(_) => None,
            None => {
                sqlx::query(
                    "INSERT INTO store_meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                )
                .bind(MARKER_KEY_CHECK)
                .bind(&check)
                .execute(&self.pool)
                .await?;
                // Another process may have recorded its key first.
                (self.stored_marker_key_check().await?.as_deref() == Some(check.as_str()))
                    .then_some(MarkerKeyCheck::Recorded)
            }
        };
        if let Some(outcome) = outcome {
            return Ok(outcome);
        }
        let markers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM opt_outs")
            .fetch_one(&self.pool)
            .await?;
        if markers > 0 {
            return Err(StoreError::MarkerKeyChanged { markers });
        }
        // On a shared database another replica may be running under the
        // recorded key: replacing it would split the opt-outs between keys.
        if self.backend() == Backend::Postgres {
            return Err(StoreError::MarkerKeyDiffers);
        }
        sqlx::query("UPDATE store_meta SET value = $1 WHERE name = $2")
            .bind(&check)
            .bind(MARKER_KEY_CHECK)
            .execute(&self.pool)
            .await?;
        Ok(MarkerKeyCheck::Replaced)
    }

    async fn stored_marker_key_check(&self) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT value FROM store_meta WHERE name = $1")
                .bind(MARKER_KEY_CHECK)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// A keyed hash of a fixed string: tells keys apart without revealing them.
    fn marker_key_check(&self) -> String {
        // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.marker_key)
            .expect("HMAC accepts keys of any length");
        mac.update(b"maeum opt-out marker key check v1");
        hex::encode(mac.finalize().into_bytes())
    }
}
