//! The plan of an export, made before anything is rendered: the user's template read, the
//! record read, where the file goes and under what name, and whether the local file there
//! is this version's export already (then nothing is written to it).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result};
use serde_json::Value;
use uuid::Uuid;

use super::file::LocalFile;
use super::made_with::MadeWith;
use super::publish::UploadRequest;
use super::template::read_template;
use super::{Destination, EXPORTS_KEY, ExportNote, ExportRequest};
use crate::db::records;
use crate::db::session::Session;
use crate::document::parse_stored;
use crate::error;
use crate::export::locale::Locale;
use crate::export::pdf::design::Design;
use crate::export::pdf::fonts::FontSources;
use crate::export::pdf::themes::Theme;
use crate::export::pdf::{Paper, PdfOptions, Png, Template};
use crate::export::{self, RenderOptions};
use crate::model::record::Record;
use crate::model::reports::ExportFormat;

/// What an export does; `files` is None when the bytes go to stdout (nothing noted).
pub(super) struct Plan {
    pub(super) source: Source,
    pub(super) files: Option<Files>,
}

/// What is rendered, and how: the record as read, and the options it is laid out with.
pub(super) struct Source {
    pub(super) id: Uuid,
    pub(super) format: ExportFormat,
    pub(super) cover_note: bool,
    paper: Paper,
    template: Option<Template>,
    theme: Option<&'static Theme>,
    design: Design,
    locale: Option<&'static Locale>,
    png: Option<Png>,
    render_timeout: Option<Duration>,
    fonts: FontSources,
    /// The reuse key of a PDF; None for any other format.
    pub(super) made_with: Option<MadeWith>,
    pub(super) record: Record,
    pub(super) document: Option<Value>,
}

/// Where the file goes (a local file, an upload, or both), and the earlier exports noted.
pub(super) struct Files {
    /// The note's key in resumectl_exports (`pdf`, `pdf_cover_note`), and its upload's.
    pub(super) key: String,
    pub(super) upload_key: String,
    pub(super) force: bool,
    /// This record's earlier exports, by key.
    pub(super) notes: BTreeMap<String, ExportNote>,
    /// Checked, and perhaps reusable, before anything is rendered or uploaded.
    pub(super) local: Option<LocalFile>,
    pub(super) upload: Option<UploadRequest>,
}

impl Source {
    pub(super) fn options(&self) -> RenderOptions<'_> {
        RenderOptions {
            cover_note: self.cover_note,
            pdf: PdfOptions {
                paper: self.paper,
                template: self.template.as_ref(),
                theme: self.theme,
                design: self.design.clone(),
                png: self.png,
                timeout: self.render_timeout,
                fonts: self.fonts.clone(),
            },
            locale: self.locale,
        }
    }

    /// What an earlier note's key would be now, with the files it read as they are now:
    /// called only once everything cheaper says the note could be reused.
    pub(super) fn made_now(&self, earlier: Option<&ExportNote>) -> Option<String> {
        self.made_with
            .as_ref()
            .map(|made_with| made_with.now_for(earlier))
    }

    /// The document's suggested file name, or one made from the record's id.
    pub(super) fn suggested_name(&self) -> String {
        let (format, cover_note) = (self.format, self.cover_note);
        self.document
            .as_ref()
            .and_then(|document| export::suggested_file_name(document, format, cover_note))
            .unwrap_or_else(|| format!("resume-{}.{}", self.id, format.extension()))
    }
}

/// Reads the template and the record, and decides where the file goes. Nothing is
/// rendered yet.
pub(super) async fn plan(
    session: &mut Session,
    user: &str,
    request: ExportRequest,
) -> Result<Plan> {
    let ExportRequest {
        id,
        format,
        destination,
        force,
        cover_note,
        paper,
        template,
        theme,
        design,
        locale,
        png,
        render_timeout,
        fonts,
        upload,
    } = request;
    let template = template.as_deref().map(read_template).transpose()?;
    // Paper, template and what it read make a PDF what it is; the key says which piece.
    let made_with = MadeWith::new(
        format,
        paper,
        template.as_ref(),
        theme,
        &design,
        locale,
        png.filter(|_| format == ExportFormat::Png),
    )
    .map(|made_with| made_with.with_fonts(format, &fonts));
    let (record, document) = read_record(session, user, id).await?;
    let source = Source {
        id,
        format,
        cover_note,
        paper,
        template,
        theme,
        design,
        locale,
        png,
        render_timeout,
        fonts,
        made_with,
        record,
        document,
    };
    let path = match (destination, &upload) {
        (Destination::Stdout, None) => {
            return Ok(Plan {
                source,
                files: None,
            });
        }
        (Destination::Stdout, Some(_)) => {
            return Err(error::usage(
                "an upload's report goes to stdout: its local copy needs a file",
            ));
        }
        (Destination::File(Some(path)), _) => Some(path),
        (Destination::File(None), None) => Some(PathBuf::from(source.suggested_name())),
        (Destination::File(None), Some(_)) => None,
    };
    let files = files(&source, path, force, upload)?;
    Ok(Plan {
        source,
        files: Some(files),
    })
}

/// The record, and its document.
async fn read_record(
    session: &mut Session,
    user: &str,
    id: Uuid,
) -> Result<(Record, Option<Value>)> {
    let record = session
        .read(async |connection| records::fetch(connection, user, id).await)
        .await?;
    let document: Option<Value> = record
        .structured_output
        .as_deref()
        .map(parse_stored)
        .transpose()
        .context("reading the stored structured_output")?;
    Ok((record, document))
}

/// The earlier notes, and the local file checked against its own.
fn files(
    source: &Source,
    path: Option<PathBuf>,
    force: bool,
    upload: Option<UploadRequest>,
) -> Result<Files> {
    let key = match source.cover_note {
        true => format!("{}_cover_note", source.format.name()),
        false => source.format.name().to_string(),
    };
    let upload_key = format!("{key}_upload");
    let notes = earlier_exports(source.record.export_formats.as_deref());
    let local = path
        .map(|path| {
            let earlier = notes.get(&key);
            let version = source.record.version;
            LocalFile::prepare(path, force, &notes, earlier, version, || {
                source.made_now(earlier)
            })
        })
        .transpose()?;
    Ok(Files {
        key,
        upload_key,
        force,
        notes,
        local,
        upload,
    })
}

/// This record's earlier exports, by format.
fn earlier_exports(export_formats: Option<&str>) -> BTreeMap<String, ExportNote> {
    export_formats
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| serde_json::from_value(value.get(EXPORTS_KEY)?.clone()).ok())
        .unwrap_or_default()
}
