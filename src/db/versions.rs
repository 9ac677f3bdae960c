//! Version history: the bookkeeping every write does in its transaction, and the reads
//! and restores over `optimized_resume_versions`. Every statement is scoped by user_id
//! through the record it belongs to.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;
use sqlx::postgres::{PgArguments, PgConnection, PgRow, Postgres};
use sqlx::query::QueryAs;
use sqlx::types::Json;
use uuid::Uuid;

use crate::db::map_error;
use crate::db::records::{Record, not_found};
use crate::error;

/// What a write is made against and what it says about itself.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Write only if the record is still at this version (else exit 6).
    pub if_version: Option<i64>,
    pub note: Option<String>,
}

/// Runs one write of a record as a new version, inside `transaction`: locks the row,
/// checks `if_version`, runs `statement` (which must bump `version` and return the row),
/// then stores the new state in the history. `missing` is the error when the statement
/// finds no row although the record exists (a restore of a version that is not there).
pub async fn versioned_write<'q, O>(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    options: &WriteOptions,
    statement: QueryAs<'q, Postgres, O, PgArguments>,
    default_note: Option<&str>,
    missing: impl FnOnce() -> anyhow::Error,
) -> Result<O>
where
    O: Send + Unpin + for<'r> FromRow<'r, PgRow>,
{
    begin_write(transaction, user, id, options).await?;
    let record = statement
        .persistent(false)
        .fetch_optional(&mut *transaction)
        .await
        .map_err(|error| map_error(error, "writing the record"))?
        .ok_or_else(missing)?;
    record_version(transaction, id, options.note.as_deref().or(default_note)).await?;
    Ok(record)
}

/// Locks the record's row for the rest of the transaction and checks `if_version`.
/// A record from before the history began (version 0, which resumectl never writes)
/// gets its current state kept as version 0, so that its first write does not lose it.
async fn begin_write(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    options: &WriteOptions,
) -> Result<()> {
    let current: i64 = sqlx::query_scalar(
        "SELECT version FROM optimized_resumes WHERE id = $1 AND user_id = $2 FOR UPDATE",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_optional(&mut *transaction)
    .await
    .map_err(|error| map_error(error, "locking the record"))?
    .ok_or_else(|| not_found(id))?;
    if let Some(expected) = options.if_version
        && expected != current
    {
        return Err(error::conflict(format!(
            "record {id} is at version {current}, not {expected}: it changed since you read \
             it, so nothing was written (read it again with `resumectl get {id}` and \
             reapply your change)"
        )));
    }
    if current == 0 {
        sqlx::query(
            "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
                 qa_metrics, export_formats, optimized_content, match_score, note, created_at) \
             SELECT id, version, structured_output, qa_metrics, export_formats, \
                 optimized_content, match_score, 'state before resumectl kept history', \
                 coalesce(updated_at::timestamptz, now()) \
             FROM optimized_resumes WHERE id = $1 \
             ON CONFLICT (resume_id, version) DO NOTHING",
        )
        .bind(id)
        .persistent(false)
        .execute(&mut *transaction)
        .await
        .map_err(|error| map_error(error, "keeping the record's first version"))?;
    }
    Ok(())
}

/// Stores the record's state (just written) as its current version.
pub(crate) async fn record_version(
    transaction: &mut PgConnection,
    id: Uuid,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note) \
         SELECT id, version, structured_output, qa_metrics, export_formats, \
             optimized_content, match_score, $2 \
         FROM optimized_resumes WHERE id = $1",
    )
    .bind(id)
    .bind(note)
    .persistent(false)
    .execute(&mut *transaction)
    .await
    .map_err(|error| map_error(error, "recording the version"))?;
    Ok(())
}

/// One line of `resumectl history`.
#[derive(Debug, Clone, Serialize, FromRow)]
pub struct VersionSummary {
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub note: Option<String>,
    pub match_score: Option<i32>,
    /// qa.scores.keyword_coverage_0_to_100 of that version's document.
    pub keyword_coverage: Option<Json<serde_json::Value>>,
    pub document_bytes: Option<i32>,
}

pub async fn list(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<Vec<VersionSummary>> {
    // Checked first so that an absent record is "not found", not an empty history.
    crate::db::records::current_version(connection, user, id).await?;
    sqlx::query_as(
        "SELECT v.version, v.created_at, v.note, v.match_score, \
             v.structured_output #> '{qa,scores,keyword_coverage_0_to_100}' \
                 AS keyword_coverage, \
             octet_length(v.structured_output::text) AS document_bytes \
         FROM optimized_resume_versions v JOIN optimized_resumes r ON r.id = v.resume_id \
         WHERE r.id = $1 AND r.user_id = $2 ORDER BY v.version",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the history"))
}

/// The record as it was at `version`.
pub async fn fetch(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
) -> Result<Record> {
    let sql = format!(
        "SELECT {} FROM optimized_resume_versions v \
         JOIN optimized_resumes r ON r.id = v.resume_id \
         WHERE r.id = $1 AND r.user_id = $2 AND v.version = $3",
        crate::db::records::VERSION_COLUMNS
    );
    let found = sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .bind(version)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the version"))?;
    match found {
        Some(record) => Ok(record),
        None => {
            let current = crate::db::records::current_version(connection, user, id).await?;
            Err(error::not_found(format!(
                "record {id} has no version {version} (it is at version {current}; \
                 see `resumectl history {id}`)"
            )))
        }
    }
}

/// Makes `version`'s contents current again, as a new version; `transaction` must be one.
pub async fn restore(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
    options: &WriteOptions,
) -> Result<Record> {
    let sql = format!(
        "UPDATE optimized_resumes r \
         SET structured_output = v.structured_output, qa_metrics = v.qa_metrics, \
             export_formats = v.export_formats, \
             optimized_content = coalesce(v.optimized_content, r.optimized_content), \
             match_score = v.match_score, version = r.version + 1, updated_at = now() \
         FROM optimized_resume_versions v \
         WHERE r.id = $1 AND r.user_id = $2 AND v.resume_id = r.id AND v.version = $3 \
         RETURNING {}",
        crate::db::records::RECORD_COLUMNS
    );
    let statement = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .bind(version);
    let note = format!("restored version {version}");
    versioned_write(
        transaction,
        user,
        id,
        options,
        statement,
        Some(&note),
        || {
            error::not_found(format!(
                "record {id} has no version {version}; see `resumectl history {id}`"
            ))
        },
    )
    .await
}
