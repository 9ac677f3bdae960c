//! `export`: the saved document rendered as a file, noted in export_formats, and reused
//! while the version it shows is unchanged.

mod file;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::db::records;
use crate::db::session::Session;
use crate::document::parse_stored;
use crate::error;
use crate::export::pdf::{Paper, PdfOptions, Template};
use crate::export::{self, RenderOptions};
use crate::input::Source;
use crate::model::record::Record;
use crate::model::reports::{ExportFormat, ExportReport};
use file::{FileTarget, hex_digest};

/// The key of export_formats under which resumectl notes its files, one entry a format.
/// The web application's own keys (docx_url, txt_url, ...) are left as they are.
pub const EXPORTS_KEY: &str = "resumectl_exports";

/// Where an export goes.
pub enum Destination {
    Stdout,
    /// A file; None: the document's suggested name in the current directory.
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
}

/// One entry under export_formats.resumectl_exports.
#[derive(Debug, Serialize, Deserialize)]
struct ExportNote {
    file: PathBuf,
    version: i64,
    sha256: String,
    bytes: u64,
    generated_at: String,
    /// What else made the file what it is (paper, template): reused only when the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    made_with: Option<String>,
}

/// The largest template read (a template is code, not data).
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// A user's template, read with its folder (the only place it may read from).
fn read_template(path: &std::path::Path) -> Result<Template> {
    let cannot = |why: String| error::invalid(format!("the template {}: {why}", path.display()));
    let folder = std::path::absolute(path)
        .map_err(|io| cannot(io.to_string()))?
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("/"));
    let bytes = Source::File(path.to_path_buf()).read(MAX_TEMPLATE_BYTES)?;
    let source = String::from_utf8(bytes).map_err(|_| cannot("it is not UTF-8 text".into()))?;
    Ok(Template {
        source,
        name: path.display().to_string(),
        folder,
    })
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
    } = request;
    let template = template.as_deref().map(read_template).transpose()?;
    let options = RenderOptions {
        cover_note,
        pdf: PdfOptions {
            paper,
            template: template.as_ref(),
        },
    };
    // Paper and template make a PDF what it is; the key says which piece it is.
    let made_with = (format == ExportFormat::Pdf).then(|| {
        let template = template
            .as_ref()
            .map_or("built-in".to_string(), |template| {
                hex_digest(template.source.as_bytes())
            });
        format!("paper {:?}, template {template}", paper).to_lowercase()
    });
    let key = match cover_note {
        true => format!("{}_cover_note", format.name()),
        false => format.name().to_string(),
    };
    let record = session
        .read(async |connection| records::fetch(connection, user, id).await)
        .await?;
    let document: Option<Value> = record
        .structured_output
        .as_deref()
        .map(parse_stored)
        .transpose()
        .context("reading the stored structured_output")?;
    let path = match destination {
        Destination::Stdout => {
            return Ok(Exported::Bytes(render(
                &record,
                document.as_ref(),
                format,
                &options,
            )?));
        }
        Destination::File(Some(path)) => path,
        Destination::File(None) => PathBuf::from(
            document
                .as_ref()
                .and_then(|document| export::suggested_file_name(document, format, cover_note))
                .unwrap_or_else(|| format!("resume-{id}.{}", format.extension())),
        ),
    };
    let path = std::path::absolute(&path)
        .with_context(|| format!("resolving the path {}", path.display()))?;
    let target = FileTarget::inspect(&path)?;
    let notes = earlier_exports(record.export_formats.as_deref());
    let on_disk = target.current_digest(force)?;
    let report = |bytes: u64, sha256: String, reused: bool, noted: bool| ExportReport {
        id,
        format,
        version: record.version,
        path: Some(path.clone()),
        bytes,
        sha256,
        reused,
        noted,
    };
    if !force
        && let Some(note) = notes.get(&key)
        && note.version == record.version
        && note.made_with == made_with
        && note.file == path
        && on_disk.as_ref() == Some(&note.sha256)
    {
        return Ok(Exported::Written(report(
            note.bytes,
            note.sha256.clone(),
            true,
            true,
        )));
    }
    // A file with content is replaced only when it is this record's own earlier export,
    // unchanged: not a hand-edited one, and not another record's that happens to have the
    // same suggested name.
    if !force
        && let Some(digest) = &on_disk
        && !notes
            .values()
            .any(|note| note.file == path && &note.sha256 == digest)
    {
        return Err(error::invalid(format!(
            "{} exists and is not this record's last export (it was edited, or another record \
             wrote it): nothing was written; pass --force to replace it, or -o another file",
            path.display()
        )));
    }

    let bytes = render(&record, document.as_ref(), format, &options)?;
    target.write(&bytes)?;
    let sha256 = hex_digest(&bytes);
    // A device or FIFO holds nothing to reuse: it is not noted.
    let mut noted = true;
    if target.is_regular() {
        let note = ExportNote {
            file: path.clone(),
            version: record.version,
            sha256: sha256.clone(),
            bytes: bytes.len() as u64,
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            made_with,
        };
        let entry = serde_json::to_string(&note)?;
        noted = session
            .write(async |connection| {
                records::note_export(
                    connection,
                    user,
                    id,
                    record.version,
                    format.extension(),
                    &entry,
                )
                .await
            })
            .await?;
    }
    Ok(Exported::Written(report(
        bytes.len() as u64,
        sha256,
        false,
        noted,
    )))
}

/// The file's bytes. A record the web application made without a document still has its
/// plain text.
fn render(
    record: &Record,
    document: Option<&Value>,
    format: ExportFormat,
    options: &RenderOptions<'_>,
) -> Result<Vec<u8>> {
    match (document, record.structured_output.as_deref()) {
        (Some(document), Some(text)) if format != ExportFormat::Txt || options.cover_note => {
            export::render(document, text, format, options)
        }
        (Some(document), _) if let Some(text) = export::plain_text(document) => {
            Ok(text.into_bytes())
        }
        _ if format == ExportFormat::Txt && !options.cover_note => record
            .optimized_content
            .clone()
            .map(String::into_bytes)
            .ok_or_else(|| {
                error::invalid(format!(
                    "record {} has neither a structured_output nor an optimized_content to \
                     export",
                    record.id
                ))
            }),
        _ => Err(error::invalid(format!(
            "record {} has no structured_output to lay out as {format}; --to txt exports its \
             plain text",
            record.id
        ))),
    }
}

/// This record's earlier exports, by format.
fn earlier_exports(export_formats: Option<&str>) -> BTreeMap<String, ExportNote> {
    export_formats
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| serde_json::from_value(value.get(EXPORTS_KEY)?.clone()).ok())
        .unwrap_or_default()
}
