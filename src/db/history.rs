//! `optimized_resume_versions`: the bookkeeping every versioned write does in its
//! transaction, and the reads of past versions. Every statement is scoped by user_id
//! through the record it belongs to. A record the web application wrote before resumectl
//! kept history (version 0, no rows) shows its current state as version 0.

use anyhow::Result;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::db::columns;
use crate::db::errors::map_error;
use crate::model::record::Record;
use crate::model::reports::VersionSummary;

/// The note of the version 0 kept for a record from before the history.
const FIRST_STATE_NOTE: &str = "state before resumectl kept history";

/// Keeps a version-0 record's current state as version 0, before its first write
/// changes it. Nothing when it is already kept.
pub async fn keep_first_state(transaction: &mut PgConnection, user: &str, id: Uuid) -> Result<()> {
    sqlx::query(
        "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note, created_at) \
         SELECT id, version, structured_output, qa_metrics, export_formats, \
             optimized_content, match_score, $3, \
             coalesce(updated_at::timestamptz, created_at::timestamptz, now()) \
         FROM optimized_resumes WHERE id = $1 AND user_id = $2 \
         ON CONFLICT (resume_id, version) DO NOTHING",
    )
    .bind(id)
    .bind(user)
    .bind(FIRST_STATE_NOTE)
    .persistent(false)
    .execute(&mut *transaction)
    .await
    .map_err(|error| map_error(error, "keeping the record's first version"))?;
    Ok(())
}

/// Stores the record's state (just written) as its current version.
pub async fn record_version(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note) \
         SELECT id, version, structured_output, qa_metrics, export_formats, \
             optimized_content, match_score, $3 \
         FROM optimized_resumes WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user)
    .bind(note)
    .persistent(false)
    .execute(&mut *transaction)
    .await
    .map_err(|error| map_error(error, "recording the version"))?;
    Ok(())
}

/// Every version of a record the user owns, oldest first (empty when it has none or is
/// not theirs: the caller checks that it exists).
pub async fn list(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<Vec<VersionSummary>> {
    sqlx::query_as(
        "SELECT v.version, v.created_at, v.note, v.match_score, \
             v.structured_output #> '{qa,scores,keyword_coverage_0_to_100}' \
                 AS keyword_coverage, \
             octet_length(v.structured_output::text) AS document_bytes \
         FROM optimized_resume_versions v JOIN optimized_resumes r ON r.id = v.resume_id \
         WHERE r.id = $1 AND r.user_id = $2 \
         UNION ALL \
         SELECT 0, coalesce(r.updated_at::timestamptz, r.created_at::timestamptz, now()), \
             $3, r.match_score, \
             r.structured_output #> '{qa,scores,keyword_coverage_0_to_100}', \
             octet_length(r.structured_output::text) \
         FROM optimized_resumes r \
         WHERE r.id = $1 AND r.user_id = $2 AND r.version = 0 \
           AND NOT EXISTS (SELECT 1 FROM optimized_resume_versions v \
                           WHERE v.resume_id = r.id AND v.version = 0) \
         ORDER BY 1",
    )
    .bind(id)
    .bind(user)
    .bind(FIRST_STATE_NOTE)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the history"))
}

/// The record as it was at `version`, if the user owns it and it has that version.
pub async fn fetch(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
) -> Result<Option<Record>> {
    let sql = format!(
        "SELECT {} FROM optimized_resume_versions v \
         JOIN optimized_resumes r ON r.id = v.resume_id \
         WHERE r.id = $1 AND r.user_id = $2 AND v.version = $3 \
         UNION ALL \
         SELECT {} FROM optimized_resumes r \
         WHERE r.id = $1 AND r.user_id = $2 AND r.version = 0 AND $3 = 0 \
           AND NOT EXISTS (SELECT 1 FROM optimized_resume_versions v \
                           WHERE v.resume_id = r.id AND v.version = 0)",
        columns::version_select(),
        columns::record_select()
    );
    sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .bind(version)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the version"))
}
