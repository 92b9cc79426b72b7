//! The base of the store, which the other store files build on: the
//! [`Store`] struct, connecting (SQLite, Postgres and the Postgres turn-lock
//! pool) and migrating, the SQL fragments and row readers shared by the
//! statement files, and the timestamp conversions.
//!
//! Every statement in the store is written once and runs on both backends:
//! `$n` placeholders (sqlx's SQLite driver maps `$n` to the n-th argument),
//! `ON CONFLICT` upserts and `RETURNING` (SQLite ≥ 3.35, which sqlx bundles).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Executor, Row};

use super::types::{Backend, Feedback, StoreError, Turn, UserKey};
use crate::privacy::crypto::{Binding, DataCipher, Field};

/// Key of the opt-out markers until [`Store::with_marker_key`] sets one. The
/// app always does (`MAEUM_MARKER_KEY` or `data/marker.key`, see
/// `privacy::marker_key`); this default serves library use and tests.
const DEFAULT_MARKER_KEY: &[u8] = b"maeum opt-out marker v1";

/// Pool size for Postgres and SQLite files. SQLite writers still take turns
/// (sqlx's busy timeout makes them wait); WAL lets reads run beside the writer.
const MAX_CONNECTIONS: u32 = 8;

/// The columns of a [`Turn`], for `messages m`.
pub(super) const TURN_COLUMNS: &str = "m.id AS id, m.user_ref AS user_ref, m.chat_id AS chat_id, m.platform_message_id AS platform_message_id, \
     m.user_text AS user_text, m.emotion_code AS emotion_code, m.emotion_score AS emotion_score, \
     m.reply AS reply, m.generator AS generator, m.feedback AS feedback, \
     m.undelivered_at AS undelivered_at, m.llm_tokens AS llm_tokens, m.corrected_code AS corrected_code, \
     m.created_at AS created_at, m.updated_at AS updated_at";

/// `$1`, `$2`: the user's (platform, user_id).
pub(super) const USER_ID_SUBQUERY: &str =
    "(SELECT id FROM users WHERE platform = $1 AND user_id = $2)";

/// A connection pool to the conversation database.
#[derive(Clone)]
pub struct Store {
    pub(super) pool: sqlx::AnyPool,
    backend: Backend,
    /// The SQLite file, for a file database (`/privacy` says where data lives).
    sqlite_file: Option<std::path::PathBuf>,
    /// Key of the keyed hash that marks opted-out users without keeping their id.
    pub(super) marker_key: Vec<u8>,
    /// Seals texts on write and opens them on read.
    pub(super) cipher: DataCipher,
}

impl Store {
    /// Connects to `url` (`sqlite:PATH`, `sqlite::memory:`, `postgres://…`),
    /// creating a SQLite file and its directory if needed. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, MAX_CONNECTIONS).await
    }

    /// [`Store::connect`] with a pool of up to `max_connections` (Postgres;
    /// a SQLite file has its own pool size, since it has one writer).
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, pool) = if url.starts_with("sqlite:") {
            (Backend::Sqlite, connect_sqlite(url).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(max_connections.max(1))
                .connect(url)
                .await?;
            (Backend::Postgres, pool)
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        tracing::debug!(backend = ?backend, "connected to the conversation database");
        let sqlite_file = url
            .strip_prefix("sqlite:")
            .map(|path| {
                path.split('?')
                    .next()
                    .unwrap_or(path)
                    .trim_start_matches("//")
            })
            .filter(|path| !path.is_empty() && !path.starts_with(':'))
            .map(std::path::PathBuf::from);
        Ok(Store {
            pool,
            backend,
            sqlite_file,
            marker_key: DEFAULT_MARKER_KEY.to_vec(),
            cipher: DataCipher::plaintext(),
        })
    }

    /// Encrypts texts with `cipher` from now on (and reads its keys' envelopes).
    pub fn with_cipher(mut self, cipher: DataCipher) -> Store {
        self.cipher = cipher;
        self
    }

    /// Whether texts are written encrypted.
    pub fn encrypts_texts(&self) -> bool {
        self.cipher.encrypts()
    }

    /// Uses `key` for the opt-out markers instead of the built-in default.
    pub fn with_marker_key(mut self, key: &[u8]) -> Store {
        self.marker_key = key.to_vec();
        self
    }

    /// The SQLite file of a file database (`None` for Postgres or in memory).
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
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
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Upserts the user's row inside `tx` and returns its id, or
    /// [`StoreError::OptedOut`] (the caller's transaction then rolls back on drop).
    pub(super) async fn upsert_user_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        user: &UserKey,
        display_name: Option<&str>,
    ) -> Result<i64, StoreError> {
        // Write first, then check the marker inside the same transaction: the
        // write takes SQLite's lock (or Postgres's row lock) so an opt-out
        // cannot slip in between the check and the insert.
        // The row first: a display name is sealed bound to it.
        let user_ref: i64 = sqlx::query_scalar(
            "INSERT INTO users (platform, user_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (platform, user_id) DO UPDATE SET platform = excluded.platform \
             RETURNING id",
        )
        .bind(&user.platform)
        .bind(&user.user_id)
        .bind(now_ms())
        .fetch_one(&mut **tx)
        .await?;
        if let Some(name) = display_name {
            sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
                .bind(
                    self.cipher
                        .seal(Field::DisplayName, user_binding(user_ref), name),
                )
                .bind(user_ref)
                .execute(&mut **tx)
                .await?;
        }
        let opted_out = sqlx::query("SELECT 1 FROM opt_outs WHERE marker = $1")
            .bind(self.opt_out_marker(user))
            .fetch_optional(&mut **tx)
            .await?
            .is_some();
        if opted_out {
            return Err(StoreError::OptedOut);
        }
        Ok(user_ref)
    }

    /// Rows selected newest first, as turns oldest first.
    /// A turn whose text cannot be opened (unencrypted under a key, altered,
    /// copied from elsewhere, under a key not configured) is left out and
    /// reported, so the rest of the history still reads.
    pub(super) fn oldest_first(&self, rows: &[sqlx::any::AnyRow]) -> Result<Vec<Turn>, StoreError> {
        let mut turns = Vec::with_capacity(rows.len());
        for row in rows {
            match self.turn_from_row(row) {
                Ok(turn) => turns.push(turn),
                Err(error @ StoreError::Crypto(_)) => {
                    let id: i64 = row.try_get("id")?;
                    tracing::warn!(turn_id = id, %error, "a stored turn cannot be opened; left out");
                }
                Err(other) => return Err(other),
            }
        }
        turns.reverse();
        Ok(turns)
    }

    pub(super) fn turn_from_row(&self, row: &AnyRow) -> Result<Turn, StoreError> {
        let feedback = match row.try_get::<Option<i64>, _>("feedback")? {
            None => None,
            Some(value) => Some(Feedback::from_i64(value).ok_or_else(|| {
                StoreError::Database(sqlx::Error::Decode(
                    format!("feedback must be 1 or -1, not {value}").into(),
                ))
            })?),
        };
        let binding = Binding {
            user_ref: row.try_get("user_ref")?,
            row: row.try_get("id")?,
        };
        Ok(Turn {
            id: binding.row,
            chat_id: row.try_get("chat_id")?,
            platform_message_id: row.try_get("platform_message_id")?,
            user_text: self
                .cipher
                .open(Field::UserText, binding, row.try_get("user_text")?)?,
            emotion_code: row.try_get("emotion_code")?,
            // Stored from an f32, so narrowing back is exact.
            emotion_score: row
                .try_get::<Option<f64>, _>("emotion_score")?
                .map(|score| score as f32),
            reply: self.open_optional(Field::Reply, binding, row.try_get("reply")?)?,
            generator: row.try_get("generator")?,
            feedback,
            corrected_code: row.try_get("corrected_code")?,
            undelivered: row.try_get::<Option<i64>, _>("undelivered_at")?.is_some(),
            llm_tokens: row
                .try_get::<Option<i64>, _>("llm_tokens")?
                .map_or(0, |tokens| u64::try_from(tokens).unwrap_or(0)),
            created_at: from_ms(row.try_get("created_at")?)?,
            updated_at: from_ms(row.try_get("updated_at")?)?,
        })
    }

    pub(super) fn open_optional(
        &self,
        field: Field,
        binding: Binding,
        stored: Option<String>,
    ) -> Result<Option<String>, StoreError> {
        Ok(stored
            .map(|value| self.cipher.open(field, binding, value))
            .transpose()?)
    }

    /// Hex HMAC-SHA256 of `platform \0 user_id`: recognises the user again
    /// without storing who they are.
    pub(super) fn opt_out_marker(&self, user: &UserKey) -> String {
        self.keyed_marker(&[user.platform.as_bytes(), user.user_id.as_bytes()])
    }

    /// Hex HMAC-SHA256 of `parts` joined by NUL bytes, under the marker key.
    pub(super) fn keyed_marker(&self, parts: &[&[u8]]) -> String {
        // HMAC takes keys of any length; `new_from_slice` cannot fail here.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.marker_key)
            .expect("HMAC accepts keys of any length");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(b"\0");
            }
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// On SQLite, copies the write-ahead log into the database file and empties
    /// it, so rows just deleted or rewritten are gone from the files too (the
    /// pages are zeroed by `secure_delete`), not only from queries. Postgres
    /// keeps dead row versions until (auto)vacuum, outside our control.
    /// A failure is only logged: the deletion itself has happened.
    pub(super) async fn flush_deletions(&self) {
        if self.backend() != Backend::Sqlite {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%error, "checkpointing the SQLite log after a deletion failed");
        }
    }
}

/// Opens a SQLite pool. A file database gets its directory created, WAL and
/// foreign keys; `:memory:` gets a single connection, since each connection
/// to it would otherwise be a separate, empty database.
async fn connect_sqlite(url: &str) -> Result<sqlx::AnyPool, StoreError> {
    if is_sqlite_memory_url(url) {
        let pool = AnyPoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            // Closing the only connection would drop the database with it.
            .idle_timeout(None)
            .max_lifetime(None)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA secure_delete = ON").await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        return Ok(pool);
    }

    // sqlx's own parser, so the path is read exactly as the driver will read it.
    let options = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
    let file = options.get_filename().to_path_buf();
    if let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        private_dir(dir).map_err(|source| StoreError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    private_file(&file).map_err(|source| StoreError::DataDir {
        path: file.display().to_string(),
        source,
    })?;
    // The Any driver takes only a URL: this one carries `mode=rwc`.
    let any_url = options.to_url_lossy();
    let pool = AnyPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA journal_mode = WAL").await?;
                // Deleted rows (opt-out, /reset, retention) are overwritten, not
                // left readable in free pages of the file.
                conn.execute("PRAGMA secure_delete = ON").await?;
                Ok(())
            })
        })
        .connect(any_url.as_str())
        .await?;
    Ok(pool)
}

/// Creates the data directory readable by its owner only (0700). One that
/// already exists is left as it is (it may be shared, e.g. a working
/// directory), with a warning when others can read it.
fn private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        if dir.is_dir() {
            let mode = std::fs::metadata(dir)?.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    path = %dir.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the data directory can be read by other users; chmod 700 it"
                );
            }
            return Ok(());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)
}

/// The database file, and its `-wal` and `-shm` companions (which SQLite
/// creates with the database file's mode), readable by their owner only
/// (0600): created so when missing, tightened when they exist.
fn private_file(file: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if !file.exists() {
            // An empty file is an empty SQLite database.
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(file)?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = std::path::PathBuf::from(format!("{}{suffix}", file.display()));
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// A display name's binding: its user's row.
pub(super) fn user_binding(user_ref: i64) -> Binding {
    Binding {
        user_ref,
        row: user_ref,
    }
}

/// The URL forms sqlx reads as an in-memory SQLite database.
fn is_sqlite_memory_url(url: &str) -> bool {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (database, params) = rest.split_once('?').unwrap_or((rest, ""));
    database == ":memory:" || params.split('&').any(|param| param == "mode=memory")
}

/// The URL's scheme only: a URL may carry a password, and errors get logged.
fn redact_url(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, _)) => format!("{scheme}:…"),
        None => "…".to_string(),
    }
}

pub(super) fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub(super) fn from_ms(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(
            format!("timestamp out of range: {ms} ms").into(),
        ))
    })
}
