//! `optimized_resume_versions`: the bookkeeping every versioned write does in its
//! statement, and the reads of past versions. Every statement is scoped by user_id
//! through the record it belongs to. A version's row holds its state once it is
//! superseded; the current version's row holds only its note and time (the state is the
//! record's: a document is never stored twice). A record the web application wrote before
//! resumectl kept history (version 0, no rows) shows its current state as version 0.

use anyhow::Result;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use serde_json::Value;

use crate::db::columns;
use crate::db::errors::map_error;
use crate::document::LARGE_DOCUMENT;
use crate::document::summary::{self, Summary};
use crate::model::record::Record;
use crate::model::reports::VersionSummary;

/// The note of the version 0 kept for a record from before the history.
const FIRST_STATE_NOTE: &str = "state before resumectl kept history";

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
    let rows: Vec<PageRow> = sqlx::query_as(
        // The page is chosen first, newest first along the history's primary key (an
        // index scan that stops after `limit` rows); only then are its documents read
        // for their coverage and size: a record of 10,000 versions costs what one of 50
        // does. A version written before summaries were stored comes with its state and
        // the one before it (read only for those), to have its summary computed here.
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
         SELECT p.version, p.created_at, p.note, p.actor, p.changes_summary, p.match_score, \
             p.structured_output #> '{qa,scores,keyword_coverage_0_to_100}' \
                 AS keyword_coverage, \
             octet_length(p.structured_output::text) AS document_bytes, \
             b.resume_id IS NOT NULL AS has_before, \
             CASE WHEN p.changes_summary IS NULL AND b.resume_id IS NOT NULL THEN json_build_array( \
                 b.optimized_content, p.optimized_content, b.match_score, p.match_score, \
                 b.qa_metrics, p.qa_metrics, b.export_formats, p.export_formats, \
                 CASE WHEN coalesce(pg_column_size(b.structured_output), 0) <= $6 \
                      AND coalesce(pg_column_size(p.structured_output), 0) <= $6 \
                      THEN json_build_array(b.structured_output, p.structured_output) END, \
                 record_image_eq(row(b.structured_output), row(p.structured_output))) \
             END::text AS states \
         FROM page p LEFT JOIN optimized_resume_versions b \
             ON p.changes_summary IS NULL AND b.resume_id = $1 \
                 AND b.version = p.version - 1 \
         ORDER BY p.version DESC",
    )
    .bind(id)
    .bind(user)
    .bind(FIRST_STATE_NOTE)
    .bind(before)
    .bind(limit)
    .bind(summary::COMPARED_STORED as i64)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the history"))?;
    Ok(rows.into_iter().map(PageRow::summarised).collect())
}

/// A version as the history's page reads it.
#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    version: VersionSummary,
    has_before: bool,
    /// For a version with no stored summary: [content, content, score, score, qa, qa,
    /// exports, exports, [document, document] (None when large), same document], each
    /// pair the version before's and this one's.
    states: Option<String>,
}

impl PageRow {
    /// The version, with its summary computed when none was stored.
    fn summarised(self) -> VersionSummary {
        let PageRow {
            mut version,
            has_before,
            states,
        } = self;
        if version.changes_summary.is_some() {
            return version;
        }
        // Two documents of about 1 MiB at most, and the version's other columns: more is
        // a document stored compressed far smaller than its text, not compared.
        let too_large = states
            .as_ref()
            .is_some_and(|text| text.len() > 3 * LARGE_DOCUMENT);
        let states: Option<Vec<Value>> = states
            .filter(|_| !too_large)
            .and_then(|text| serde_json::from_str(&text).ok());
        version.changes_summary = Some(match states {
            _ if version.version == 0 => summary::FIRST_STATE.to_string(),
            _ if !has_before => summary::CREATED.to_string(),
            _ if too_large => {
                let mut said = Summary::default();
                said.large_document();
                said.finish(None)
            }
            Some(states) if states.len() == 10 => {
                let mut said = Summary::default();
                match (&states[8], &states[9]) {
                    (_, Value::Bool(true)) => {}
                    (Value::Array(documents), _) => {
                        said.document(documents.first(), documents.get(1))
                    }
                    _ => said.large_document(),
                }
                // Versions written before optimized_content was kept have none: no change.
                if !states[0].is_null() && !states[1].is_null() {
                    said.text("plain text", states[0].as_str(), states[1].as_str());
                }
                let score = |value: &Value| value.as_i64().and_then(|n| i32::try_from(n).ok());
                said.match_score(score(&states[2]), score(&states[3]));
                said.object("qa_metrics", Some(&states[4]), Some(&states[5]));
                said.object("export_formats", Some(&states[6]), Some(&states[7]));
                said.finish(None)
            }
            _ => return version,
        });
        version
    }
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
