//! `resumectl export ID --to txt|md|html|docx`: the saved document as a file. The record's
//! export_formats notes what was written from which version; exporting an unchanged
//! version again reuses that file (unless --force).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::records;
use crate::error;
use crate::export::{self, ExportFormat};
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
    again reuses it.")]
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
        .map(serde_json::from_str)
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
    let format_key = args.to.extension();
    if !args.force
        && let Some(note) = earlier_export(record.export_formats.as_deref(), format_key)
        && note.version == record.version
        && note.file == path
        && file_digest(&path).is_some_and(|digest| digest == note.sha256)
    {
        return Ok(Output::Exported(ExportReport {
            id,
            format: args.to,
            version: record.version,
            path: Some(path),
            bytes: note.bytes,
            sha256: note.sha256,
            reused: true,
        }));
    }

    let bytes = render()?;
    write_file(&path, &bytes)?;
    let sha256 = hex_digest(&bytes);
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

fn earlier_export(export_formats: Option<&str>, format: &str) -> Option<ExportNote> {
    let value: Value = serde_json::from_str(export_formats?).ok()?;
    serde_json::from_value(value.get(EXPORTS_KEY)?.get(format)?.clone()).ok()
}

/// Writes through a temporary file in the same directory, renamed into place: a reader
/// never sees half a file, and a failure leaves the old one.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let cannot = |what: &str, io: std::io::Error| {
        error::invalid(format!(
            "cannot write {}: {what}: {}",
            path.display(),
            crate::input::describe_io(&io)
        ))
    };
    if path.is_dir() {
        return Err(error::invalid(format!(
            "cannot write {}: it is a directory",
            path.display()
        )));
    }
    let directory = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        // A document for people to open: the usual permissions (less the umask), not the
        // 0600 of a temporary file.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder
        .tempfile_in(directory)
        .map_err(|io| cannot("its directory", io))?;
    temporary
        .write_all(bytes)
        .map_err(|io| cannot("writing", io))?;
    temporary
        .persist(path)
        .map_err(|persist| cannot("renaming into place", persist.error))?;
    Ok(())
}

fn file_digest(path: &Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| hex_digest(&bytes))
}

fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
