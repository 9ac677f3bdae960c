//! `exports prune`: the uploaded objects past their expiry deleted from the store, and
//! their notes and URLs taken out of export_formats (every other key kept). One record at
//! a time: a store failing on one leaves that record untouched and goes on with the next.

use anyhow::Result;
use chrono::{SecondsFormat, Utc};

use crate::db::prune;
use crate::db::session::Session;
use crate::model::prune::{ExpiredUpload, PruneSummary, PrunedRecord};
use crate::ops::export::objects::Stores;

/// Prunes the user's (or every user's) expired uploads, reporting each record as it is
/// done; `dry_run`: reports what would go and changes nothing.
pub async fn prune(
    session: &mut Session,
    user: Option<&str>,
    stores: &mut Stores,
    dry_run: bool,
    mut report: impl FnMut(&PrunedRecord) -> Result<()>,
) -> Result<PruneSummary> {
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let expired = session
        .read(async |connection| prune::expired(connection, user, &now).await)
        .await?;
    let mut summary = PruneSummary {
        dry_run,
        ..PruneSummary::default()
    };
    for objects in expired.chunk_by(|a, b| a.id == b.id) {
        let mut record = PrunedRecord {
            id: objects[0].id,
            user_id: objects[0].user_id.clone(),
            status: "would_prune",
            objects: objects.to_vec(),
            error: None,
        };
        if !dry_run {
            prune_one(session, stores, &mut record, &mut summary).await?;
        }
        summary.records += 1;
        if record.status == "pruned" || record.status == "would_prune" {
            summary.objects += record.objects.len();
        }
        report(&record)?;
    }
    prune_history(session, user, stores, &now, &mut summary).await?;
    Ok(summary)
}

/// Deletes the expired objects that only superseded versions and the trash record: a
/// record's earlier uploads (each version has its own key) would otherwise stay in the
/// store for ever. Their notes stay where they are; an object already gone is not
/// counted again, so a later prune reports only what it deleted.
async fn prune_history(
    session: &mut Session,
    user: Option<&str>,
    stores: &mut Stores,
    now: &str,
    summary: &mut PruneSummary,
) -> Result<()> {
    let urls = session
        .read(async |connection| prune::expired_elsewhere(connection, user, now).await)
        .await?;
    for url in urls {
        if summary.dry_run {
            if stores.exists(&url).await.unwrap_or(true) {
                summary.history_objects += 1;
            }
            continue;
        }
        match stores.delete(&url).await {
            Ok(true) => summary.history_objects += 1,
            Ok(false) => {}
            Err(_) => summary.history_failed += 1,
        }
    }
    Ok(())
}

/// Deletes the record's expired objects, then forgets their notes; a store failure
/// leaves the notes (and so the record) as they were.
async fn prune_one(
    session: &mut Session,
    stores: &mut Stores,
    record: &mut PrunedRecord,
    summary: &mut PruneSummary,
) -> Result<()> {
    let mut gone = 0;
    for object in &record.objects {
        match stores.delete(&object.url).await {
            Ok(true) => {}
            Ok(false) => gone += 1,
            Err(failure) => {
                record.status = "failed";
                record.error = Some(format!("{failure:#}"));
                summary.failed += 1;
                return Ok(());
            }
        }
    }
    let app_keys: Vec<String> = record.objects.iter().map(app_url_key).collect();
    let (id, user, expired) = (record.id, record.user_id.as_str(), &record.objects);
    let forgotten = session
        .write(async |transaction| prune::forget(transaction, user, id, expired, &app_keys).await)
        .await?;
    record.status = if forgotten { "pruned" } else { "changed" };
    if forgotten {
        summary.already_gone += gone;
    }
    Ok(())
}

/// The web application's URL key for the upload a note records: `md_upload` ->
/// `md_url`, `md_cover_note_upload` -> `cover_note_md_url`.
fn app_url_key(upload: &ExpiredUpload) -> String {
    let key = upload.note.trim_end_matches("_upload");
    match key.strip_suffix("_cover_note") {
        Some(format) => format!("cover_note_{format}_url"),
        None => format!("{key}_url"),
    }
}
