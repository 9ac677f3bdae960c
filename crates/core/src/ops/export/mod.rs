//! `export`: the saved document rendered as a file, noted in export_formats, and reused
//! while the version it shows is unchanged.

mod file;
mod folder;
mod made_with;
mod publish;
mod store_errors;
mod template;
mod upload;
mod upload_url;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::db::records;
use crate::db::session::Session;
use crate::document::parse_stored;
use crate::error::{self, CliError, ErrorKind, Hint};
use crate::export::hex_digest;
use crate::export::pdf::{Paper, PdfOptions, TemplateRead};
use crate::export::{self, RenderOptions};
use crate::model::record::Record;
use crate::model::reports::{ExportFormat, ExportReport};
use file::LocalFile;
use made_with::MadeWith;
pub use publish::UploadRequest;
use template::read_template;
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
    /// The bytes, for stdout.
    Bytes(Vec<u8>),
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
    /// How long typesetting a PDF may take; None: no deadline.
    pub render_timeout: Option<std::time::Duration>,
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

/// The file's bytes, rendered once, when first needed: a reused export renders nothing.
struct Rendering<'a> {
    record: &'a Record,
    document: Option<&'a Value>,
    format: ExportFormat,
    options: &'a RenderOptions<'a>,
    made_with: Option<&'a MadeWith<'a>>,
    bytes: Option<Vec<u8>>,
    /// The bytes' SHA-256, worked out once when they were rendered (every note and the
    /// report carry it).
    sha256: Option<String>,
    /// The files of the template's folder the PDF was made from.
    template_reads: Vec<TemplateRead>,
}

impl Rendering<'_> {
    async fn bytes(&mut self) -> Result<&[u8]> {
        let bytes = match self.bytes.take() {
            Some(bytes) => bytes,
            None => {
                let rendered =
                    render(self.record, self.document, self.format, self.options).await?;
                self.template_reads = rendered.template_reads;
                self.sha256 = Some(hex_digest(&rendered.bytes));
                rendered.bytes
            }
        };
        Ok(self.bytes.insert(bytes))
    }

    /// The size and SHA-256 of what was rendered; None before anything was.
    fn digest(&self) -> Option<(u64, String)> {
        Some((self.bytes.as_ref()?.len() as u64, self.sha256.clone()?))
    }

    /// The reuse key of what was rendered, and the files it covers, for its note.
    fn made_with(&self) -> (Option<String>, Vec<String>) {
        let key = self
            .made_with
            .map(|made_with| made_with.of(&self.template_reads));
        let paths = self
            .template_reads
            .iter()
            .map(|read| read.path.clone())
            .collect();
        (key, paths)
    }
}

pub async fn export(session: &mut Session, user: &str, request: ExportRequest) -> Result<Exported> {
    let ExportRequest {
        id,
        format,
        destination,
        force,
        cover_note,
        paper,
        template,
        render_timeout,
        upload,
    } = request;
    let template = template.as_deref().map(read_template).transpose()?;
    let options = RenderOptions {
        cover_note,
        pdf: PdfOptions {
            paper,
            template: template.as_ref(),
            timeout: render_timeout,
        },
    };
    // Paper, template and what it read make a PDF what it is; the key says which piece.
    let made_with = MadeWith::new(format == ExportFormat::Pdf, paper, template.as_ref());
    let key = match cover_note {
        true => format!("{}_cover_note", format.name()),
        false => format.name().to_string(),
    };
    let upload_key = format!("{key}_upload");
    let record = session
        .read(async |connection| records::fetch(connection, user, id).await)
        .await?;
    let document: Option<Value> = record
        .structured_output
        .as_deref()
        .map(parse_stored)
        .transpose()
        .context("reading the stored structured_output")?;
    let mut rendering = Rendering {
        record: &record,
        document: document.as_ref(),
        format,
        options: &options,
        made_with: made_with.as_ref(),
        bytes: None,
        sha256: None,
        template_reads: Vec::new(),
    };
    let suggested = || {
        document
            .as_ref()
            .and_then(|document| export::suggested_file_name(document, format, cover_note))
            .unwrap_or_else(|| format!("resume-{id}.{}", format.extension()))
    };
    let path = match (destination, &upload) {
        (Destination::Stdout, None) => {
            return Ok(Exported::Bytes(rendering.bytes().await?.to_vec()));
        }
        (Destination::Stdout, Some(_)) => {
            return Err(error::usage(
                "an upload's report goes to stdout: its local copy needs a file",
            ));
        }
        (Destination::File(Some(path)), _) => Some(path),
        (Destination::File(None), None) => Some(PathBuf::from(suggested())),
        (Destination::File(None), Some(_)) => None,
    };
    let notes = earlier_exports(record.export_formats.as_deref());
    // What an earlier note's key would be now, with the files it read as they are now:
    // worked out only once everything cheaper says the note could be reused.
    let made_now = |earlier: Option<&ExportNote>| {
        made_with
            .as_ref()
            .map(|made_with| made_with.now_for(earlier))
    };
    let local = path
        .map(|path| {
            let earlier = notes.get(&key);
            LocalFile::prepare(path, force, &notes, earlier, record.version, || {
                made_now(earlier)
            })
        })
        .transpose()?;

    // The upload first: a local copy is written only once the object is in the store.
    let uploaded = match &upload {
        None => None,
        Some(upload) => {
            let earlier = notes.get(&upload_key);
            let piece = publish::Piece {
                record: &record,
                format,
                cover_note,
                file_name: suggested(),
                made_now: &|| made_now(earlier),
            };
            Some(publish::upload(upload, piece, force, earlier, &mut rendering).await?)
        }
    };
    let mut entries = serde_json::Map::new();
    let mut local_regular = false;
    if let Some(local) = &local
        && local.reusable.is_none()
    {
        if let Err(failure) = local.target.write(rendering.bytes().await?) {
            // Checked before the upload, so only something like a full disk gets here; the
            // message then says what is in the store, so nobody is left to find it.
            return Err(
                match uploaded.as_ref().filter(|uploaded| uploaded.note.is_some()) {
                    Some(uploaded) => failure.context(format!(
                        "uploaded {} (it stays in the store; nothing was recorded)",
                        uploaded.url
                    )),
                    None => failure,
                },
            );
        }
        // A device or FIFO holds nothing to reuse: it is not noted.
        local_regular = local.target.is_regular();
    }
    let generated_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if local_regular && let (Some(local), Some((bytes, sha256))) = (&local, rendering.digest()) {
        let (made_with, template_reads) = rendering.made_with();
        let note = ExportNote {
            file: Some(local.path.clone()),
            url: None,
            version: record.version,
            sha256,
            bytes,
            generated_at,
            expires_at: None,
            made_with,
            template_reads,
        };
        entries.insert(key.clone(), serde_json::to_value(note)?);
    }
    let mut app_keys = None;
    if let Some(uploaded) = &uploaded
        && let Some(note) = &uploaded.note
    {
        entries.insert(upload_key, serde_json::to_value(note)?);
        app_keys = Some(uploaded.app_keys.to_string());
    }
    let noted = if entries.is_empty() {
        // Nothing new to note: reused, or written through a device.
        true
    } else {
        let entries = Value::Object(entries).to_string();
        session
            .write(async |connection| {
                records::note_export(
                    connection,
                    user,
                    id,
                    record.version,
                    &entries,
                    app_keys.as_deref(),
                )
                .await
            })
            .await?
    };
    if !noted && let Some(uploaded) = uploaded.as_ref().filter(|uploaded| uploaded.note.is_some()) {
        return Err(CliError::new(
            ErrorKind::Conflict,
            format!(
                "uploaded {}, but record {id} changed while it was exported (the file shows \
                 version {}): export_formats was not updated; export again to record the \
                 new version",
                uploaded.url, record.version
            ),
        )
        .into());
    }

    let (bytes, sha256) = match rendering.digest() {
        Some(digest) => digest,
        // Nothing rendered: every part was reused, and its note says what it holds.
        None => local
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
    Ok(Exported::Written(ExportReport {
        id,
        format,
        version: record.version,
        path: local.map(|local| local.path),
        bytes,
        sha256,
        reused: rendering.bytes.is_none(),
        noted,
        url,
        expires_at,
        presigned_url,
    }))
}

/// The file's bytes. A record the web application made without a document still has its
/// plain text.
async fn render(
    record: &Record,
    document: Option<&Value>,
    format: ExportFormat,
    options: &RenderOptions<'_>,
) -> Result<export::Rendered> {
    let text_only = |bytes: Vec<u8>| export::Rendered {
        bytes,
        template_reads: Vec::new(),
    };
    match (document, record.structured_output.as_deref()) {
        (Some(document), Some(text)) if format != ExportFormat::Txt || options.cover_note => {
            export::render(document, text, format, options).await
        }
        (Some(document), _) if let Some(text) = export::plain_text(document) => {
            Ok(text_only(text.into_bytes()))
        }
        _ if format == ExportFormat::Txt && !options.cover_note => record
            .optimized_content
            .clone()
            .map(|text| text_only(text.into_bytes()))
            .ok_or_else(|| {
                error::invalid(format!(
                    "record {} has neither a structured_output nor an optimized_content to \
                     export",
                    record.id
                ))
            }),
        _ => Err(CliError::new(
            ErrorKind::InvalidInput,
            format!(
                "record {} has no structured_output to lay out as {format}",
                record.id
            ),
        )
        .with_hint(Hint::PlainTextOnly)
        .into()),
    }
}

/// This record's earlier exports, by format.
fn earlier_exports(export_formats: Option<&str>) -> BTreeMap<String, ExportNote> {
    export_formats
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| serde_json::from_value(value.get(EXPORTS_KEY)?.clone()).ok())
        .unwrap_or_default()
}
