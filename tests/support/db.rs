//! Test databases: a migrated [`Store`] on a fresh SQLite file or a fresh
//! Postgres database, so tests never share state.

use std::time::{SystemTime, UNIX_EPOCH};

use maeum::store::{Store, Turn, UserKey};
use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// Where the Postgres tests connect to create their databases.
const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const POSTGRES_URL_ENV: &str = "MAEUM_TEST_POSTGRES_URL";
/// Every test database's name starts with this, then its creation time.
const TEST_DATABASE_PREFIX: &str = "maeum_test_";
/// Test databases older than this are left over from a crashed run.
const STALE_AFTER_SECS: u64 = 3600;

/// A migrated store on a new SQLite file; the file lives as long as the `TempDir`.
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("creating a temporary directory");
    let url = format!("sqlite:{}", dir.path().join("maeum.db").display());
    let store = Store::connect(&url)
        .await
        .expect("opening the SQLite test database");
    store
        .migrate()
        .await
        .expect("migrating the SQLite test database");
    (store, dir)
}

/// A migrated store on a fresh Postgres database, dropped again with this value.
pub struct PgTestDb {
    pub store: Store,
    admin_url: String,
    name: String,
}

impl PgTestDb {
    /// The test database's URL (for `pg_dump` and other clients).
    pub fn url(&self) -> String {
        with_database(&self.admin_url, &self.name)
    }
}

impl std::ops::Deref for PgTestDb {
    type Target = Store;

    fn deref(&self) -> &Store {
        &self.store
    }
}

impl Drop for PgTestDb {
    /// Drops the database even when the test panicked. `Drop` cannot await, and
    /// the test's runtime may be shutting down, so this runs on its own thread
    /// and runtime and waits for it.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("building a runtime to drop the test database");
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                drop_database(&mut admin, &name).await?;
                admin.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            // Not a panic: this may run while unwinding. The next run's sweep drops it.
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

/// The server the Postgres tests use: `MAEUM_TEST_POSTGRES_URL` or the local default.
pub fn postgres_admin_url() -> String {
    std::env::var(POSTGRES_URL_ENV).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_string())
}

/// A migrated store on a new Postgres database. Panics with directions when
/// Postgres cannot be reached: these tests must fail, not skip, without it.
pub async fn postgres_store() -> PgTestDb {
    let admin_url = postgres_admin_url();
    let mut admin = match PgConnection::connect(&admin_url).await {
        Ok(connection) => connection,
        Err(error) => panic!(
            "Postgres is not reachable at {} ({error}). The Postgres store tests need it: \
             start Postgres there (CI does) or point {POSTGRES_URL_ENV} at one.",
            without_credentials(&admin_url)
        ),
    };
    drop_stale_databases(&mut admin).await;

    let name = format!(
        "{TEST_DATABASE_PREFIX}{}_{:016x}",
        unix_secs(),
        rand::random::<u64>()
    );
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|error| panic!("creating test database {name}: {error}"));
    admin.close().await.expect("closing the admin connection");

    // Own the database before anything can fail, so Drop removes it.
    let url = with_database(&admin_url, &name);
    let store = Store::connect(&url)
        .await
        .unwrap_or_else(|error| panic!("connecting to test database {name}: {error}"));
    let db = PgTestDb {
        store,
        admin_url,
        name,
    };
    db.store
        .migrate()
        .await
        .expect("migrating the Postgres test database");
    db
}

/// Drops test databases left behind by runs that died before their Drop ran.
async fn drop_stale_databases(admin: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname::text FROM pg_database WHERE starts_with(datname, $1)")
            .bind(TEST_DATABASE_PREFIX)
            .fetch_all(&mut *admin)
            .await
            .expect("listing test databases");
    let now = unix_secs();
    for name in names {
        let created = name
            .strip_prefix(TEST_DATABASE_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|created| now.saturating_sub(created) > STALE_AFTER_SECS) {
            // Another test process may be dropping it too: IF EXISTS, and errors ignored.
            let _ = drop_database(admin, &name).await;
        }
    }
}

async fn drop_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    // FORCE: the store's pool may still hold connections to it.
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(admin)
        .await
        .map(drop)
}

/// `url` with its database (the last path segment) replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}

/// `url` without whatever precedes `@` (a password may be there): safe to print.
fn without_credentials(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, server))) => format!("{scheme}://…@{server}"),
        _ => url.to_string(),
    }
}

fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs()
}

/// Generates `sqlite::NAME` and `postgres::NAME` tests, each running
/// `suite::NAME(&store)` on a fresh migrated database of that backend, under
/// the test attribute given first:
///
/// ```ignore
/// support::on_both_backends!(#[tokio::test] migrate_is_idempotent, users_are_isolated);
/// ```
#[macro_export]
macro_rules! on_both_backends {
    (#[$test:meta] $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[$test]
                async fn $name() {
                    let (store, _dir) = $crate::support::db::sqlite_store().await;
                    $crate::suite::$name(&store).await;
                }
            )+
        }

        mod postgres {
            $(
                #[$test]
                async fn $name() {
                    let db = $crate::support::db::postgres_store().await;
                    $crate::suite::$name(&db.store).await;
                }
            )+
        }
    };
}

/// The stored turns of `user`, after checking the replica-ordering tests'
/// two promises: messages `m0..m{messages}` are each stored once, and the
/// turns ran one at a time — each reply (`seen:…`, written by a fake LLM
/// from `FakeLlm::markers_in`) names exactly the turns stored before it and
/// its own message.
pub async fn turns_answered_once_in_order(
    store: &Store,
    user: &UserKey,
    messages: usize,
) -> Vec<Turn> {
    let turns = store.recent_turns(user, 100).await.unwrap();
    let mut ids: Vec<_> = turns
        .iter()
        .map(|t| t.platform_message_id.clone().unwrap())
        .collect();
    ids.sort();
    let expected: Vec<_> = (0..messages).map(|m| format!("m{m}")).collect();
    assert_eq!(ids, expected, "{}: each message stored once", user.user_id);
    for (index, turn) in turns.iter().enumerate() {
        let saw: Vec<_> = turns[..=index]
            .iter()
            .map(|t| t.user_text.clone())
            .collect();
        let want = format!("seen:{}", saw.join(","));
        assert_eq!(
            turn.reply.as_deref(),
            Some(want.as_str()),
            "{}: one at a time",
            user.user_id
        );
    }
    turns
}
