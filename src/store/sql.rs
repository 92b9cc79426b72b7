//! The sqlx implementation of [`Store`].

use super::*;

/// A connection pool to the conversation database.
#[derive(Clone)]
pub struct Store {
    pool: sqlx::AnyPool,
    backend: Backend,
    /// Key of the keyed hash that marks opted-out users without keeping their id.
    marker_key: Vec<u8>,
}

impl Store {
    /// Connects to `url` (`sqlite:PATH`, `sqlite::memory:`, `postgres://…`),
    /// creating a SQLite file and its directory if needed. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let _ = url;
        todo!()
    }

    /// Uses `key` for the opt-out markers instead of the built-in default.
    pub fn with_marker_key(mut self, key: &[u8]) -> Store {
        self.marker_key = key.to_vec();
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for tests and admin tooling that need raw SQL.
    pub fn pool(&self) -> &sqlx::AnyPool {
        &self.pool
    }

    /// Applies the embedded migrations for this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        todo!()
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        todo!()
    }

    pub async fn is_opted_out(&self, user: &UserKey) -> Result<bool, StoreError> {
        let _ = user;
        todo!()
    }

    /// Deletes every row about the user in one transaction and keeps only a
    /// keyed-hash marker, so nothing is stored again until [`Store::opt_in`].
    pub async fn opt_out(&self, user: &UserKey) -> Result<(), StoreError> {
        let _ = user;
        todo!()
    }

    /// Removes the opt-out marker. Returns whether the user had opted out.
    pub async fn opt_in(&self, user: &UserKey) -> Result<bool, StoreError> {
        let _ = user;
        todo!()
    }

    /// Creates the user's row or refreshes its display name; returns its id.
    pub async fn upsert_user(
        &self,
        user: &UserKey,
        display_name: Option<&str>,
    ) -> Result<i64, StoreError> {
        let _ = (user, display_name);
        todo!()
    }

    /// Stores a turn (creating the user's row if needed); returns the turn id.
    pub async fn insert_turn(&self, user: &UserKey, turn: &NewTurn) -> Result<i64, StoreError> {
        let _ = (user, turn);
        todo!()
    }

    /// The user's most recent `limit` turns, oldest first.
    pub async fn recent_turns(&self, user: &UserKey, limit: i64) -> Result<Vec<Turn>, StoreError> {
        let _ = (user, limit);
        todo!()
    }

    /// One turn, only if it belongs to `user`.
    pub async fn turn(&self, user: &UserKey, turn_id: i64) -> Result<Option<Turn>, StoreError> {
        let _ = (user, turn_id);
        todo!()
    }

    /// Replaces a turn's reply (regenerate). Returns false if no such turn of this user.
    pub async fn replace_reply(
        &self,
        user: &UserKey,
        turn_id: i64,
        reply: &str,
        generator: &str,
    ) -> Result<bool, StoreError> {
        let _ = (user, turn_id, reply, generator);
        todo!()
    }

    /// Records 👍/👎 on a turn. Returns false if no such turn of this user.
    pub async fn set_feedback(
        &self,
        user: &UserKey,
        turn_id: i64,
        feedback: Feedback,
    ) -> Result<bool, StoreError> {
        let _ = (user, turn_id, feedback);
        todo!()
    }

    /// Deletes the user's turns (the user row stays). Returns how many were deleted.
    pub async fn clear_history(&self, user: &UserKey) -> Result<u64, StoreError> {
        let _ = user;
        todo!()
    }

    /// Everything stored about the user; `None` if nothing is.
    pub async fn export(&self, user: &UserKey) -> Result<Option<UserExport>, StoreError> {
        let _ = user;
        todo!()
    }
}
