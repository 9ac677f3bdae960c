//! `resumectl export ID --to txt|md|html|docx|pdf|jsonresume`: the saved document as a
//! file, noted in export_formats and reused while the version it shows is unchanged.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::RecordIdArg;
use crate::commands::Context;
use crate::error;
use crate::export::pdf::Paper;
use crate::model::reports::ExportFormat;
use crate::ops;
use crate::ops::export::{Destination, ExportRequest, Exported};
use crate::output::Output;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl export ID --to pdf                  # ./<file_name_suggestion>.pdf\n  \
    resumectl export ID --to pdf --paper letter --template brand/resume.typ\n  \
    resumectl export ID --to docx --cover-note    # the cover note as a letter\n  \
    resumectl export ID --to html -o resume.html\n  \
    resumectl export ID --to md -o - | less\n\n\
    The record's export_formats.resumectl_exports.<format> notes the file, the version it \
    shows, its SHA-256 and when it was made; exporting the same version to the same file \
    again reuses it. An existing file is replaced only when it still holds this record's \
    export (else --force), keeping its permissions; a read-only file is refused; devices \
    and FIFOs (-o /dev/stdout) are written through; a symlink's target is written.")]
pub struct ExportArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// The format to write
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub to: ExportFormat,

    /// Where to write it; '-' for stdout [default: the document's file_name_suggestion,
    /// with the format's extension, in the current directory]
    #[arg(short, long, value_name = "FILE|-")]
    pub output: Option<String>,

    /// Write the file again even when the version it shows is unchanged, or replace a
    /// file that is not this record's export
    #[arg(long)]
    pub force: bool,

    /// The document's cover note as a one-page letter, instead of the resume
    #[arg(long)]
    pub cover_note: bool,

    /// With --to pdf: the paper size
    #[arg(long, value_enum, value_name = "SIZE", default_value_t = Paper::A4)]
    pub paper: Paper,

    /// With --to pdf: your own Typst template (start from templates/resume.typ); it may
    /// read files in its own folder, nothing else
    #[arg(long, value_name = "FILE.typ")]
    pub template: Option<PathBuf>,
}

pub async fn run(args: &ExportArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let destination = match args.output.as_deref() {
        Some("") => {
            return Err(error::usage(
                "-o needs a file name (or '-' for stdout); leave it out for the suggested name",
            ));
        }
        Some("-") if args.to.is_binary() && context.settings.terminal.stdout => {
            return Err(error::usage(format!(
                "a {} is binary: write it to a file (-o FILE), or pipe stdout elsewhere",
                args.to
            )));
        }
        Some("-") => Destination::Stdout,
        Some(path) => Destination::File(Some(PathBuf::from(path))),
        None => Destination::File(None),
    };
    if args.to != ExportFormat::Pdf && (args.template.is_some() || args.paper != Paper::A4) {
        return Err(error::usage("--template and --paper are for --to pdf"));
    }
    let request = ExportRequest {
        id,
        format: args.to,
        destination,
        force: args.force,
        cover_note: args.cover_note,
        paper: args.paper,
        template: args.template.clone(),
    };
    let exported = context
        .session(async |session| ops::export::export(session, user, request).await)
        .await?;
    Ok(match exported {
        Exported::Bytes(bytes) => Output::Bytes(bytes),
        Exported::Written(report) => Output::Exported(report),
    })
}
