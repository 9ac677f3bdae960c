//! Uploads past their expiry, as the records' export notes say, and their notes removed.

use anyhow::Result;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::errors::map_error;
use crate::model::prune::ExpiredUpload;

/// The `*_upload` notes whose expires_at is before `now` (both in the notes' one UTC
/// format, whose text order is the time order): the user's, or every user's (None).
pub async fn expired(
    connection: &mut PgConnection,
    user: Option<&str>,
    now: &str,
) -> Result<Vec<ExpiredUpload>> {
    sqlx::query_as(
        "SELECT r.id, r.user_id::text AS user_id, note.key AS note, \
             note.value ->> 'url' AS url, note.value ->> 'expires_at' AS expires_at \
         FROM optimized_resumes r, \
             jsonb_each(CASE WHEN jsonb_typeof(r.export_formats::jsonb -> 'resumectl_exports') \
                             = 'object' \
                        THEN r.export_formats::jsonb -> 'resumectl_exports' \
                        ELSE '{}'::jsonb END) AS note \
         WHERE ($1::text IS NULL OR r.user_id = $1) \
           AND note.key LIKE '%\\_upload' AND jsonb_typeof(note.value) = 'object' \
           AND jsonb_typeof(note.value -> 'url') = 'string' \
           AND note.value ->> 'expires_at' \
               ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
           AND note.value ->> 'expires_at' < $2 \
         ORDER BY r.id, note.key",
    )
    .bind(user)
    .bind(now)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "finding expired uploads"))
}

/// The URLs of expired uploads that only superseded versions and the trash still record
/// (a later upload's note replaced theirs in the record), each once, not also recorded
/// by a live note: the user's, or every user's (None).
pub async fn expired_elsewhere(
    connection: &mut PgConnection,
    user: Option<&str>,
    now: &str,
) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "WITH live AS (SELECT id, version, export_formats FROM optimized_resumes \
                       WHERE $1::text IS NULL OR user_id = $1), \
         formats AS ( \
             SELECT v.export_formats::jsonb AS f FROM optimized_resume_versions v \
                 JOIN live ON live.id = v.resume_id AND v.version <> live.version \
             UNION ALL SELECT record -> 'export_formats' FROM resumectl_trash \
                 WHERE $1::text IS NULL OR user_id = $1 \
             UNION ALL SELECT v -> 'export_formats' \
                 FROM resumectl_trash t, jsonb_array_elements(t.versions) AS v \
                 WHERE $1::text IS NULL OR t.user_id = $1), \
         notes AS ( \
             SELECT note.value ->> 'url' AS url, note.value ->> 'expires_at' AS expires_at \
             FROM formats, jsonb_each(CASE WHEN jsonb_typeof(f -> 'resumectl_exports') \
                                           = 'object' \
                                      THEN f -> 'resumectl_exports' ELSE '{}'::jsonb END) AS note \
             WHERE note.key LIKE '%\\_upload' AND jsonb_typeof(note.value) = 'object' \
               AND jsonb_typeof(note.value -> 'url') = 'string'), \
         live_urls AS ( \
             SELECT note.value ->> 'url' AS url \
             FROM live, jsonb_each(CASE WHEN jsonb_typeof(live.export_formats::jsonb \
                                                          -> 'resumectl_exports') = 'object' \
                                   THEN live.export_formats::jsonb -> 'resumectl_exports' \
                                   ELSE '{}'::jsonb END) AS note) \
         SELECT DISTINCT url FROM notes \
         WHERE expires_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' \
           AND expires_at < $2 AND url NOT IN (SELECT url FROM live_urls WHERE url IS NOT NULL) \
         ORDER BY url",
    )
    .bind(user)
    .bind(now)
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "finding expired uploads in the history"))
}

/// Removes the record's `notes` and the web application's URL keys (`app_keys`, each
/// only while it still holds that note's URL), keeping every other key; not a new
/// version. False when a note no longer records the URL and expiry it did (uploaded again
/// meanwhile): then nothing changes.
pub async fn forget(
    connection: &mut PgConnection,
    user: &str,
    id: Uuid,
    expired: &[ExpiredUpload],
    app_keys: &[String],
) -> Result<bool> {
    let notes: Vec<&str> = expired.iter().map(|upload| upload.note.as_str()).collect();
    let urls: Vec<&str> = expired.iter().map(|upload| upload.url.as_str()).collect();
    let expiries: Vec<&str> = expired
        .iter()
        .map(|upload| upload.expires_at.as_str())
        .collect();
    let done = sqlx::query(
        "UPDATE optimized_resumes r SET export_formats = ( \
             SELECT jsonb_set(f, '{resumectl_exports}', (f -> 'resumectl_exports') - $2::text[]) \
                 - coalesce((SELECT array_agg(k) FROM unnest($4::text[], $3::text[]) AS a(k, url) \
                             WHERE f ->> k = url), '{}'::text[]) \
             FROM (SELECT r.export_formats::jsonb AS f) AS s) \
         WHERE r.id = $1 AND r.user_id = $6 AND (SELECT bool_and( \
                 r.export_formats::jsonb -> 'resumectl_exports' -> n ->> 'url' \
                     IS NOT DISTINCT FROM u \
                 AND r.export_formats::jsonb -> 'resumectl_exports' -> n ->> 'expires_at' \
                     IS NOT DISTINCT FROM e) \
             FROM unnest($2::text[], $3::text[], $5::text[]) AS x(n, u, e))",
    )
    .bind(id)
    .bind(&notes)
    .bind(&urls)
    .bind(app_keys)
    .bind(&expiries)
    .bind(user)
    .persistent(false)
    .execute(&mut *connection)
    .await
    .map_err(|error| map_error(error, "removing expired export notes"))?;
    Ok(done.rows_affected() == 1)
}
