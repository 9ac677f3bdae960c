//! `resumectl schema`: the JSON Schema (draft 2020-12) the validator is built from, as
//! kept in `schema/`, for editors and other tools.

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::document::DocumentKind;
use crate::output::Output;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl schema > structured_output.schema.json\n  \
    resumectl schema qa-metrics")]
pub struct SchemaArgs {
    /// Which document's schema
    #[arg(value_enum, default_value_t = SchemaKind::StructuredOutput)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    StructuredOutput,
    QaMetrics,
    ExportFormats,
}

pub fn run(args: &SchemaArgs) -> Result<Output> {
    let kind = match args.kind {
        SchemaKind::StructuredOutput => DocumentKind::StructuredOutput,
        SchemaKind::QaMetrics => DocumentKind::QaMetrics,
        SchemaKind::ExportFormats => DocumentKind::ExportFormats,
    };
    // The embedded text itself, byte for byte: the same bytes the validator compiles.
    Ok(Output::Raw(kind.schema_text().to_string()))
}
