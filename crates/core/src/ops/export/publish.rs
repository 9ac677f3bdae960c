//! Publishing an export: the upload first, then the local file. `upload`: the rendered
//! file put where the web application serves it from, recorded the way it reads it
//! (`pdf_url`, `generated_at`, `expires_at` in export_formats), and reused while unexpired
//! and still in the store.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, Datelike as _, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::ExportNote;
use super::file::LocalFile;
use super::plan::{Files, Source};
use super::render::Rendering;
use super::upload::Uploader;
use super::upload_url::UploadUrl;
use crate::error::{CliError, ErrorKind, Hint};
use crate::model::aws::AwsSettings;
use crate::model::record::Record;
use crate::model::reports::ExportFormat;

/// Where and for how long an upload goes.
pub struct UploadRequest {
    pub url: UploadUrl,
    /// How long the web application may hand out the stored URL (`expires_at`).
    pub ttl: Duration,
    /// Also print a time-limited https URL for sharing (S3), never stored.
    pub presign: Option<Duration>,
    /// Reads the S3 credentials, only when an S3 upload needs them (the caller knows
    /// where they live).
    pub credentials: fn() -> Result<AwsSettings>,
}

/// What is being uploaded.
pub struct Piece<'a> {
    pub record: &'a Record,
    pub format: ExportFormat,
    pub cover_note: bool,
    pub file_name: String,
    /// For a PDF, the key the earlier upload's note must have to be reused (paper,
    /// template, and the files it read as they are now).
    pub made_now: &'a dyn Fn() -> Option<String>,
}

/// An object in the store, new or reused.
pub struct Uploaded {
    pub url: String,
    pub expires_at: String,
    pub presigned_url: Option<String>,
    pub bytes: u64,
    pub sha256: String,
    /// The note to record, and the web application's keys: None when reused.
    pub note: Option<ExportNote>,
    pub app_keys: Value,
}

/// What publishing did: the object in the store (new or reused), and whether a local file
/// was written that can be noted.
pub(super) struct Published {
    pub(super) uploaded: Option<Uploaded>,
    pub(super) local_regular: bool,
}

/// Uploads and writes what the plan says, rendering only when something is not reused.
/// The upload first: a local copy is written only once the object is in the store.
pub(super) async fn publish(
    source: &Source,
    files: &Files,
    rendering: &mut Rendering<'_>,
) -> Result<Published> {
    let uploaded = match &files.upload {
        None => None,
        Some(request) => {
            let earlier = files.notes.get(&files.upload_key);
            let piece = Piece {
                record: &source.record,
                format: source.format,
                cover_note: source.cover_note,
                file_name: source.suggested_name(),
                made_now: &|| source.made_now(earlier),
            };
            Some(upload(request, piece, files.force, earlier, rendering).await?)
        }
    };
    let local_regular = match &files.local {
        Some(local) if local.reusable.is_none() => {
            write_local(local, uploaded.as_ref(), rendering).await?
        }
        _ => false,
    };
    Ok(Published {
        uploaded,
        local_regular,
    })
}

/// Writes the local file; true when it is one that can be noted.
async fn write_local(
    local: &LocalFile,
    uploaded: Option<&Uploaded>,
    rendering: &mut Rendering<'_>,
) -> Result<bool> {
    if let Err(failure) = local.target.write(rendering.bytes().await?) {
        // Checked before the upload, so only something like a full disk gets here; the
        // message then says what is in the store, so nobody is left to find it.
        return Err(match uploaded.filter(|uploaded| uploaded.note.is_some()) {
            Some(uploaded) => failure.context(format!(
                "uploaded {} (it stays in the store; nothing was recorded)",
                uploaded.url
            )),
            None => failure,
        });
    }
    // A device or FIFO holds nothing to reuse: it is not noted.
    Ok(local.target.is_regular())
}

/// Puts the piece in the store, unless the same version, format and template is there
/// already, unexpired (forced, it is put again). Renders only when it uploads.
async fn upload(
    request: &UploadRequest,
    piece: Piece<'_>,
    force: bool,
    earlier: Option<&ExportNote>,
    rendering: &mut Rendering<'_>,
) -> Result<Uploaded> {
    let now = Utc::now();
    let expires = expiry(now, request.ttl)?;
    let uploader = Uploader::open(&request.url, request.credentials)?;
    let record = piece.record;
    let key = uploader.key(record.id, record.version, &piece.file_name)?;
    let url = uploader.url(&key);
    let presigned_url = match request.presign {
        Some(ttl) => Some(uploader.presign(&key, ttl).await?),
        None => None,
    };
    let unexpired = |note: &ExportNote| {
        note.expires_at
            .as_deref()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| at > now)
    };
    // The same object, unexpired, and still in the store (a HEAD request): kept.
    if !force
        && let Some(note) = earlier
        && note.url.as_deref() == Some(url.as_str())
        && note.version == record.version
        && unexpired(note)
        // The reuse key after the cheap checks: it reads the files the template read.
        && note.made_with == (piece.made_now)()
        && uploader.exists(&key).await?
    {
        return Ok(Uploaded {
            url,
            expires_at: note.expires_at.clone().unwrap_or_default(),
            presigned_url,
            bytes: note.bytes,
            sha256: note.sha256.clone(),
            note: None,
            app_keys: Value::Null,
        });
    }

    let bytes = rendering.bytes().await?.to_vec();
    uploader
        .put(&key, bytes, content_type(piece.format))
        .await?;
    Ok(uploaded(
        &piece,
        url,
        presigned_url,
        rendering,
        now,
        expires,
    ))
}

/// When an upload made now expires. Known before anything is sent: a time to live past
/// what a timestamp can say is refused here, not found out after the PUT (the command line
/// bounds it; this never panics).
fn expiry(now: DateTime<Utc>, ttl: Duration) -> Result<DateTime<Utc>> {
    let expires = chrono::Duration::from_std(ttl)
        .ok()
        .and_then(|ttl| now.checked_add_signed(ttl))
        .filter(|at| at.year() <= 9999)
        .ok_or_else(|| {
            CliError::new(
                ErrorKind::Usage,
                "the time to live reaches past any expiry date",
            )
            .with_hint(Hint::TtlTooFar)
        })?;
    Ok(expires)
}

/// A new object: what the report says of it, its note, and the web application's keys.
fn uploaded(
    piece: &Piece<'_>,
    url: String,
    presigned_url: Option<String>,
    rendering: &Rendering<'_>,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Uploaded {
    let (made_with, template_reads) = rendering.made_with();
    let (size, sha256) = rendering
        .digest()
        .expect("the bytes were rendered before the upload");
    let generated_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let expires_at = expires.to_rfc3339_opts(SecondsFormat::Secs, true);
    let note = ExportNote {
        file: None,
        url: Some(url.clone()),
        version: piece.record.version,
        sha256: sha256.clone(),
        bytes: size,
        generated_at: generated_at.clone(),
        expires_at: Some(expires_at.clone()),
        made_with,
        template_reads,
    };
    // The web application's own keys for this format: its URL, when, until when.
    let url_key = match piece.cover_note {
        true => format!("cover_note_{}_url", piece.format.name()),
        false => format!("{}_url", piece.format.name()),
    };
    let app_keys = json!({ url_key: url, "generated_at": generated_at, "expires_at": expires_at });
    Uploaded {
        url,
        expires_at,
        presigned_url,
        bytes: size,
        sha256,
        note: Some(note),
        app_keys,
    }
}

fn content_type(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Txt => "text/plain; charset=utf-8",
        ExportFormat::Md => "text/markdown; charset=utf-8",
        ExportFormat::Html => "text/html; charset=utf-8",
        ExportFormat::Docx => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        ExportFormat::Pdf => "application/pdf",
        ExportFormat::Png => "image/png",
        ExportFormat::Jsonresume => "application/json",
    }
}
