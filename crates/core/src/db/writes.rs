//! Every write of a record, each a new version in the caller's transaction, each one
//! statement (one round trip): lock the row, check the expected version, write, and keep the new
//! state in the history. Creating a record writes its first version in the same statement.

use anyhow::Result;
use sqlx::postgres::{PgConnection, PgRow, Postgres};
use sqlx::{FromRow, QueryBuilder, Row};
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
    let returning = match &changes.structured_output {
        Change::Set(_) => Returning::RecordWithoutDocument,
        _ => Returning::Record,
    };
    update_returning(transaction, user, id, changes, options, returning).await
}

/// `update`, returning only the id and new version.
pub async fn update_lean(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Written> {
    update_returning(transaction, user, id, changes, options, Returning::Written).await
}

async fn update_returning<O>(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
    returning: Returning,
) -> Result<O>
where
    O: Send + Unpin + for<'r> FromRow<'r, PgRow>,
{
    // Each value moves into the statement and is freed once encoded: a 10 MB document is
    // not held twice on the way.
    let sets = move |query: &mut QueryBuilder<Postgres>| {
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
    };
    let write = VersionedWrite {
        id,
        user,
        options,
        default_note: None,
        returning,
    };
    write.run(transaction, sets, |_| {}, || not_found(id)).await
}

/// Merges `metrics` (a JSON object) into the record's qa_metrics object, as a new version.
pub async fn merge_qa_metrics(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    metrics: &str,
    options: &WriteOptions,
) -> Result<Record> {
    let metrics = metrics.to_string();
    let sets = move |query: &mut QueryBuilder<Postgres>| {
        query
            .push(
                ", qa_metrics = (CASE WHEN jsonb_typeof(r.qa_metrics) = 'object' \
                 THEN r.qa_metrics ELSE '{}'::jsonb END) || ",
            )
            .push_bind(metrics)
            .push("::jsonb");
    };
    let write = VersionedWrite {
        id,
        user,
        options,
        default_note: None,
        returning: Returning::Record,
    };
    write.run(transaction, sets, |_| {}, || not_found(id)).await
}

/// Makes `version`'s contents current again, as a new version.
pub async fn restore(
    transaction: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
    options: &WriteOptions,
) -> Result<Record> {
    let sets = |query: &mut QueryBuilder<Postgres>| {
        query.push(
            ", structured_output = v.structured_output, qa_metrics = v.qa_metrics, \
             export_formats = v.export_formats, \
             optimized_content = coalesce(v.optimized_content, r.optimized_content), \
             match_score = v.match_score",
        );
    };
    // The state restored: a superseded version's row, or the record itself when the
    // version asked for is the current one (its row holds only the note).
    let source = move |query: &mut QueryBuilder<Postgres>| {
        query
            .push(
                " JOIN LATERAL (SELECT v.structured_output, v.qa_metrics, v.export_formats, \
                 v.optimized_content, v.match_score FROM optimized_resume_versions v \
                 WHERE v.resume_id = a.id AND v.version <> a.version AND v.version = ",
            )
            .push_bind(version)
            .push(
                " UNION ALL SELECT a.structured_output, a.qa_metrics, a.export_formats, \
                 a.optimized_content, a.match_score WHERE a.version = ",
            )
            .push_bind(version)
            .push(") v ON true");
    };
    let note = format!("restored version {version}");
    let write = VersionedWrite {
        id,
        user,
        options,
        default_note: Some(&note),
        returning: Returning::Record,
    };
    write
        .run(transaction, sets, source, || {
            CliError::new(
                ErrorKind::NotFound,
                format!("record {id} has no version {version}"),
            )
            .with_hint(Hint::SeeHistory { id })
            .into()
        })
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
             RETURNING id, version) \
         INSERT INTO optimized_resume_versions (resume_id, version, note) \
         SELECT id, version, $11 FROM r \
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

/// What a versioned write gives back.
#[derive(Debug, Clone, Copy)]
pub enum Returning {
    Record,
    /// The record with structured_output left out (the caller has the text it wrote).
    RecordWithoutDocument,
    /// The id and the new version only.
    Written,
}

/// One write of a record as a new version, as one statement (one round trip inside the
/// caller's transaction): lock the row, check the expected version, keep a version-0 record's
/// state before it changes, update, and store the new state in the history.
struct VersionedWrite<'a> {
    id: Uuid,
    user: &'a str,
    options: &'a WriteOptions,
    default_note: Option<&'a str>,
    returning: Returning,
}

impl VersionedWrite<'_> {
    /// `sets` pushes the `, column = value` pieces; `source` may join the row the new
    /// state comes from (a version, for a restore) to `a`, the locked record. `missing`
    /// is the error when the record exists and is at the expected version, but `source`
    /// found nothing.
    async fn run<O>(
        self,
        transaction: &mut PgConnection,
        sets: impl FnOnce(&mut QueryBuilder<Postgres>),
        source: impl FnOnce(&mut QueryBuilder<Postgres>),
        missing: impl FnOnce() -> anyhow::Error,
    ) -> Result<O>
    where
        O: Send + Unpin + for<'r> FromRow<'r, PgRow>,
    {
        let VersionedWrite {
            id,
            user,
            options,
            default_note,
            returning,
        } = self;
        let (returned, projected) = match returning {
            Returning::Record => (columns::record_select(), columns::record_names("w")),
            Returning::RecordWithoutDocument => (
                columns::record_select_without_document(),
                columns::record_names("w"),
            ),
            Returning::Written => ("r.id, r.version".to_string(), "w.id, w.version".to_string()),
        };
        let note = options.note.as_deref().or(default_note).map(str::to_string);
        // `locked` waits for a concurrent writer and then holds its latest state;
        // `allowed` is that row when the expected version agrees.
        let mut query: QueryBuilder<Postgres> =
            QueryBuilder::new(format!("WITH locked AS (SELECT {} ", history::LOCKED_STATE));
        query
            .push("FROM optimized_resumes r WHERE r.id = ")
            .push_bind(id)
            .push(" AND r.user_id = ")
            .push_bind(user.to_string())
            .push(" FOR UPDATE), allowed AS (SELECT * FROM locked l WHERE ")
            .push_bind(options.if_version)
            .push("::bigint IS NULL OR l.version = ")
            .push_bind(options.if_version)
            .push("), ")
            .push(history::superseded_cte())
            .push(
                ", written AS (UPDATE optimized_resumes r SET updated_at = now(), \
                 version = r.version + 1",
            );
        sets(&mut query);
        query.push(" FROM allowed a");
        source(&mut query);
        query.push(format!(
            " WHERE r.id = a.id RETURNING {returned}, r.id AS history_id, \
             r.version AS history_version), "
        ));
        query
            .push(history::RECORD_CTE)
            .push_bind(note)
            .push(format!(
                " FROM written) SELECT l.version AS current_version, {projected} \
                  FROM locked l LEFT JOIN written w ON true"
            ));
        let row = query
            .build()
            .persistent(false)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(|error| map_error(error, "writing the record"))?
            .ok_or_else(|| not_found(id))?;
        let written: Option<Uuid> = row
            .try_get("id")
            .map_err(|error| map_error(error, "reading the written record"))?;
        if written.is_some() {
            return O::from_row(&row)
                .map_err(|error| map_error(error, "reading the written record"));
        }
        let current: i64 = row
            .try_get("current_version")
            .map_err(|error| map_error(error, "reading the record's version"))?;
        match options.if_version {
            Some(expected) if expected != current => Err(CliError::new(
                ErrorKind::Conflict,
                format!(
                    "record {id} is at version {current}, not {expected}: it changed since \
                     you read it, so nothing was written"
                ),
            )
            .with_hint(Hint::ReadAgain { id })
            .into()),
            _ => Err(missing()),
        }
    }
}
