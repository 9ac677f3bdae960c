//! `resumectl validate`: check documents offline, with the very validator `save` uses.
//! No database, no configuration needed.

use std::io::Write;

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::output::Output;
use crate::output::stream::Stream;
use crate::values::{self, DocumentKindArg};
use resumectl_core::document::DocumentKind;
use resumectl_core::input::{self, Source};
use resumectl_core::ops;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl validate resume.json other.json\n  \
    resumectl get ID --field structured_output | resumectl validate -\n  \
    resumectl validate --ndjson documents.ndjson\n  \
    resumectl validate --ndjson --kind save-line batch.ndjson   # what save --ndjson would accept\n\n\
    Exits 0 when every document is valid, 5 when any is not.")]
pub struct ValidateArgs {
    /// Documents to check: FILEs, or '-' for stdin [default: stdin when it is not a terminal]
    #[arg(value_name = "FILE|-")]
    pub files: Vec<String>,

    /// Each input is NDJSON: one document a line (blank lines are ignored)
    #[arg(long)]
    pub ndjson: bool,

    /// What each document is
    #[arg(long, default_value = "structured-output",
          value_parser = values::parser::<DocumentKindArg, DocumentKind>())]
    pub kind: DocumentKind,
}

pub async fn run(
    args: &ValidateArgs,
    context: &Context<'_>,
    out: &mut dyn Write,
) -> Result<Output> {
    let sources: Vec<Source> = if args.files.is_empty() {
        vec![context.source(None, "document")?]
    } else {
        args.files
            .iter()
            .map(|file| context.source(Some(file), "document"))
            .collect::<Result<_>>()?
    };
    input::at_most_one_stdin(&sources.iter().collect::<Vec<_>>())?;
    let settings = context.settings;
    let mut stream = Stream::new(context.shell.format(), out, None, false);
    let summary = ops::validate::validate(
        &sources,
        args.ndjson,
        args.kind,
        settings.max_input_size,
        &mut |item| stream.validation(item),
    )
    .await?;
    Ok(Output::Validated(summary))
}
