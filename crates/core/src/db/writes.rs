//! Every write of a record, each a new version in the caller's transaction, each one
//! statement (one round trip): lock the row, check the expected version, write, and keep the new
//! state in the history with a summary of what changed. A write that would change nothing
//! writes nothing. Creating a record writes its first version in the same statement.

use anyhow::Result;
use sqlx::FromRow;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::db::errors::creation_error;
use crate::db::session::Transaction;
use crate::db::versioned::{JsonbText, Returning, SqlType, VersionedWrite};
use crate::document::summary;
use crate::error::{CliError, ErrorKind, Hint};
use crate::model::changes::{Change, NewRecord, RecordChanges, Saved, WriteOptions};

/// The id and version of a written record, and whether the write left it unchanged (then
/// the version is the one it was already at): all a batch needs to report back.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Written {
    pub id: Uuid,
    pub version: i64,
    pub unchanged: bool,
}

/// Applies `changes` to one record as a new version; `transaction` must be one. A
/// document this write sets is not read back: the record carries the text sent, up to
/// `LARGE_DOCUMENT`, and None beyond (reading 10 MB back would cost its size in memory
/// twice more; the caller reads it when it needs it).
/// A write that would leave every column as it is writes nothing (`unchanged`).
pub async fn update(
    transaction: &mut Transaction<'_>,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Saved> {
    let returning = match &changes.structured_output {
        Change::Set(_) => Returning::RecordWithoutDocument,
        _ => Returning::Record,
    };
    let mut write = VersionedWrite::new(id, user, options);
    write.assign_changes(changes)?;
    write.saved(transaction, returning).await
}

/// `update`, returning only the id, the version and whether anything changed.
pub async fn update_lean(
    transaction: &mut Transaction<'_>,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Written> {
    let mut write = VersionedWrite::new(id, user, options);
    write.assign_changes(changes)?;
    write.written(transaction).await
}

/// Merges `metrics` (a JSON object) into the record's qa_metrics object, as a new version
/// (none when every figure is already so).
pub async fn merge_qa_metrics(
    transaction: &mut Transaction<'_>,
    user: &str,
    id: Uuid,
    metrics: &str,
    options: &WriteOptions,
) -> Result<Saved> {
    let mut write = VersionedWrite::new(id, user, options);
    let metrics = write.bind(JsonbText(metrics))?;
    write.assign(
        "qa_metrics",
        SqlType::Jsonb,
        format!(
            "(CASE WHEN jsonb_typeof(a.qa_metrics) = 'object' THEN a.qa_metrics \
             ELSE '{{}}'::jsonb END) || {metrics}"
        ),
    );
    write.saved(transaction, Returning::Record).await
}

/// Makes `version`'s contents current again, as a new version (none when they are the
/// current ones already).
pub async fn restore(
    transaction: &mut Transaction<'_>,
    user: &str,
    id: Uuid,
    version: i64,
    options: &WriteOptions,
) -> Result<Saved> {
    let mut write = VersionedWrite::new(id, user, options);
    write.event = Some(format!("restored from version {version}"));
    write.default_note = Some(format!("restored version {version}"));
    let wanted = write.bind(version)?;
    // The state restored: a superseded version's row, or the record itself when the
    // version asked for is the current one (its row holds only the note).
    write.source = format!(
        " JOIN LATERAL (SELECT v.structured_output, v.qa_metrics, v.export_formats, \
         v.optimized_content, v.match_score FROM optimized_resume_versions v \
         WHERE v.resume_id = a.id AND v.version <> a.version AND v.version = {wanted} \
         UNION ALL SELECT a.structured_output, a.qa_metrics, a.export_formats, \
         a.optimized_content, a.match_score WHERE a.version = {wanted}) v ON true"
    );
    for (column, sql_type, value) in [
        ("structured_output", SqlType::Jsonb, "v.structured_output"),
        ("qa_metrics", SqlType::Jsonb, "v.qa_metrics"),
        ("export_formats", SqlType::Jsonb, "v.export_formats"),
        (
            "optimized_content",
            SqlType::Text,
            "coalesce(v.optimized_content, a.optimized_content)",
        ),
        ("match_score", SqlType::Integer, "v.match_score"),
    ] {
        write.assign(column, sql_type, value.to_string());
    }
    write.missing = Some(Box::new(move || {
        CliError::new(
            ErrorKind::NotFound,
            format!("record {id} has no version {version}"),
        )
        .with_hint(Hint::SeeHistory { id })
        .into()
    }));
    write.saved(transaction, Returning::Record).await
}

/// Creates a record at version 1 and its first version in one statement (one round
/// trip); `transaction` must be one. Every column is given: a web application's table
/// may have no default for `id` or `updated_at`. The version's summary is `event`
/// ("imported from jsonresume"), else "created"; so is its note, unless one is given.
pub async fn create(
    transaction: &mut PgConnection,
    user: &str,
    new: &NewRecord,
    note: Option<&str>,
    event: Option<&str>,
) -> Result<Written> {
    sqlx::query_as(
        "WITH r AS ( \
             INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, \
                 title, optimized_content, optimization_summary, match_score, \
                 structured_output, qa_metrics, export_formats, created_at, updated_at, \
                 version) \
             VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8::jsonb, $9::jsonb, \
                 $10::jsonb, now(), now(), 1) \
             RETURNING id, version) \
         INSERT INTO optimized_resume_versions (resume_id, version, note, changes_summary) \
         SELECT id, version, $11, $12 FROM r \
         RETURNING resume_id AS id, version, false AS unchanged",
    )
    .bind(new.id)
    .bind(user)
    .bind(new.original_resume_id)
    .bind(new.job_analysis_id)
    .bind(&new.title)
    .bind(&new.optimized_content)
    .bind(new.match_score)
    .bind(new.structured_output.as_deref())
    .bind(new.qa_metrics.as_deref())
    .bind(new.export_formats.as_deref())
    .bind(note.or(event).unwrap_or(summary::CREATED))
    .bind(event.unwrap_or(summary::CREATED))
    .persistent(false)
    .fetch_one(&mut *transaction)
    .await
    .map_err(|error| creation_error(error, user))
}
