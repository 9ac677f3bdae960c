//! A user's data everywhere in the database (live records, their history, the trash,
//! and the objects their upload notes record), its erasure, and the ledger of erasures.

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::db::errors::map_error;
use crate::model::erase::{Resurfaced, UserData};

/// Which of a user's data to look at: live records (with their history), trashed ones,
/// or both; all of them, or only `ids`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub ids: Option<&'a [Uuid]>,
    pub live: bool,
    pub trash: bool,
}

impl Scope<'_> {
    /// Everything of the user.
    pub const ALL: Scope<'static> = Scope {
        ids: None,
        live: true,
        trash: true,
    };
}

/// The user's records, versions and trashed records in `scope`, and the URLs their
/// `*_upload` notes record (live, in the history and in the trash), each once.
pub async fn inventory(
    connection: &mut PgConnection,
    user: &str,
    scope: Scope<'_>,
) -> Result<UserData> {
    let (records, versions, trashed, objects): (i64, i64, i64, Vec<String>) = sqlx::query_as(
        "WITH live AS (SELECT id, export_formats FROM optimized_resumes \
                       WHERE user_id = $1 AND $3 AND ($2::uuid[] IS NULL OR id = ANY($2))), \
         hist AS (SELECT v.export_formats FROM optimized_resume_versions v \
                  JOIN live ON live.id = v.resume_id), \
         trash AS (SELECT record, versions FROM resumectl_trash \
                   WHERE user_id = $1 AND $4 AND ($2::uuid[] IS NULL OR id = ANY($2))), \
         formats AS ( \
             SELECT export_formats::jsonb AS f FROM live \
             UNION ALL SELECT export_formats::jsonb FROM hist \
             UNION ALL SELECT record -> 'export_formats' FROM trash \
             UNION ALL SELECT v -> 'export_formats' \
                 FROM trash, jsonb_array_elements(trash.versions) AS v), \
         urls AS ( \
             SELECT DISTINCT note.value ->> 'url' AS url \
             FROM formats, jsonb_each(CASE WHEN jsonb_typeof(f -> 'resumectl_exports') = 'object' \
                                      THEN f -> 'resumectl_exports' ELSE '{}'::jsonb END) AS note \
             WHERE note.key LIKE '%\\_upload' AND jsonb_typeof(note.value) = 'object' \
               AND jsonb_typeof(note.value -> 'url') = 'string') \
         SELECT (SELECT count(*) FROM live), (SELECT count(*) FROM hist), \
             (SELECT count(*) FROM trash), \
             coalesce((SELECT array_agg(url ORDER BY url) FROM urls), '{}')",
    )
    .bind(user)
    .bind(scope.ids)
    .bind(scope.live)
    .bind(scope.trash)
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "finding the user's data"))?;
    Ok(UserData {
        user_sha256: String::new(),
        records,
        versions,
        trashed,
        objects,
    })
}

/// Removes the user's records (their history goes with them) and trash, and notes the
/// erasure in the ledger: when, and by whom (the write transaction's actor).
pub async fn erase(
    connection: &mut PgConnection,
    user: &str,
    erased: &UserData,
) -> Result<(DateTime<Utc>, Option<String>)> {
    sqlx::query_as(
        "WITH r AS (DELETE FROM optimized_resumes WHERE user_id = $1 RETURNING id), \
         t AS (DELETE FROM resumectl_trash WHERE user_id = $1 RETURNING id) \
         INSERT INTO resumectl_erasures (user_sha256, records, versions, trashed, objects) \
         SELECT $2, (SELECT count(*) FROM r), $3, (SELECT count(*) FROM t), $4 \
         RETURNING erased_at, actor",
    )
    .bind(user)
    .bind(&erased.user_sha256)
    .bind(erased.versions)
    .bind(erased.objects.len() as i64)
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "erasing"))
}

/// The erasures in the ledger whose user has data here again (a backup restored from
/// before them): each one's hash, when it was erased, and how many records and trashed
/// records that user has now. Users are matched by the SHA-256 of their id, the only way
/// the ledger names them.
pub async fn resurfaced(connection: &mut PgConnection) -> Result<Vec<Resurfaced>> {
    sqlx::query_as(
        "WITH present AS ( \
             SELECT encode(sha256(convert_to(user_id::text, 'UTF8')), 'hex') AS user_sha256, \
                 count(*) AS records, 0::bigint AS trashed \
             FROM optimized_resumes GROUP BY 1 \
             UNION ALL \
             SELECT encode(sha256(convert_to(user_id, 'UTF8')), 'hex'), 0, count(*) \
             FROM resumectl_trash GROUP BY 1) \
         SELECT e.user_sha256, max(e.erased_at) AS erased_at, \
             sum(p.records)::bigint AS records, sum(p.trashed)::bigint AS trashed \
         FROM (SELECT user_sha256, max(erased_at) AS erased_at FROM resumectl_erasures \
               GROUP BY 1) e \
         JOIN present p USING (user_sha256) \
         GROUP BY e.user_sha256 ORDER BY e.user_sha256",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "checking the ledger of erasures"))
}
