//! The indexes behind a listing's text search (trigram GIN indexes, from the pg_trgm extension,
//! on title and optimized_content), which `migrate` builds when the extension is
//! installed or may be created here; and the repair of an index that a concurrent build
//! left invalid. Neither is a numbered migration: both depend on the server, and a
//! concurrent build cannot run in a migration file's transaction.

use anyhow::Result;
use sqlx::postgres::PgConnection;

use crate::db::errors::map_error;

/// The columns a search reads, each with the trigram index `migrate` builds on it.
const TRIGRAM_INDEXES: [(&str, &str); 2] = [
    ("title", "optimized_resumes_title_trgm_idx"),
    ("optimized_content", "optimized_resumes_content_trgm_idx"),
];

/// The index migration 0008 builds concurrently, and its statement.
const LIST_ORDER_INDEX: (&str, &str) = (
    "optimized_resumes_user_updated_idx",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS optimized_resumes_user_updated_idx \
     ON optimized_resumes (user_id, updated_at DESC NULLS LAST, id)",
);

/// How a listing's text search is served, as `migrate` and `migrate status` say it.
pub async fn describe(connection: &mut PgConnection) -> Result<String> {
    let installed = extension_schema(connection).await?.is_some();
    let indexed = trigram_indexed(connection).await?;
    Ok(match (installed, indexed.len() == TRIGRAM_INDEXES.len()) {
        (true, true) => "trigram indexes (pg_trgm) on title and optimized_content".into(),
        (true, false) => "a scan of the user's records: pg_trgm is installed but its indexes \
                          are missing (run `resumectl migrate`)"
            .into(),
        (false, _) if available(connection).await? => {
            "a scan of the user's records: pg_trgm is not installed (`resumectl migrate` \
             creates it where this role may)"
                .into()
        }
        (false, _) => "a scan of the user's records: this server has no pg_trgm".into(),
    })
}

/// Rebuilds the indexes of ours that a failed concurrent build left invalid, then builds
/// the trigram indexes where pg_trgm is (or may be made) available. Returns what a person
/// should know: why a search is still a scan.
pub async fn ensure(connection: &mut PgConnection) -> Result<Option<String>> {
    let names: Vec<&str> = TRIGRAM_INDEXES
        .iter()
        .map(|(_, name)| *name)
        .chain([LIST_ORDER_INDEX.0])
        .collect();
    for name in invalid_indexes(connection, &names).await? {
        execute(
            connection,
            &format!("DROP INDEX CONCURRENTLY IF EXISTS {name}"),
        )
        .await?;
        if name == LIST_ORDER_INDEX.0 {
            execute(connection, LIST_ORDER_INDEX.1).await?;
        }
    }
    let schema = match extension_schema(connection).await? {
        Some(schema) => schema,
        None if !available(connection).await? => {
            return Ok(Some(
                "a text search scans the user's records: this server has no pg_trgm".into(),
            ));
        }
        None => {
            // A trusted extension since PostgreSQL 13: a database owner may create it.
            if let Err(error) = execute(connection, "CREATE EXTENSION IF NOT EXISTS pg_trgm").await
            {
                return Ok(Some(format!(
                    "a text search scans the user's records: pg_trgm could not be created \
                     ({}); a superuser can run CREATE EXTENSION pg_trgm, then migrate again",
                    error
                )));
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
        execute(connection, &statement).await?;
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

/// Which of `names` (indexes of ours) exist but are invalid.
async fn invalid_indexes(connection: &mut PgConnection, names: &[&str]) -> Result<Vec<String>> {
    let names: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
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
