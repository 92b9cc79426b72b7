//! One turn at a time per user: a lock per user, held for the whole turn.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as TurnMutex, OwnedMutexGuard};

use crate::store::UserKey;

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
