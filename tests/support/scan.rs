//! Looking through every table and column of a test database with SQL, so a
//! test can say "nothing anywhere" without listing the schema by hand.

use maeum::store::{Backend, Store};

/// Every (table, column) of the schema, sqlx's bookkeeping included.
pub async fn all_columns(store: &Store) -> Vec<(String, String)> {
    let (tables_sql, columns_sql) = match store.backend() {
        Backend::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT name FROM pragma_table_info($1)",
        ),
        Backend::Postgres => (
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
        ),
    };
    let tables: Vec<String> = sqlx::query_scalar(tables_sql)
        .fetch_all(store.pool())
        .await
        .unwrap();
    let mut columns = Vec::new();
    for table in tables {
        let names: Vec<String> = sqlx::query_scalar(columns_sql)
            .bind(&table)
            .fetch_all(store.pool())
            .await
            .unwrap();
        columns.extend(names.into_iter().map(|column| (table.clone(), column)));
    }
    columns
}

/// How many cells anywhere in the database contain `needle`.
pub async fn cells_containing(store: &Store, needle: &str) -> i64 {
    let mut total = 0;
    for (table, column) in all_columns(store).await {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE $1");
        let found: i64 = sqlx::query_scalar(&sql)
            .bind(format!("%{needle}%"))
            .fetch_one(store.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        total += found;
    }
    total
}

/// Rows in any table whose `user_ref` column (or `users.id`) is `user_ref`.
pub async fn rows_referencing(store: &Store, user_ref: i64) -> i64 {
    let mut total = 0;
    for (table, column) in all_columns(store).await {
        if column == "user_ref" || (table == "users" && column == "id") {
            let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
            let found: i64 = sqlx::query_scalar(&sql)
                .bind(user_ref)
                .fetch_one(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            total += found;
        }
    }
    total
}

/// Rows in every table, by table name (for "nothing new was written").
pub async fn row_counts(store: &Store) -> Vec<(String, i64)> {
    let mut tables: Vec<String> = all_columns(store)
        .await
        .into_iter()
        .map(|(table, _)| table)
        .filter(|table| !table.starts_with("_sqlx"))
        .collect();
    tables.dedup();
    let mut counts = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        counts.push((table, n));
    }
    counts
}
