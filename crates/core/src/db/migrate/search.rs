//! The indexes behind a listing's text search (trigram GIN indexes, from the pg_trgm
//! extension, on title and optimized_content), which `migrate` builds after the numbered
//! migrations when the extension is installed or may be created here; and the repair of
//! an index of ours that a cancelled concurrent build left invalid. They are not numbered
//! migrations: whether they can be built depends on the server, and a failure to build
//! them must not fail the migration, only be said.

use anyhow::Result;
use sqlx::postgres::PgConnection;

use crate::db::errors::map_error;
use crate::model::reports::SearchIndexing;

/// The columns a search reads, each with the trigram index `migrate` builds on it.
const TRIGRAM_INDEXES: [(&str, &str); 2] = [
    ("title", "optimized_resumes_title_trgm_idx"),
    ("optimized_content", "optimized_resumes_content_trgm_idx"),
];

/// The index migration 0008 builds concurrently, and the migration (one statement).
const LIST_ORDER_INDEX: (&str, &str) = (
    "optimized_resumes_user_updated_idx",
    include_str!("../../../../../migrations/0008_list_order_index.sql"),
);

/// How a listing's text search is served, as `migrate status` reports it.
pub async fn describe(connection: &mut PgConnection) -> Result<SearchIndexing> {
    let installed = extension_schema(connection).await?.is_some();
    let indexed = trigram_indexed(connection).await?;
    let every_column = TRIGRAM_INDEXES
        .iter()
        .all(|(column, _)| indexed.iter().any(|found| found == column));
    Ok(match (installed, every_column) {
        (true, true) => SearchIndexing::Indexed,
        (true, false) => SearchIndexing::IndexesMissing,
        (false, _) if available(connection).await? => SearchIndexing::NotInstalled,
        (false, _) => SearchIndexing::Unavailable,
    })
}

/// Rebuilds our indexes a failed concurrent build left invalid, then builds the trigram
/// indexes where pg_trgm is (or may be made) available. A build that fails (a lock wait
/// past the timeout, no right to create the extension) fails nothing else: its invalid
/// leftover is dropped, and what happened is returned, for the report.
pub async fn ensure(connection: &mut PgConnection) -> Result<Option<SearchIndexing>> {
    // A build of a large table may take minutes: only its lock waits are bounded.
    execute(connection, "SET statement_timeout = 0").await?;
    let names: Vec<&str> = TRIGRAM_INDEXES
        .iter()
        .map(|(_, name)| *name)
        .chain([LIST_ORDER_INDEX.0])
        .collect();
    for index in invalid_indexes(connection, &names).await? {
        execute(
            connection,
            &format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"),
        )
        .await?;
    }
    // The list order index is the numbered migration's: a failure here is a failure.
    execute(connection, LIST_ORDER_INDEX.1).await?;
    let schema = match extension_schema(connection).await? {
        Some(schema) => schema,
        None if !available(connection).await? => return Ok(Some(SearchIndexing::Unavailable)),
        None => {
            // A trusted extension (PostgreSQL 13 and later): any role with CREATE on the
            // database may create it.
            if let Err(refused) =
                try_execute(connection, "CREATE EXTENSION IF NOT EXISTS pg_trgm").await
            {
                return Ok(Some(SearchIndexing::NotCreated(refused)));
            }
            extension_schema(connection)
                .await?
                .unwrap_or_else(|| "public".into())
        }
    };
    let indexed = trigram_indexed(connection).await?;
    for (column, name) in TRIGRAM_INDEXES {
        if indexed.iter().any(|found| found == column) {
            continue;
        }
        let statement = format!(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON optimized_resumes \
             USING gin ({column} {}.gin_trgm_ops)",
            quote_identifier(&schema)
        );
        if let Err(refused) = try_execute(connection, &statement).await {
            // What a cancelled build leaves would cost every write until the next run.
            for index in invalid_indexes(connection, &[name]).await? {
                let _ = try_execute(
                    connection,
                    &format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"),
                )
                .await;
            }
            return Ok(Some(SearchIndexing::NotBuilt(refused)));
        }
    }
    Ok(None)
}

async fn execute(connection: &mut PgConnection, statement: &str) -> Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&mut *connection)
        .await
        .map(|_| ())
        .map_err(|error| map_error(error, "building the search indexes"))
}

/// `statement`, or the server's own message of why not (no URL, no prefix of ours).
async fn try_execute(connection: &mut PgConnection, statement: &str) -> Result<(), String> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_string()))
        .execute(&mut *connection)
        .await
        .map(|_| ())
        .map_err(|error| match error.as_database_error() {
            Some(database) => database.message().to_string(),
            None => "the connection failed".to_string(),
        })
}

/// The schema pg_trgm is installed in; None when it is not installed.
async fn extension_schema(connection: &mut PgConnection) -> Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT n.nspname::text FROM pg_extension e \
         JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
    )
    .persistent(false)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the installed extensions"))
}

async fn available(connection: &mut PgConnection) -> Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_trgm')")
        .persistent(false)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the available extensions"))
}

/// The columns of optimized_resumes with a valid trigram GIN index of their own.
async fn trigram_indexed(connection: &mut PgConnection) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_index i \
         JOIN pg_class ix ON ix.oid = i.indexrelid \
         JOIN pg_am am ON am.oid = ix.relam AND am.amname = 'gin' \
         JOIN pg_opclass op ON op.oid = i.indclass[0] AND op.opcname = 'gin_trgm_ops' \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
         WHERE i.indrelid = to_regclass('optimized_resumes') AND i.indpred IS NULL \
           AND i.indisvalid",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the search indexes"))
}

/// Which of `names` (indexes of ours on optimized_resumes) exist but are invalid, each
/// as PostgreSQL names it (schema-qualified where it is not on the search path).
async fn invalid_indexes(connection: &mut PgConnection, names: &[&str]) -> Result<Vec<String>> {
    let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    sqlx::query_scalar(
        "SELECT i.indexrelid::regclass::text FROM pg_index i \
         JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = to_regclass('optimized_resumes') AND NOT i.indisvalid \
           AND c.relname = ANY ($1)",
    )
    .bind(names)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the invalid indexes"))
}

fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
