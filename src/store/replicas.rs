//! What lets several processes share one database: a per-user turn lock held
//! across processes, and finding the turn a platform message already
//! produced.
//!
//! The lock is a lease row (`turn_leases`): taken by an upsert that succeeds
//! only when no live lease exists, with a fencing number that grows with
//! each taking; renewed in the background while the turn runs; released by
//! deleting it. No connection is held while the turn waits on the language
//! model, so a process can run as many turns at once as it has users, on a
//! small pool. A lease whose holder died expires after [`LEASE`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::base::{Store, TURN_COLUMNS, USER_ID_SUBQUERY, now_ms};
use super::types::{Backend, StoreError, Turn, UserKey};

/// How long a lease lives without renewal: a process that died holding one
/// delays that user's next turn by at most this.
const LEASE: Duration = Duration::from_secs(30);
/// How often a held lease is renewed.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// Waiting for another process's turn of the same user: polls from the
/// first interval, doubling up to the last, for at most [`MAX_WAIT`].
const POLL_FIRST: Duration = Duration::from_millis(10);
const POLL_MAX: Duration = Duration::from_millis(250);
/// Longer than any turn (the LLM deadline and delivery) plus a dead
/// holder's [`LEASE`]: past it the lock is reported as not taken.
const MAX_WAIT: Duration = Duration::from_secs(180);

/// A turn of one user, held across every process on the database until
/// released or dropped (dropped: it stops being renewed and expires).
pub struct TurnLock {
    store: Store,
    key: i64,
    holder: String,
    fence: i64,
    lost: Arc<AtomicBool>,
    renewal: JoinHandle<()>,
}

impl TurnLock {
    /// Whether the lease is still this turn's: it was renewed in time and
    /// nobody took it over. A turn that lost it must not write.
    pub fn is_held(&self) -> bool {
        !self.lost.load(Ordering::SeqCst)
    }

    /// The lease's fencing number: larger for every later holder.
    pub fn fence(&self) -> i64 {
        self.fence
    }

    /// Ends the turn now rather than when the lease expires.
    pub async fn release(self) {
        self.renewal.abort();
        let released = sqlx::query(
            "DELETE FROM turn_leases WHERE lock_key = $1 AND holder = $2 AND fence = $3",
        )
        .bind(self.key)
        .bind(&self.holder)
        .bind(self.fence)
        .execute(&self.store.pool)
        .await;
        if let Err(error) = released {
            tracing::warn!(%error, "releasing a turn lease failed; it expires on its own");
        }
    }
}

impl Drop for TurnLock {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl Store {
    /// The lease key of `user`: 64 bits of a keyed hash (under the marker
    /// key, so a lease left by a dead process tells nothing of whose it was),
    /// so distinct users practically never share one (that would only
    /// serialise them).
    fn lock_key(&self, user: &UserKey) -> i64 {
        let marker =
            self.keyed_marker(&[b"lease", user.platform.as_bytes(), user.user_id.as_bytes()]);
        // The marker is 64 hex digits; its first 16 are 64 bits.
        u64::from_str_radix(&marker[..16], 16).map_or(0, |bits| bits as i64)
    }

    /// Deletes the leases that expired (left by processes that died); returns how many.
    pub async fn delete_expired_leases(&self) -> Result<u64, StoreError> {
        let result = sqlx::query("DELETE FROM turn_leases WHERE expires_at < $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    /// Waits until no other process runs a turn of `user`, and holds that
    /// until the [`TurnLock`] is released or dropped. `None` on SQLite, whose
    /// file one process owns (replicas need Postgres). An error when the
    /// lease could not be taken (the database failed, or another holder kept
    /// it past [`MAX_WAIT`]): the turn must then not touch shared state.
    pub async fn lock_turn(&self, user: &UserKey) -> Result<Option<TurnLock>, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let key = self.lock_key(user);
        let holder = format!("{:016x}", rand::random::<u64>());
        let started = tokio::time::Instant::now();
        let mut poll = POLL_FIRST;
        loop {
            if let Some(fence) = self.try_lease(key, &holder).await? {
                let lost = Arc::new(AtomicBool::new(false));
                let renewal = tokio::spawn(renew(
                    self.clone(),
                    key,
                    holder.clone(),
                    fence,
                    lost.clone(),
                ));
                return Ok(Some(TurnLock {
                    store: self.clone(),
                    key,
                    holder,
                    fence,
                    lost,
                    renewal,
                }));
            }
            if started.elapsed() >= MAX_WAIT {
                return Err(StoreError::LockTimeout(MAX_WAIT.as_secs()));
            }
            tokio::time::sleep(poll).await;
            poll = (poll * 2).min(POLL_MAX);
        }
    }

    /// Takes the lease of `key` for `holder` if nobody holds a live one;
    /// its fencing number, or `None` when it is held.
    async fn try_lease(&self, key: i64, holder: &str) -> Result<Option<i64>, StoreError> {
        let now = now_ms();
        let fence: Option<i64> = sqlx::query_scalar(
            "INSERT INTO turn_leases (lock_key, holder, fence, expires_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (lock_key) DO UPDATE SET holder = excluded.holder, \
             fence = turn_leases.fence + 1, expires_at = excluded.expires_at \
             WHERE turn_leases.expires_at < $4 RETURNING fence",
        )
        .bind(key)
        .bind(holder)
        .bind(now + ms(LEASE))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(fence)
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

/// Keeps a held lease alive until aborted; marks it `lost` when a renewal
/// finds it gone (expired and taken over) or cannot reach the database
/// before it would expire.
async fn renew(store: Store, key: i64, holder: String, fence: i64, lost: Arc<AtomicBool>) {
    let mut last_renewed = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let renewed = sqlx::query(
            "UPDATE turn_leases SET expires_at = $4 \
             WHERE lock_key = $1 AND holder = $2 AND fence = $3",
        )
        .bind(key)
        .bind(&holder)
        .bind(fence)
        .bind(now_ms() + ms(LEASE))
        .execute(&store.pool)
        .await;
        match renewed {
            Ok(done) if done.rows_affected() == 1 => last_renewed = tokio::time::Instant::now(),
            Ok(_) => {
                tracing::error!("a turn lease was lost (expired and taken over)");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(error) if last_renewed.elapsed() + RENEW_EVERY >= LEASE => {
                tracing::error!(%error, "a turn lease could not be renewed before expiring");
                lost.store(true, Ordering::SeqCst);
                return;
            }
            Err(error) => tracing::warn!(%error, "renewing a turn lease failed; trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lock_keys_separate_platforms_and_users_under_the_marker_key() {
        let store = Store::connect("sqlite::memory:").await.unwrap();
        let a = store.lock_key(&UserKey::new("http", "12"));
        assert_eq!(a, store.lock_key(&UserKey::new("http", "12")));
        assert_ne!(a, store.lock_key(&UserKey::new("http1", "2")));
        assert_ne!(a, store.lock_key(&UserKey::new("telegram", "12")));
        let rekeyed = store.with_marker_key(b"another key");
        assert_ne!(a, rekeyed.lock_key(&UserKey::new("http", "12")));
    }
}
