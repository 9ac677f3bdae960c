//! `export`: the saved document rendered as a file, noted in export_formats, and reused
//! while the version it shows is unchanged. Four stages: `plan` (the template and the
//! record read, where the file goes, whether the local file is reusable), `publish` (the
//! upload, then the local file, rendering only what is not reused), `record` (the note in
//! export_formats), and the report.

mod file;
mod folder;
mod made_with;
pub mod objects;
mod plan;
mod publish;
mod record;
mod render;
mod store_errors;
mod template;
mod upload;
mod upload_url;

use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::session::Session;
use crate::export::pdf::Paper;
use crate::model::reports::{ExportFormat, ExportReport};
use plan::{Files, Source, plan};
pub use publish::UploadRequest;
use publish::{Published, publish};
use record::record;
use render::Rendering;
pub use upload_url::UploadUrl;

/// The key of export_formats under which resumectl notes its files, one entry a format.
/// The web application's own keys (docx_url, txt_url, ...) are left as they are.
pub const EXPORTS_KEY: &str = "resumectl_exports";

/// Where an export goes.
pub enum Destination {
    Stdout,
    /// A file; None: the document's suggested name in the current directory, or, with an
    /// upload, no local file.
    File(Option<PathBuf>),
}

/// What an export produced.
pub enum Exported {
    /// The bytes, for stdout, and what the user should know about them.
    Bytes {
        bytes: Vec<u8>,
        warnings: Vec<String>,
    },
    Written(ExportReport),
}

/// What to export and how.
pub struct ExportRequest {
    pub id: Uuid,
    pub format: ExportFormat,
    pub destination: Destination,
    /// Write even when an unchanged export exists, or over a file that is not one.
    pub force: bool,
    /// The document's cover note instead of the resume.
    pub cover_note: bool,
    pub paper: Paper,
    /// A user's Typst template (PDF only).
    pub template: Option<PathBuf>,
    /// A built-in theme (PDF only; None: the default).
    pub theme: Option<&'static crate::export::pdf::themes::Theme>,
    /// Design options (PDF only).
    pub design: crate::export::pdf::design::Design,
    /// The language of a PDF's headings and dates (None: the document's, else English).
    pub locale: Option<&'static crate::export::locale::Locale>,
    /// PNG only: which page, how sharp (None: page 1 at 144 dpi).
    pub png: Option<crate::export::pdf::Png>,
    /// How long typesetting a PDF may take; None: no deadline.
    pub render_timeout: Option<std::time::Duration>,
    /// Where a PDF's fonts beyond the embedded ones are found.
    pub fonts: crate::export::pdf::fonts::FontSources,
    /// Also (or only) put the file in object storage.
    pub upload: Option<UploadRequest>,
}

/// One entry under export_formats.resumectl_exports: a local file, or an uploaded object.
#[derive(Debug, Serialize, Deserialize)]
struct ExportNote {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    version: i64,
    sha256: String,
    bytes: u64,
    generated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
    /// What else made the file what it is (paper, template, the files the template
    /// read): reused only when the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    made_with: Option<String>,
    /// The files of the template's folder that the template read (paths in the folder):
    /// `made_with` covers what they held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    template_reads: Vec<String>,
}

/// Plan, render (lazily, inside publish), publish, record, report.
pub async fn export(session: &mut Session, user: &str, request: ExportRequest) -> Result<Exported> {
    let plan = plan(session, user, request).await?;
    let source = &plan.source;
    let mut rendering = Rendering::new(source);
    let Some(files) = &plan.files else {
        // To stdout: the bytes, nothing reused and nothing noted.
        let bytes = rendering.bytes().await?.to_vec();
        let warnings = rendering.warnings().to_vec();
        return Ok(Exported::Bytes { bytes, warnings });
    };
    let published = publish(source, files, &mut rendering).await?;
    let noted = record(session, user, source, files, &rendering, &published).await?;
    let report = report(source, files, &rendering, published, noted);
    Ok(Exported::Written(report))
}

/// What was made or reused, where, and whether it was noted.
fn report(
    source: &Source,
    files: &Files,
    rendering: &Rendering<'_>,
    published: Published,
    noted: bool,
) -> ExportReport {
    let uploaded = published.uploaded;
    let (bytes, sha256) = match rendering.digest() {
        Some(digest) => digest,
        // Nothing rendered: every part was reused, and its note says what it holds.
        None => files
            .local
            .as_ref()
            .and_then(|local| local.reusable.clone())
            .or_else(|| {
                let uploaded = uploaded.as_ref()?;
                Some((uploaded.bytes, uploaded.sha256.clone()))
            })
            .unwrap_or_default(),
    };
    let (url, expires_at, presigned_url) = match uploaded {
        Some(uploaded) => (
            Some(uploaded.url),
            Some(uploaded.expires_at),
            uploaded.presigned_url,
        ),
        None => (None, None, None),
    };
    ExportReport {
        id: source.id,
        format: source.format,
        version: source.record.version,
        path: files.local.as_ref().map(|local| local.path.clone()),
        bytes,
        sha256,
        reused: !rendering.rendered(),
        noted,
        url,
        expires_at,
        presigned_url,
        warnings: rendering.warnings().to_vec(),
    }
}
