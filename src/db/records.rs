//! Every statement on `optimized_resumes`. Each one carries the `user_id` condition, so a
//! record of another user is indistinguishable from a missing one.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, PgRow, Postgres};
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use crate::db::map_error;
use crate::db::versions::{self, WriteOptions};
use crate::error;

/// One row, JSON columns kept as the text PostgreSQL gave: they are printed, not inspected.
#[derive(Debug, Clone, FromRow)]
pub struct Record {
    pub id: Uuid,
    pub user_id: String,
    pub original_resume_id: Uuid,
    pub job_analysis_id: Uuid,
    pub title: String,
    pub optimized_content: String,
    pub optimization_summary: Option<String>,
    pub match_score: Option<i32>,
    pub improvements_made: Option<Vec<String>>,
    pub keywords_added: Option<Vec<String>>,
    pub skills_highlighted: Option<Vec<String>>,
    pub structured_output: Option<String>,
    pub qa_metrics: Option<String>,
    pub export_formats: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    /// Advanced by every write; `--if-version` compares against it.
    pub version: i64,
}

/// The select list for `Record`; timestamps are cast so that a web-application table
/// with `TIMESTAMP` (no time zone) columns reads the same way.
pub const RECORD_COLUMNS: &str = "r.id, r.user_id::text AS user_id, r.original_resume_id, \
    r.job_analysis_id, r.title::text AS title, r.optimized_content, \
    r.optimization_summary::text AS optimization_summary, r.match_score, r.improvements_made, \
    r.keywords_added, r.skills_highlighted, r.structured_output::text AS structured_output, \
    r.qa_metrics::text AS qa_metrics, r.export_formats::text AS export_formats, \
    r.created_at::timestamptz AS created_at, r.updated_at::timestamptz AS updated_at, r.version";

/// The same shape for an old version: the record's identity, the version's contents.
pub const VERSION_COLUMNS: &str = "r.id, r.user_id::text AS user_id, r.original_resume_id, \
    r.job_analysis_id, r.title::text AS title, \
    coalesce(v.optimized_content, r.optimized_content) AS optimized_content, \
    r.optimization_summary::text AS optimization_summary, v.match_score, r.improvements_made, \
    r.keywords_added, r.skills_highlighted, v.structured_output::text AS structured_output, \
    v.qa_metrics::text AS qa_metrics, v.export_formats::text AS export_formats, \
    r.created_at::timestamptz AS created_at, v.created_at AS updated_at, v.version";

/// What a write does to one nullable column.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Change<T> {
    #[default]
    Keep,
    Set(T),
    Clear,
}

impl<T> Change<T> {
    pub fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }
}

/// The fields one save may change. JSON values are validated text, cast to jsonb by
/// PostgreSQL itself, so the stored value is exactly the one given.
#[derive(Debug, Clone, Default)]
pub struct RecordChanges {
    pub title: Option<String>,
    pub optimized_content: Option<String>,
    pub match_score: Change<i32>,
    pub structured_output: Change<String>,
    pub qa_metrics: Change<String>,
    pub export_formats: Change<String>,
}

impl RecordChanges {
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.optimized_content.is_none()
            && self.match_score.is_keep()
            && self.structured_output.is_keep()
            && self.qa_metrics.is_keep()
            && self.export_formats.is_keep()
    }
}

/// The fields a new record starts with.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub id: Uuid,
    pub original_resume_id: Uuid,
    pub job_analysis_id: Uuid,
    pub title: String,
    pub optimized_content: String,
    pub match_score: Option<i32>,
    pub structured_output: Option<String>,
    pub qa_metrics: Option<String>,
    pub export_formats: Option<String>,
}

pub fn not_found(id: Uuid) -> anyhow::Error {
    error::not_found(format!(
        "record {id} not found (it does not exist, or it belongs to another user)"
    ))
}

pub async fn fetch(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<Record> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM optimized_resumes r WHERE r.id = $1 AND r.user_id = $2"
    );
    sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the record"))?
        .ok_or_else(|| not_found(id))
}

/// The record's version, or "not found": a cheap existence check for history reads.
pub async fn current_version(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<i64> {
    sqlx::query_scalar("SELECT version FROM optimized_resumes WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the record"))?
        .ok_or_else(|| not_found(id))
}

/// Applies `changes` to one record as a new version; `transaction` must be one. The row
/// comes back as stored.
pub async fn update(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Record> {
    // A document this write sets is not read back (its column comes back None): the
    // caller has the text PostgreSQL stored, and reading 10 MB back would cost its size
    // in memory twice more.
    let returning = match changes.structured_output {
        Change::Set(_) => RECORD_COLUMNS.replace(
            "r.structured_output::text AS structured_output",
            "NULL::text AS structured_output",
        ),
        _ => RECORD_COLUMNS.to_string(),
    };
    update_returning(transaction, user, id, changes, options, &returning).await
}

/// The record's structured_output as stored.
pub async fn fetch_document(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT structured_output::text FROM optimized_resumes WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the record"))?
    .ok_or_else(|| not_found(id))
}

/// The id and new version of a written record: all a batch needs to report back.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Written {
    pub id: Uuid,
    pub version: i64,
}

/// `update`, returning only what a batch reports (not the whole document again).
pub async fn update_lean(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Written> {
    update_returning(transaction, user, id, changes, options, "r.id, r.version").await
}

async fn update_returning<O>(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
    returning: &str,
) -> Result<O>
where
    O: Send + Unpin + for<'r> FromRow<'r, PgRow>,
{
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(
        "UPDATE optimized_resumes r SET updated_at = now(), version = version + 1",
    );
    // Each value moves into the statement and is freed once encoded: a 10 MB document is
    // not held twice on the way.
    if let Some(title) = changes.title {
        query.push(", title = ").push_bind(title);
    }
    if let Some(content) = changes.optimized_content {
        query.push(", optimized_content = ").push_bind(content);
    }
    match changes.match_score {
        Change::Keep => {}
        Change::Set(score) => {
            query.push(", match_score = ").push_bind(score);
        }
        Change::Clear => {
            query.push(", match_score = NULL");
        }
    }
    for (column, change) in [
        ("structured_output", changes.structured_output),
        ("qa_metrics", changes.qa_metrics),
        ("export_formats", changes.export_formats),
    ] {
        match change {
            Change::Keep => {}
            Change::Set(text) => {
                query
                    .push(format!(", {column} = "))
                    .push_bind(text)
                    .push("::jsonb");
            }
            Change::Clear => {
                query.push(format!(", {column} = NULL"));
            }
        }
    }
    query
        .push(" WHERE id = ")
        .push_bind(id)
        .push(" AND user_id = ")
        .push_bind(user.to_string())
        .push(format!(" RETURNING {returning}"));
    let statement = query.build_query_as::<O>();
    versions::versioned_write(transaction, user, id, options, statement, None, || {
        not_found(id)
    })
    .await
}

/// Creates a record at version 1, with its first version; `transaction` must be one.
/// The row comes back as stored.
pub async fn insert(
    transaction: &mut PgConnection,
    user: &str,
    new: &NewRecord,
    note: Option<&str>,
) -> Result<Record> {
    let written = create_lean(transaction, user, new, note).await?;
    fetch(transaction, user, written.id).await
}

/// Creates a record at version 1 and its first version in one statement (one round
/// trip: what a batch load needs); `transaction` must be one.
pub async fn create_lean(
    transaction: &mut PgConnection,
    user: &str,
    new: &NewRecord,
    note: Option<&str>,
) -> Result<Written> {
    sqlx::query_as(
        "WITH r AS ( \
             INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, \
                 title, optimized_content, optimization_summary, match_score, \
                 structured_output, qa_metrics, export_formats, created_at, updated_at, \
                 version) \
             VALUES ($1, $2, $3, $4, $5, $6, '{}'::jsonb, $7, $8::jsonb, $9::jsonb, \
                 $10::jsonb, now(), now(), 1) \
             RETURNING id, version, structured_output, qa_metrics, export_formats, \
                 optimized_content, match_score) \
         INSERT INTO optimized_resume_versions (resume_id, version, structured_output, \
             qa_metrics, export_formats, optimized_content, match_score, note) \
         SELECT id, version, structured_output, qa_metrics, export_formats, \
             optimized_content, match_score, $11 FROM r \
         RETURNING resume_id AS id, version",
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
    .bind(note.unwrap_or("created"))
    .persistent(false)
    .fetch_one(&mut *transaction)
    .await
    .map_err(|error| creation_error(error, user))
}

/// A refused insert, said in the user's terms: a user id longer than the column holds is
/// named with the column's limit, not left as the driver's "value too long".
fn creation_error(error: sqlx::Error, user: &str) -> anyhow::Error {
    let too_long = error
        .as_database_error()
        .filter(|database| database.code().as_deref() == Some("22001"))
        .map(|database| database.message().to_string());
    // "value too long for type character varying(255)"
    let limit = too_long.as_deref().and_then(|message| {
        let digits = message.rsplit_once('(')?.1.trim_end_matches(')');
        digits.parse::<usize>().ok()
    });
    match limit {
        Some(limit) if user.chars().count() > limit => error::invalid(format!(
            "the user id '{}...' is {} characters long; optimized_resumes.user_id holds at \
             most {limit}: nothing was written",
            user.chars().take(20).collect::<String>().escape_debug(),
            user.chars().count()
        )),
        _ => map_error(error, "creating the record"),
    }
}

/// Merges `metrics` (a JSON object) into the record's qa_metrics object, as a new version.
pub async fn merge_qa_metrics(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    metrics: &str,
    options: &WriteOptions,
) -> Result<Record> {
    let sql = format!(
        "UPDATE optimized_resumes r \
         SET qa_metrics = (CASE WHEN jsonb_typeof(qa_metrics) = 'object' THEN qa_metrics \
                                ELSE '{{}}'::jsonb END) || $1::jsonb, \
             updated_at = now(), version = version + 1 \
         WHERE id = $2 AND user_id = $3 \
         RETURNING {RECORD_COLUMNS}"
    );
    let statement = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(metrics)
        .bind(id)
        .bind(user);
    versions::versioned_write(transaction, user, id, options, statement, None, || {
        not_found(id)
    })
    .await
}

/// (id, title, number of versions) of those of `ids` the user owns.
pub async fn titles(
    connection: &mut PgConnection,
    user: &str,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, i64)>> {
    sqlx::query_as(
        "SELECT r.id, r.title::text, \
             (SELECT count(*) FROM optimized_resume_versions v WHERE v.resume_id = r.id) \
         FROM optimized_resumes r WHERE r.id = ANY($1) AND r.user_id = $2",
    )
    .bind(ids)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the records"))
}

/// Deletes every one of `ids` or none: returns the ids deleted.
pub async fn delete(connection: &mut PgConnection, user: &str, ids: &[Uuid]) -> Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "DELETE FROM optimized_resumes WHERE id = ANY($1) AND user_id = $2 RETURNING id",
    )
    .bind(ids)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "deleting"))
}

/// The version and the pretty-printed document to edit. PostgreSQL pretty-prints it, so
/// numbers keep every digit they were stored with.
pub async fn fetch_for_edit(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<(i64, Option<String>)> {
    sqlx::query_as(
        "SELECT version, jsonb_pretty(structured_output) FROM optimized_resumes \
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the record"))?
    .ok_or_else(|| not_found(id))
}

/// Notes in export_formats that `entry` (a JSON object) was exported as `format` from
/// `version`. Not a new version: the document did not change. False when the record has
/// moved on since `version` (the file then shows an older version, and is not noted).
pub async fn note_export(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
    format: &str,
    entry: &str,
) -> Result<bool> {
    let noted = sqlx::query(
        "UPDATE optimized_resumes SET export_formats = jsonb_set( \
             CASE WHEN jsonb_typeof(export_formats) = 'object' THEN export_formats \
                  ELSE '{}'::jsonb END, \
             '{resumectl_exports}', \
             CASE WHEN jsonb_typeof(export_formats -> 'resumectl_exports') = 'object' \
                  THEN export_formats -> 'resumectl_exports' ELSE '{}'::jsonb END \
                 || jsonb_build_object($4::text, $5::jsonb)) \
         WHERE id = $1 AND user_id = $2 AND version = $3",
    )
    .bind(id)
    .bind(user)
    .bind(version)
    .bind(format)
    .bind(entry)
    .persistent(false)
    .execute(&mut *connection)
    .await
    .map_err(|error| map_error(error, "noting the export"))?;
    Ok(noted.rows_affected() == 1)
}
