//! Every statement on `optimized_resumes`. Each one carries the `user_id` condition, so a
//! record of another user is indistinguishable from a missing one.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnection, Postgres};
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use crate::db::map_error;
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
}

/// The select list for `Record`; timestamps are cast so that a web-application table
/// with `TIMESTAMP` (no time zone) columns reads the same way.
const RECORD_COLUMNS: &str = "id, user_id::text AS user_id, original_resume_id, \
    job_analysis_id, title::text AS title, optimized_content, \
    optimization_summary::text AS optimization_summary, match_score, improvements_made, \
    keywords_added, skills_highlighted, structured_output::text AS structured_output, \
    qa_metrics::text AS qa_metrics, export_formats::text AS export_formats, \
    created_at::timestamptz AS created_at, updated_at::timestamptz AS updated_at";

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
    let sql =
        format!("SELECT {RECORD_COLUMNS} FROM optimized_resumes WHERE id = $1 AND user_id = $2");
    sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the record"))?
        .ok_or_else(|| not_found(id))
}

/// Applies `changes` to one record; the row comes back as stored.
pub async fn update(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: &RecordChanges,
) -> Result<Record> {
    let mut query: QueryBuilder<Postgres> =
        QueryBuilder::new("UPDATE optimized_resumes SET updated_at = now()");
    if let Some(title) = &changes.title {
        query.push(", title = ").push_bind(title.clone());
    }
    if let Some(content) = &changes.optimized_content {
        query
            .push(", optimized_content = ")
            .push_bind(content.clone());
    }
    match &changes.match_score {
        Change::Keep => {}
        Change::Set(score) => {
            query.push(", match_score = ").push_bind(*score);
        }
        Change::Clear => {
            query.push(", match_score = NULL");
        }
    }
    for (column, change) in [
        ("structured_output", &changes.structured_output),
        ("qa_metrics", &changes.qa_metrics),
        ("export_formats", &changes.export_formats),
    ] {
        match change {
            Change::Keep => {}
            Change::Set(text) => {
                query
                    .push(format!(", {column} = "))
                    .push_bind(text.clone())
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
        .push(format!(" RETURNING {RECORD_COLUMNS}"));
    query
        .build_query_as::<Record>()
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "saving the record"))?
        .ok_or_else(|| not_found(id))
}

pub async fn insert(connection: &mut PgConnection, user: &str, new: &NewRecord) -> Result<Record> {
    let sql = format!(
        "INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, \
             title, optimized_content, optimization_summary, match_score, structured_output, \
             qa_metrics, export_formats, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, '{{}}'::jsonb, $7, $8::jsonb, $9::jsonb, $10::jsonb, \
             now(), now()) \
         RETURNING {RECORD_COLUMNS}"
    );
    sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
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
        .persistent(false)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_error(error, "creating the record"))
}

/// Merges `metrics` (a JSON object) into the record's qa_metrics object.
pub async fn merge_qa_metrics(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    metrics: &str,
) -> Result<Record> {
    let sql = format!(
        "UPDATE optimized_resumes \
         SET qa_metrics = (CASE WHEN jsonb_typeof(qa_metrics) = 'object' THEN qa_metrics \
                                ELSE '{{}}'::jsonb END) || $1::jsonb, \
             updated_at = now() \
         WHERE id = $2 AND user_id = $3 \
         RETURNING {RECORD_COLUMNS}"
    );
    sqlx::query_as::<_, Record>(sqlx::AssertSqlSafe(sql))
        .bind(metrics)
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "setting QA metrics"))?
        .ok_or_else(|| not_found(id))
}

/// (id, title) of those of `ids` the user owns.
pub async fn titles(
    connection: &mut PgConnection,
    user: &str,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>> {
    sqlx::query_as(
        "SELECT id, title::text FROM optimized_resumes WHERE id = ANY($1) AND user_id = $2",
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
