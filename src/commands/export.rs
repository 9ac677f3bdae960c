//! `resumectl export ID --to txt|md|html|docx`: the saved document as a file, noted in
//! export_formats and reused while the version it shows is unchanged.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::RecordIdArg;
use crate::commands::Context;
use crate::error;
use crate::model::reports::ExportFormat;
use crate::ops;
use crate::ops::export::{Destination, Exported};
use crate::output::Output;

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
            return Err(error::usage(
                "a docx is binary: write it to a file (-o FILE), or pipe stdout elsewhere",
            ));
        }
        Some("-") => Destination::Stdout,
        Some(path) => Destination::File(Some(PathBuf::from(path))),
        None => Destination::File(None),
    };
    let exported = context
        .session(async |session| {
            ops::export::export(session, user, id, args.to, destination, args.force).await
        })
        .await?;
    Ok(match exported {
        Exported::Bytes(bytes) => Output::Bytes(bytes),
        Exported::Written(report) => Output::Exported(report),
    })
}
