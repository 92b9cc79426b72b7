//! One turn at a time per user: a lock per user, held for the whole turn —
//! in this process, and across processes on one Postgres database through
//! the store's turn lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as TurnMutex, OwnedMutexGuard};

use tracing::warn;

use crate::store::{Store, TurnLock, UserKey};

#[derive(Default)]
pub(crate) struct UserLocks {
    locks: Mutex<HashMap<UserKey, Arc<TurnMutex<()>>>>,
}

/// Entries kept before idle ones are dropped.
const PRUNE_ABOVE: usize = 1024;

impl UserLocks {
    /// Waits until no other turn of `user` runs; the turn lasts while the guard lives.
    /// Waiters are served in the order they arrived (tokio's mutex is fair).
    pub(crate) async fn acquire(&self, user: &UserKey) -> OwnedMutexGuard<()> {
        let lock = {
            // A poisoned map only means another thread panicked mid-insert; the map is still usable.
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            if locks.len() > PRUNE_ABOVE {
                locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            }
            locks.entry(user.clone()).or_default().clone()
        };
        lock.lock_owned().await
    }
}

/// A turn in progress: no other turn of the same user runs, here or in
/// another process on the same database, until it is released or dropped.
pub(crate) struct TurnGuard {
    _local: OwnedMutexGuard<()>,
    shared: Option<TurnLock>,
}

impl TurnGuard {
    /// The local lock first, so a process waits on the database for at most
    /// one turn per user.
    pub(crate) async fn acquire(locks: &UserLocks, store: &Store, user: &UserKey) -> TurnGuard {
        let local = locks.acquire(user).await;
        let shared = match store.lock_turn(user).await {
            Ok(lock) => lock,
            Err(error) => {
                // Better a reply out of step with another replica than none.
                warn!(%error, platform = %user.platform, "taking the turn lock failed; going on without it");
                None
            }
        };
        TurnGuard {
            _local: local,
            shared,
        }
    }

    pub(crate) async fn release(self) {
        if let Some(shared) = self.shared {
            shared.release().await;
        }
    }
}
