//! Reads and deletes on `optimized_resumes`, and the export note. Each statement carries
//! the `user_id` condition, so a record of another user is indistinguishable from a
//! missing one. Versioned writes are in `writes.rs`.

use anyhow::Result;
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::{Connection as _, FromRow};
use uuid::Uuid;

use crate::db::columns;
use crate::db::errors::map_error;
use crate::db::session::{Session, quote_literal};
use crate::error;
use crate::model::record::Record;

pub fn not_found(id: Uuid) -> anyhow::Error {
    error::not_found(format!(
        "record {id} not found (it does not exist, or it belongs to another user)"
    ))
}

/// One row of a statement on the record `id` that the user owns ($1 and $2), or "not
/// found": the one way every read of a single record ends.
async fn one<O>(connection: &mut PgConnection, user: &str, id: Uuid, sql: String) -> Result<O>
where
    O: Send + Unpin + for<'r> FromRow<'r, PgRow>,
{
    sqlx::query_as::<_, O>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the record"))?
        .ok_or_else(|| not_found(id))
}

pub async fn fetch(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<Record> {
    let sql = format!(
        "SELECT {} FROM optimized_resumes r WHERE r.id = $1 AND r.user_id = $2",
        columns::record_select()
    );
    one(connection, user, id, sql).await
}

/// The record `id` the user owns, or "not found", in one round trip with its transaction
/// (`Session::read_at_once`): `get`, the command run most, at what `psql -c` costs.
pub async fn fetch_at_once(session: &mut Session, user: &str, id: Uuid) -> Result<Record> {
    let select = format!(
        "SELECT {} FROM optimized_resumes r WHERE r.id = '{id}' AND r.user_id = {}",
        columns::record_select(),
        quote_literal(user)
    );
    let rows: Vec<Record> = session.read_at_once(&select, "reading the record").await?;
    rows.into_iter().next().ok_or_else(|| not_found(id))
}

/// The record's version, or "not found": a cheap existence check.
pub async fn current_version(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<i64> {
    let sql = "SELECT version FROM optimized_resumes WHERE id = $1 AND user_id = $2";
    let (version,): (i64,) = one(connection, user, id, sql.into()).await?;
    Ok(version)
}

/// The record's structured_output as stored. The connection's buffers are given back
/// before and after: a document just written grew them to its size, and holding them
/// while it is read back would keep the document in memory twice more.
pub async fn fetch_document(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<Option<String>> {
    let sql = "SELECT structured_output::text FROM optimized_resumes \
               WHERE id = $1 AND user_id = $2";
    connection.shrink_buffers();
    let (document,): (Option<String>,) = one(connection, user, id, sql.into()).await?;
    connection.shrink_buffers();
    Ok(document)
}

/// The version and the pretty-printed document to edit. PostgreSQL pretty-prints it, so
/// numbers keep every digit they were stored with.
pub async fn fetch_for_edit(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
) -> Result<(i64, Option<String>)> {
    let sql = "SELECT version, jsonb_pretty(structured_output) FROM optimized_resumes \
               WHERE id = $1 AND user_id = $2";
    one(connection, user, id, sql.into()).await
}

/// (id, title, number of versions) of those of `ids` the user owns.
pub async fn titles(
    connection: &mut PgConnection,
    user: &str,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, Option<String>, i64)>> {
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

/// Notes in export_formats.resumectl_exports the `entries` (a JSON object: key -> note)
/// exported from `version`, and sets the web application's own top-level `app_keys` (a
/// JSON object: pdf_url, generated_at, expires_at), leaving every other key as it was.
/// Not a new version: the document did not change. False when the record has moved on
/// since `version` (the file then shows an older version, and nothing is noted).
///
/// The web application has one `expires_at` for all its URLs, so with `app_keys` it
/// becomes the earliest expiry among the recorded uploads (each `*_upload` note keeps its
/// own): it never serves a URL past its own expiry. Worked out in the statement, on the
/// row as it is when written, so two exports of one record at once still agree. The
/// timestamps compare as text: one fixed UTC format, whose order is the time order.
pub async fn note_export(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    version: i64,
    entries: &str,
    app_keys: Option<&str>,
) -> Result<bool> {
    let noted = sqlx::query(
        "UPDATE optimized_resumes SET export_formats = ( \
             SELECT CASE WHEN $5::jsonb IS NULL THEN merged.formats \
                 ELSE merged.formats || jsonb_build_object('expires_at', coalesce( \
                     (SELECT to_jsonb(min(note.value ->> 'expires_at')) \
                      FROM jsonb_each(merged.formats -> 'resumectl_exports') AS note \
                      WHERE note.key LIKE '%\\_upload' \
                        AND jsonb_typeof(note.value) = 'object' \
                        AND note.value ->> 'expires_at' \
                            ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'), \
                     merged.formats -> 'expires_at')) END \
             FROM (SELECT jsonb_set( \
                 CASE WHEN jsonb_typeof(export_formats) = 'object' THEN export_formats \
                      ELSE '{}'::jsonb END || coalesce($5::jsonb, '{}'::jsonb), \
                 '{resumectl_exports}', \
                 CASE WHEN jsonb_typeof(export_formats -> 'resumectl_exports') = 'object' \
                      THEN export_formats -> 'resumectl_exports' ELSE '{}'::jsonb END \
                     || $4::jsonb) AS formats) AS merged) \
         WHERE id = $1 AND user_id = $2 AND version = $3",
    )
    .bind(id)
    .bind(user)
    .bind(version)
    .bind(entries)
    .bind(app_keys)
    .persistent(false)
    .execute(&mut *connection)
    .await
    .map_err(|error| map_error(error, "noting the export"))?;
    Ok(noted.rows_affected() == 1)
}
