//! What lets several processes share one database: a per-user turn lock held
//! across processes (a Postgres advisory lock), and finding the turn a
//! platform message already produced. The pool the locks are held on is
//! connected with the store, in `base`.

use sha2::{Digest, Sha256};

use super::base::{Store, TURN_COLUMNS, USER_ID_SUBQUERY};
use super::types::{StoreError, Turn, UserKey};

/// A turn of one user, held across every process on the database until
/// released or dropped (the transaction ends, and with it the lock).
pub struct TurnLock {
    transaction: sqlx::Transaction<'static, sqlx::Any>,
}

impl TurnLock {
    /// Ends the turn now rather than when the connection is next used.
    pub async fn release(self) {
        if let Err(error) = self.transaction.rollback().await {
            tracing::warn!(%error, "releasing a turn lock failed; it ends with its connection");
        }
    }
}

/// The advisory lock key of `user`: 64 bits of a hash, so distinct users
/// practically never share one (a shared key would only serialise them).
fn lock_key(user: &UserKey) -> i64 {
    let digest = Sha256::new()
        .chain_update(user.platform.as_bytes())
        .chain_update([0u8])
        .chain_update(user.user_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}

impl Store {
    /// Waits until no other process runs a turn of `user`, and holds that
    /// until the [`TurnLock`] is released or dropped. `None` on SQLite, whose
    /// file one process owns (replicas need Postgres).
    pub async fn lock_turn(&self, user: &UserKey) -> Result<Option<TurnLock>, StoreError> {
        let Some(pool) = &self.lock_pool else {
            return Ok(None);
        };
        let mut transaction = pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(lock_key(user))
            .execute(&mut *transaction)
            .await?;
        Ok(Some(TurnLock { transaction }))
    }

    /// The turn stored for the platform message `platform_message_id` of
    /// `user` in `chat_id` with the text `user_text`, if it was answered
    /// already: a redelivery. The same id with another text is a new message
    /// (stored texts may be sealed, so they are compared once opened).
    pub async fn turn_by_message(
        &self,
        user: &UserKey,
        chat_id: &str,
        platform_message_id: &str,
        user_text: &str,
    ) -> Result<Option<Turn>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {TURN_COLUMNS} FROM messages m WHERE m.user_ref IN {USER_ID_SUBQUERY} \
             AND m.chat_id = $3 AND m.platform_message_id = $4 ORDER BY m.id"
        ))
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(chat_id)
        .bind(platform_message_id)
        .fetch_all(&self.pool)
        .await?;
        for row in &rows {
            let turn = self.turn_from_row(row)?;
            if turn.user_text == user_text {
                return Ok(Some(turn));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_separate_platforms_and_users() {
        let a = lock_key(&UserKey::new("http", "12"));
        assert_eq!(a, lock_key(&UserKey::new("http", "12")));
        assert_ne!(a, lock_key(&UserKey::new("http1", "2")));
        assert_ne!(a, lock_key(&UserKey::new("telegram", "12")));
    }
}
