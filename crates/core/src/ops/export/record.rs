//! Recording an export: what was written or uploaded, noted in export_formats in one
//! UPDATE that holds only while the record is still the version exported.

use anyhow::Result;
use serde_json::Value;

use super::ExportNote;
use super::plan::{Files, Source};
use super::publish::Published;
use super::render::Rendering;
use crate::db::records;
use crate::db::session::Session;
use crate::error::{CliError, ErrorKind};

/// Notes the new local file and upload; true when noted (or nothing new needed noting).
/// An upload the record moved on from is an error that names its URL.
pub(super) async fn record(
    session: &mut Session,
    user: &str,
    source: &Source,
    files: &Files,
    rendering: &Rendering<'_>,
    published: &Published,
) -> Result<bool> {
    let (entries, app_keys) = new_notes(source, files, rendering, published)?;
    let id = source.id;
    let version = source.record.version;
    let noted = if entries.is_empty() {
        // Nothing new to note: reused, or written through a device.
        true
    } else {
        let entries = Value::Object(entries).to_string();
        session
            .write(async |connection| {
                records::note_export(connection, user, id, version, &entries, app_keys.as_deref())
                    .await
            })
            .await?
    };
    let uploaded = published.uploaded.as_ref();
    if !noted && let Some(uploaded) = uploaded.filter(|uploaded| uploaded.note.is_some()) {
        return Err(CliError::new(
            ErrorKind::Conflict,
            format!(
                "uploaded {}, but record {id} changed while it was exported (the file shows \
                 version {}): export_formats was not updated; export again to record the \
                 new version",
                uploaded.url, version
            ),
        )
        .into());
    }
    Ok(noted)
}

/// The entries to merge into resumectl_exports (a new local file's, a new upload's), and
/// the web application's keys of a new upload.
fn new_notes(
    source: &Source,
    files: &Files,
    rendering: &Rendering<'_>,
    published: &Published,
) -> Result<(serde_json::Map<String, Value>, Option<String>)> {
    let mut entries = serde_json::Map::new();
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if published.local_regular
        && let (Some(local), Some((bytes, sha256))) = (&files.local, rendering.digest())
    {
        let (made_with, template_reads) = rendering.made_with();
        let note = ExportNote {
            file: Some(local.path.clone()),
            url: None,
            version: source.record.version,
            sha256,
            bytes,
            generated_at,
            expires_at: None,
            made_with,
            template_reads,
        };
        entries.insert(files.key.clone(), serde_json::to_value(note)?);
    }
    let mut app_keys = None;
    if let Some(uploaded) = &published.uploaded
        && let Some(note) = &uploaded.note
    {
        entries.insert(files.upload_key.clone(), serde_json::to_value(note)?);
        app_keys = Some(uploaded.app_keys.to_string());
    }
    Ok((entries, app_keys))
}
