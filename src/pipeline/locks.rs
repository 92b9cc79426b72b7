//! One turn at a time per user: a lock per user, held for the whole turn —
//! in this process, and across processes on one Postgres database through
//! the store's turn lease. A turn whose lease could not be taken, or was
//! lost, answers without reading or writing the stored conversation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as TurnMutex, OwnedMutexGuard};

use tracing::error;

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
    shared: Shared,
}

enum Shared {
    /// One process owns the database (SQLite): the local lock is the lock.
    NotNeeded,
    Held(TurnLock),
    /// The database lease could not be taken: the turn must not read or
    /// write shared state (it answers without memory).
    Failed,
}

impl TurnGuard {
    /// The local lock first, so a process waits on the database for at most
    /// one turn per user.
    pub(crate) async fn acquire(locks: &UserLocks, store: &Store, user: &UserKey) -> TurnGuard {
        let local = locks.acquire(user).await;
        let shared = match store.lock_turn(user).await {
            Ok(Some(lock)) => Shared::Held(lock),
            Ok(None) => Shared::NotNeeded,
            Err(error) => {
                error!(%error, platform = %user.platform, "taking the turn lock failed; answering without memory");
                Shared::Failed
            }
        };
        TurnGuard {
            _local: local,
            shared,
        }
    }

    /// Whether the turn may read and write the user's stored conversation:
    /// its lock is held (and was not lost meanwhile).
    pub(crate) fn holds(&self) -> bool {
        match &self.shared {
            Shared::NotNeeded => true,
            Shared::Held(lock) => lock.is_held(),
            Shared::Failed => false,
        }
    }

    pub(crate) async fn release(self) {
        if let Shared::Held(lock) = self.shared {
            lock.release().await;
        }
    }
}
