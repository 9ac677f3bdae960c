//! The trash: records `delete` moved out of the web application's table (with their
//! history), put back by `undelete`, removed for good by a purge. Every statement carries
//! the user condition (None: every user's, for support staff's listing).

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::errors::map_error;
use crate::model::trash::TrashEntry;

/// Moves those of `ids` the user owns, with their versions, into the trash (a record
/// trashed before under the same id is replaced), and out of the table: returns the ids
/// moved. The table's own cascades and foreign keys act as on the web application's
/// DELETE.
pub async fn move_in(connection: &mut PgConnection, user: &str, ids: &[Uuid]) -> Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "WITH moved AS ( \
             INSERT INTO resumectl_trash AS t (id, user_id, title, version, record, versions) \
             SELECT r.id, r.user_id::text, r.title, r.version, to_jsonb(r), \
                 coalesce((SELECT jsonb_agg(to_jsonb(v) ORDER BY v.version) \
                           FROM optimized_resume_versions v WHERE v.resume_id = r.id), \
                          '[]'::jsonb) \
             FROM optimized_resumes r WHERE r.id = ANY($1) AND r.user_id = $2 \
             ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, \
                 title = EXCLUDED.title, version = EXCLUDED.version, \
                 record = EXCLUDED.record, versions = EXCLUDED.versions, \
                 deleted_at = EXCLUDED.deleted_at, actor = EXCLUDED.actor, \
                 undeleted_at = NULL, undeleted_by = NULL, purged_at = NULL, purged_by = NULL \
                 WHERE t.user_id = EXCLUDED.user_id \
             RETURNING id) \
         DELETE FROM optimized_resumes WHERE id IN (SELECT id FROM moved) AND user_id = $2 \
         RETURNING id",
    )
    .bind(ids)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "moving to the trash"))
}

/// Which rows of the trash a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// What is in the trash.
    Trashed,
    /// Markers of records put back.
    Undeleted,
    /// Markers of records removed for good.
    Purged,
}

/// Removes those of `ids` the user owns for good (their history goes with them), leaving
/// a marker in the trash of who and when, with no copy: the ids removed. A trash row of
/// the id is replaced only when it is the same user's.
pub async fn remove_for_good(
    connection: &mut PgConnection,
    user: &str,
    ids: &[Uuid],
) -> Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "WITH gone AS (DELETE FROM optimized_resumes WHERE id = ANY($1) AND user_id = $2 \
                       RETURNING id, title, version), \
         marked AS ( \
             INSERT INTO resumectl_trash AS t (id, user_id, title, version, record, versions, \
                 purged_at, purged_by) \
             SELECT id, $2, title, version, 'null'::jsonb, '[]'::jsonb, now(), \
                 nullif(current_setting('resumectl.actor', true), '') \
             FROM gone \
             ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, \
                 version = EXCLUDED.version, record = EXCLUDED.record, \
                 versions = EXCLUDED.versions, deleted_at = EXCLUDED.deleted_at, \
                 actor = EXCLUDED.actor, undeleted_at = NULL, undeleted_by = NULL, \
                 purged_at = EXCLUDED.purged_at, purged_by = EXCLUDED.purged_by \
                 WHERE t.user_id = EXCLUDED.user_id) \
         SELECT id FROM gone",
    )
    .bind(ids)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "deleting"))
}

/// Whether the user's trash holds `id` (not yet undeleted), locking its row.
pub async fn holds(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM resumectl_trash \
                        WHERE id = $1 AND user_id = $2 AND undeleted_at IS NULL \
                          AND purged_at IS NULL FOR UPDATE)",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "looking in the trash"))
}

/// Locks those of `ids` the user owns, so that no write lands between reading them into
/// the trash and deleting them.
pub async fn lock(connection: &mut PgConnection, user: &str, ids: &[Uuid]) -> Result<()> {
    sqlx::query("SELECT 1 FROM optimized_resumes WHERE id = ANY($1) AND user_id = $2 FOR UPDATE")
        .bind(ids)
        .bind(user)
        .persistent(false)
        .execute(&mut *connection)
        .await
        .map_err(|error| map_error(error, "locking the records"))?;
    Ok(())
}

/// Whether a live record has `id` (whoever owns it).
pub async fn live(connection: &mut PgConnection, id: Uuid) -> Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM optimized_resumes WHERE id = $1)")
        .bind(id)
        .persistent(false)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_error(error, "looking for a live record"))
}

/// Puts the user's trashed record `id` back, with its versions, exactly as it was, and
/// leaves a marker of when and by whom (its copy emptied): false when it is not in the
/// user's trash.
pub async fn take_out(connection: &mut PgConnection, user: &str, id: Uuid) -> Result<bool> {
    // The web application's columns as they are now, that the kept row has a value for:
    // not a generated column (it is computed again), and a column added since the delete
    // takes its default.
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT a.attname::text FROM pg_attribute a \
         WHERE a.attrelid = 'optimized_resumes'::regclass AND a.attnum > 0 \
           AND NOT a.attisdropped AND a.attgenerated = '' \
           AND EXISTS (SELECT 1 FROM resumectl_trash t \
                       WHERE t.id = $1 AND t.user_id = $2 AND t.record ? a.attname) \
         ORDER BY a.attnum",
    )
    .bind(id)
    .bind(user)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the table's columns"))?;
    if columns.is_empty() {
        return Ok(false);
    }
    let quoted: Vec<String> = columns
        .iter()
        .map(|name| format!("\"{}\"", name.replace('"', "\"\"")))
        .collect();
    let list = quoted.join(", ");
    let from_row: Vec<String> = quoted.iter().map(|name| format!("p.{name}")).collect();
    // One statement: the versions' foreign key is checked at its end, when the record
    // is back. OVERRIDING SYSTEM VALUE: an identity column gets its old value back.
    let statement = format!(
        "WITH t AS (SELECT record, versions FROM resumectl_trash \
                    WHERE id = $1 AND user_id = $2 AND undeleted_at IS NULL \
                          AND purged_at IS NULL FOR UPDATE), \
         marked AS (UPDATE resumectl_trash SET undeleted_at = now(), \
                        undeleted_by = nullif(current_setting('resumectl.actor', true), ''), \
                        record = 'null'::jsonb, versions = '[]'::jsonb \
                    WHERE id = $1 AND user_id = $2 AND undeleted_at IS NULL \
                          AND purged_at IS NULL), \
         r AS (INSERT INTO optimized_resumes ({list}) OVERRIDING SYSTEM VALUE \
               SELECT {} FROM t, \
                   LATERAL jsonb_populate_record(NULL::optimized_resumes, t.record) AS p \
               RETURNING id), \
         v AS (INSERT INTO optimized_resume_versions \
               SELECT p.* FROM t, LATERAL jsonb_populate_recordset( \
                   NULL::optimized_resume_versions, t.versions) AS p) \
         SELECT id FROM r",
        from_row.join(", ")
    );
    let restored: Option<Uuid> = sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
        .bind(id)
        .bind(user)
        .persistent(false)
        .fetch_optional(&mut *connection)
        .await
        .map_err(|error| map_error(error, "taking out of the trash"))?;
    Ok(restored.is_some())
}

/// The trash, newest first: the user's, or every user's (None); or the markers of what
/// left it (`shelf`).
pub async fn list(
    connection: &mut PgConnection,
    user: Option<&str>,
    shelf: Shelf,
) -> Result<Vec<TrashEntry>> {
    sqlx::query_as(
        "SELECT id, user_id, title, version, deleted_at, actor, \
             jsonb_array_length(versions)::bigint AS versions, undeleted_at, undeleted_by, \
             purged_at, purged_by \
         FROM resumectl_trash WHERE ($1::text IS NULL OR user_id = $1) \
             AND (undeleted_at IS NOT NULL) = $2 AND (purged_at IS NOT NULL) = $3 \
         ORDER BY coalesce(undeleted_at, purged_at, deleted_at) DESC, id",
    )
    .bind(user)
    .bind(shelf == Shelf::Undeleted)
    .bind(shelf == Shelf::Purged)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the trash"))
}

/// What a purge would remove: the user's trashed records deleted before `before`.
pub async fn older_than(
    connection: &mut PgConnection,
    user: &str,
    before: DateTime<Utc>,
) -> Result<Vec<TrashEntry>> {
    sqlx::query_as(
        "SELECT id, user_id, title, version, deleted_at, actor, \
             jsonb_array_length(versions)::bigint AS versions, undeleted_at, undeleted_by, \
             purged_at, purged_by \
         FROM resumectl_trash WHERE user_id = $1 AND deleted_at < $2 \
             AND undeleted_at IS NULL AND purged_at IS NULL \
         ORDER BY deleted_at, id",
    )
    .bind(user)
    .bind(before)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the trash"))
}

/// Removes for good those of `ids` in the user's trash deleted before `before`, leaving a
/// marker of when and by whom (and removes the user's markers older than that): the ids
/// removed.
pub async fn purge(
    connection: &mut PgConnection,
    user: &str,
    ids: &[Uuid],
    before: DateTime<Utc>,
) -> Result<Vec<Uuid>> {
    sqlx::query_scalar(
        "WITH markers AS (DELETE FROM resumectl_trash \
                          WHERE user_id = $2 AND coalesce(undeleted_at, purged_at) < $3) \
         UPDATE resumectl_trash SET purged_at = now(), \
             purged_by = nullif(current_setting('resumectl.actor', true), ''), \
             record = 'null'::jsonb, versions = '[]'::jsonb \
         WHERE id = ANY($1) AND user_id = $2 AND deleted_at < $3 \
             AND undeleted_at IS NULL AND purged_at IS NULL \
         RETURNING id",
    )
    .bind(ids)
    .bind(user)
    .bind(before)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "purging the trash"))
}
