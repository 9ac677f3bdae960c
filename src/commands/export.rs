//! `resumectl export ID --to txt|md|html|docx`: the saved document as a file. The record's
//! export_formats notes what was written from which version; exporting an unchanged
//! version again reuses that file (unless --force).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::records;
use crate::error;
use crate::export::{self, ExportFormat};
use crate::output::file::{FileTarget, hex_digest};
use crate::output::{self, Output};

/// The key of export_formats under which resumectl notes its files, one entry a format.
/// The web application's own keys (docx_url, txt_url, ...) are left as they are.
pub const EXPORTS_KEY: &str = "resumectl_exports";

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl export ID --to docx                 # ./<file_name_suggestion>.docx\n  \
    resumectl export ID --to html -o resume.html\n  \
    resumectl export ID --to md -o - | less\n\n\
    The record's export_formats.resumectl_exports.<format> notes the file, the version it \
    shows, its SHA-256 and when it was made; exporting the same version to the same file \
    again reuses it. An existing file is replaced only when it still holds this record's \
    export (else --force), keeping its permissions; a read-only file is refused; devices \
    and FIFOs (-o /dev/stdout) are written through; a symlink's target is written.")]
pub struct ExportArgs {
    /// The record id (a UUID)
    pub id: String,

    /// The format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,

    /// Where to write it; '-' for stdout [default: the document's file_name_suggestion,
    /// with the format's extension, in the current directory]
    #[arg(short, long, value_name = "FILE|-")]
    pub output: Option<String>,

    /// Write the file again even when the version it shows is unchanged
    #[arg(long)]
    pub force: bool,
}

/// What `export` did.
#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub id: Uuid,
    pub format: ExportFormat,
    pub version: i64,
    /// None when written to stdout.
    pub path: Option<PathBuf>,
    pub bytes: u64,
    pub sha256: String,
    /// True when the file from an earlier export of the same version was kept.
    pub reused: bool,
}

/// One entry under export_formats.resumectl_exports.
#[derive(Debug, Serialize, serde::Deserialize)]
struct ExportNote {
    file: PathBuf,
    version: i64,
    sha256: String,
    bytes: u64,
    generated_at: String,
}

pub async fn run(args: &ExportArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    if args.output.as_deref() == Some("") {
        return Err(error::usage(
            "-o needs a file name (or '-' for stdout); leave it out for the suggested name",
        ));
    }
    let to_stdout = args.output.as_deref() == Some("-");
    if to_stdout && args.to.is_binary() && std::io::stdout().is_terminal() {
        return Err(error::usage(
            "a docx is binary: write it to a file (-o FILE), or pipe stdout elsewhere",
        ));
    }
    let mut connection = context.connect().await?;
    let record = records::fetch(&mut connection, user, id).await?;
    let document: Option<Value> = record
        .structured_output
        .as_deref()
        .map(crate::document::parse_stored)
        .transpose()
        .context("reading the stored structured_output")?;

    let render = || -> Result<Vec<u8>> {
        match (&document, args.to) {
            (Some(document), ExportFormat::Txt) => Ok(export::plain_text(document)
                .unwrap_or_else(|| record.optimized_content.clone())
                .into_bytes()),
            // A record the web application made without a document still has its text.
            (None, ExportFormat::Txt) => Ok(record.optimized_content.clone().into_bytes()),
            (Some(document), format) => export::render(document, format),
            (None, format) => Err(error::invalid(format!(
                "record {id} has no structured_output to lay out as {format}; \
                 --to txt exports its plain text"
            ))),
        }
    };
    if to_stdout {
        return Ok(Output::Bytes(render()?));
    }

    let path = match &args.output {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(
            document
                .as_ref()
                .and_then(|document| export::suggested_file_name(document, args.to))
                .unwrap_or_else(|| format!("resume-{id}.{}", args.to.extension())),
        ),
    };
    let path = std::path::absolute(&path)
        .with_context(|| format!("resolving the path {}", path.display()))?;
    let target = FileTarget::inspect(&path)?;
    let format_key = args.to.extension();
    let notes = earlier_exports(record.export_formats.as_deref());
    let on_disk = target.current_digest();
    if !args.force
        && let Some(note) = notes.get(format_key)
        && note.version == record.version
        && note.file == path
        && on_disk.as_ref() == Some(&note.sha256)
    {
        return Ok(Output::Exported(ExportReport {
            id,
            format: args.to,
            version: record.version,
            path: Some(path),
            bytes: note.bytes,
            sha256: note.sha256.clone(),
            reused: true,
        }));
    }
    // A file with content is replaced only when it is this record's own earlier export,
    // unchanged: not a hand-edited one, and not another record's that happens to have the
    // same suggested name.
    if !args.force
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

    let bytes = render()?;
    target.write(&bytes)?;
    let sha256 = hex_digest(&bytes);
    if target.is_regular() {
        let note = ExportNote {
            file: path.clone(),
            version: record.version,
            sha256: sha256.clone(),
            bytes: bytes.len() as u64,
            generated_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        let noted = records::note_export(
            &mut connection,
            user,
            id,
            record.version,
            format_key,
            &serde_json::to_string(&note)?,
        )
        .await?;
        if !noted {
            output::notice(&format!(
                "record {id} changed while it was exported: {} shows version {} and is not \
                 noted in export_formats",
                path.display(),
                record.version
            ));
        }
    }
    db::close(connection).await;
    Ok(Output::Exported(ExportReport {
        id,
        format: args.to,
        version: record.version,
        path: Some(path),
        bytes: bytes.len() as u64,
        sha256,
        reused: false,
    }))
}

/// This record's earlier exports, by format.
fn earlier_exports(export_formats: Option<&str>) -> std::collections::BTreeMap<String, ExportNote> {
    export_formats
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| serde_json::from_value(value.get(EXPORTS_KEY)?.clone()).ok())
        .unwrap_or_default()
}
