//! Every write of a record, each a new version in the caller's transaction: lock the row,
//! check `--if-version`, write, and keep the new state in the history. Creating a record
//! writes its first version in the same statement.

use anyhow::Result;
use sqlx::postgres::{PgArguments, PgConnection, PgRow, Postgres};
use sqlx::query::QueryAs;
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

use crate::db::errors::{creation_error, map_error};
use crate::db::records::not_found;
use crate::db::{columns, history};
use crate::error::{CliError, ErrorKind, Hint};
use crate::model::changes::{Change, NewRecord, RecordChanges, WriteOptions};
use crate::model::record::Record;

/// The id and new version of a written record: all a batch needs to report back.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Written {
    pub id: Uuid,
    pub version: i64,
}

/// Applies `changes` to one record as a new version; `transaction` must be one. A
/// document this write sets is not read back (its column comes back None): the caller
/// has the text it wrote, and reading 10 MB back would cost its size in memory twice more.
pub async fn update(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Record> {
    let select = match &changes.structured_output {
        Change::Set(_) => columns::record_select_without_document(),
        _ => columns::record_select(),
    };
    update_returning(transaction, user, id, changes, options, &select).await
}

/// `update`, returning only the id and new version.
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
    versioned_write(transaction, user, id, options, statement, None, || {
        not_found(id)
    })
    .await
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
         RETURNING {}",
        columns::record_select()
    );
    let statement = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(metrics)
        .bind(id)
        .bind(user);
    versioned_write(transaction, user, id, options, statement, None, || {
        not_found(id)
    })
    .await
}

/// Makes `version`'s contents current again, as a new version.
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
        columns::record_select()
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
            CliError::new(
                ErrorKind::NotFound,
                format!("record {id} has no version {version}"),
            )
            .with_hint(Hint::SeeHistory { id })
            .into()
        },
    )
    .await
}

/// Creates a record at version 1 and its first version in one statement (one round
/// trip); `transaction` must be one. Every column is given: a web application's table
/// may have no default for `id` or `updated_at`.
pub async fn create(
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
             VALUES ($1, $2, $3, $4, $5, $6, '{}', $7, $8::jsonb, $9::jsonb, \
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

/// Runs one write of a record as a new version, inside `transaction`: locks the row,
/// checks `if_version`, runs `statement` (which must bump `version` and return the row),
/// then stores the new state in the history. `missing` is the error when the statement
/// finds no row although the record exists (a restore of a version that is not there).
async fn versioned_write<'q, O>(
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
        return Err(CliError::new(
            ErrorKind::Conflict,
            format!(
                "record {id} is at version {current}, not {expected}: it changed since you \
                 read it, so nothing was written"
            ),
        )
        .with_hint(Hint::ReadAgain { id })
        .into());
    }
    // A record from before the history began (version 0, which resumectl never writes)
    // gets its current state kept as version 0, so that its first write does not lose it.
    if current == 0 {
        history::keep_first_state(transaction, user, id).await?;
    }
    let record = statement
        .persistent(false)
        .fetch_optional(&mut *transaction)
        .await
        .map_err(|error| map_error(error, "writing the record"))?
        .ok_or_else(missing)?;
    history::record_version(
        transaction,
        user,
        id,
        options.note.as_deref().or(default_note),
    )
    .await?;
    Ok(record)
}
