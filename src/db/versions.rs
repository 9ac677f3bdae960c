//! Version history: the bookkeeping every write does in its transaction, and the reads
//! and restores over `optimized_resume_versions`. Every statement is scoped by user_id
//! through the record it belongs to.

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;
use sqlx::postgres::PgConnection;
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

/// Locks the record's row for the rest of the transaction and checks `if_version`.
/// A record from before the history began gets its current state kept as the version it
/// is at, so that its first write does not lose the original. Returns the version now.
pub async fn begin_write(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    options: &WriteOptions,
) -> Result<i64> {
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
    sqlx::query(
        "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note, created_at) \
         SELECT id, version, structured_output, qa_metrics, export_formats, \
             optimized_content, match_score, 'state before resumectl kept history', \
             coalesce(updated_at::timestamptz, now()) \
         FROM optimized_resumes r WHERE id = $1 AND NOT EXISTS \
             (SELECT 1 FROM optimized_resume_versions v \
              WHERE v.resume_id = r.id AND v.version = r.version) \
         ON CONFLICT (resume_id, version) DO NOTHING",
    )
    .bind(id)
    .persistent(false)
    .execute(&mut *transaction)
    .await
    .map_err(|error| map_error(error, "keeping the record's first version"))?;
    Ok(current)
}

/// Stores the record's state (just written) as its current version.
pub async fn record_version(
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
    /// qa.scores.keyword_coverage_0_to_100 of that version's document, as JSON text.
    #[serde(skip)]
    pub keyword_coverage_text: Option<String>,
    pub document_bytes: Option<i32>,
}

impl VersionSummary {
    pub fn keyword_coverage(&self) -> Option<serde_json::Value> {
        self.keyword_coverage_text
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
    }
}

pub async fn list(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<Vec<VersionSummary>> {
    // Checked first so that an absent record is "not found", not an empty history.
    crate::db::records::fetch(connection, user, id).await?;
    sqlx::query_as(
        "SELECT v.version, v.created_at, v.note, v.match_score, \
             (v.structured_output #> '{qa,scores,keyword_coverage_0_to_100}')::text \
                 AS keyword_coverage_text, \
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
            let current = crate::db::records::fetch(connection, user, id).await?;
            Err(error::not_found(format!(
                "record {id} has no version {version} (it is at version {}; \
                 see `resumectl history {id}`)",
                current.version
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
    begin_write(transaction, user, id, options).await?;
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
    let restored = sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .bind(version)
        .persistent(false)
        .fetch_optional(&mut *transaction)
        .await
        .map_err(|error| map_error(error, "restoring the version"))?;
    let restored = restored.ok_or_else(|| {
        error::not_found(format!(
            "record {id} has no version {version}; see `resumectl history {id}`"
        ))
    })?;
    let note = options
        .note
        .clone()
        .unwrap_or_else(|| format!("restored version {version}"));
    record_version(transaction, id, Some(&note)).await?;
    Ok(restored)
}

/// How many versions each of `ids` has (for the delete confirmation).
pub async fn count(connection: &mut PgConnection, user: &str, ids: &[Uuid]) -> Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM optimized_resume_versions v \
         JOIN optimized_resumes r ON r.id = v.resume_id \
         WHERE r.id = ANY($1) AND r.user_id = $2",
    )
    .bind(ids)
    .bind(user)
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "counting versions"))
}
