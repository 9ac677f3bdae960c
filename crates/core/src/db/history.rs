//! `optimized_resume_versions`: the bookkeeping every versioned write does in its
//! statement, and the reads of past versions. Every statement is scoped by user_id
//! through the record it belongs to. A version's row holds its state once it is
//! superseded; the current version's row holds only its note and time (the state is the
//! record's: a document is never stored twice). A record the web application wrote before
//! resumectl kept history (version 0, no rows) shows its current state as version 0.

use anyhow::Result;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::db::columns;
use crate::db::errors::map_error;
use crate::model::record::Record;
use crate::model::reports::VersionSummary;

/// The note of the version 0 kept for a record from before the history.
const FIRST_STATE_NOTE: &str = "state before resumectl kept history";

/// The summary of that version 0.
const FIRST_STATE_SUMMARY: &str = "as the web application left it";

/// The summary of a record's first version, when it was written before summaries were.
pub const CREATED_SUMMARY: &str = "created";

/// The locked record's state, as a versioned write (`writes.rs`) reads it before it
/// changes it: the state its version row takes when it is superseded.
pub const LOCKED_STATE: &str = "r.id, r.version, r.structured_output, r.qa_metrics, \
    r.export_formats, r.optimized_content::text AS optimized_content, r.match_score, \
    r.title::text AS title, \
    coalesce(r.updated_at::timestamptz, r.created_at::timestamptz, now()) AS changed_at";

/// The common table expression that moves the record's state, about to change, into its
/// version's row (`from` names the locked record `a`, when the write goes ahead). The row
/// of the current version holds only its note and time; a record from before resumectl
/// (version 0) has no row yet, and gets one with the state it had, and no actor: the web
/// application wrote it, not whoever writes now (an existing row keeps its actor).
pub fn superseded_cte(from: &str) -> String {
    format!(
        "superseded AS ( \
         INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note, created_at, \
             actor) \
         SELECT a.id, a.version, a.structured_output, a.qa_metrics, a.export_formats, \
             a.optimized_content, a.match_score, \
             CASE WHEN a.version = 0 THEN '{FIRST_STATE_NOTE}' END, a.changed_at, \
             NULL::text \
         FROM {from} \
         ON CONFLICT (resume_id, version) DO UPDATE SET \
             structured_output = EXCLUDED.structured_output, \
             qa_metrics = EXCLUDED.qa_metrics, export_formats = EXCLUDED.export_formats, \
             optimized_content = EXCLUDED.optimized_content, \
             match_score = EXCLUDED.match_score)"
    )
}

/// The new version's row (`written` is the updated record, with its summary): its note
/// (the placeholder `note`), summary and time only, the state being in the record.
pub fn recorded_cte(note: &str) -> String {
    format!(
        "recorded AS ( \
         INSERT INTO optimized_resume_versions (resume_id, version, note, changes_summary) \
         SELECT history_id, history_version, {note}, changes_summary FROM written)"
    )
}

/// The newest `limit` versions below `before` (all: None) of a record the user owns,
/// newest first (empty when it has none or is not theirs: the caller checks that it
/// exists). Only the versions returned have their documents read (for their coverage
/// and size).
pub async fn list(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<VersionSummary>> {
    sqlx::query_as(
        // The page is chosen first, newest first along the history's primary key (an
        // index scan that stops after `limit` rows); only then are its documents read
        // for their coverage and size: a record of 10,000 versions costs what one of 50
        // does. A version written before summaries were stored has its summary computed
        // here, from the version before it (read only for those).
        "WITH r AS MATERIALIZED (SELECT r.id, r.version, r.updated_at, r.created_at, \
                 r.match_score, r.structured_output, r.qa_metrics, r.export_formats, \
                 r.optimized_content::text AS optimized_content \
             FROM optimized_resumes r WHERE r.id = $1 AND r.user_id = $2), \
         page AS ( \
             (SELECT v.version, v.created_at, v.note, v.actor, v.changes_summary, \
                 v.match_score, v.structured_output, v.qa_metrics, v.export_formats, \
                 v.optimized_content \
             FROM optimized_resume_versions v \
             WHERE v.resume_id = (SELECT id FROM r) \
               AND v.version <> (SELECT version FROM r) \
               AND ($4::bigint IS NULL OR v.version < $4) \
             ORDER BY v.version DESC LIMIT $5) \
             UNION ALL \
             SELECT r.version, coalesce(v.created_at, r.updated_at::timestamptz, \
                     r.created_at::timestamptz, now()), \
                 CASE WHEN v.resume_id IS NULL AND r.version = 0 THEN $3 ELSE v.note END, \
                 v.actor, v.changes_summary, r.match_score, r.structured_output, \
                 r.qa_metrics, r.export_formats, r.optimized_content \
             FROM r LEFT JOIN optimized_resume_versions v \
                 ON v.resume_id = r.id AND v.version = r.version \
             WHERE $4::bigint IS NULL OR r.version < $4 \
             ORDER BY version DESC LIMIT $5) \
         SELECT p.version, p.created_at, p.note, p.actor, \
             coalesce(p.changes_summary, CASE \
                 WHEN p.version = 0 THEN $6 \
                 WHEN b.resume_id IS NULL THEN $7 \
                 ELSE resumectl_changes_summary(NULL, NULL, NULL, \
                     CASE WHEN p.optimized_content IS NOT NULL THEN b.optimized_content END, \
                     CASE WHEN b.optimized_content IS NOT NULL THEN p.optimized_content END, \
                     b.match_score, p.match_score, b.structured_output, p.structured_output, \
                     b.qa_metrics, p.qa_metrics, b.export_formats, p.export_formats) END) \
                 AS changes_summary, \
             p.match_score, \
             p.structured_output #> '{qa,scores,keyword_coverage_0_to_100}' \
                 AS keyword_coverage, \
             octet_length(p.structured_output::text) AS document_bytes \
         FROM page p LEFT JOIN optimized_resume_versions b \
             ON b.resume_id = $1 AND b.version = p.version - 1 \
         ORDER BY p.version DESC",
    )
    .bind(id)
    .bind(user)
    .bind(FIRST_STATE_NOTE)
    .bind(before)
    .bind(limit)
    .bind(FIRST_STATE_SUMMARY)
    .bind(CREATED_SUMMARY)
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
         WHERE r.id = $1 AND r.user_id = $2 AND v.version = $3 AND v.version <> r.version \
         UNION ALL \
         SELECT {} FROM optimized_resumes r \
         WHERE r.id = $1 AND r.user_id = $2 AND r.version = $3",
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
