//! `resumectl schema`: the JSON Schema (draft 2020-12) the validator is built from, as
//! kept in `schema/`, for editors and other tools.

use anyhow::Result;
use clap::Args;

use crate::output::Output;
use crate::values::DocumentKindArg;
use resumectl_core::document::DocumentKind;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl schema > structured_output.schema.json\n  \
    resumectl schema qa-metrics")]
pub struct SchemaArgs {
    /// Which document's schema
    #[arg(default_value = "structured-output", value_parser = with_schema())]
    pub kind: DocumentKind,
}

/// The kinds that have a schema of their own (a save line's fields each follow theirs).
fn with_schema() -> impl clap::builder::TypedValueParser<Value = DocumentKind> {
    use clap::ValueEnum;
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["structured-output", "qa-metrics", "export-formats"])
        .map(|name: String| {
            DocumentKindArg::from_str(&name, false)
                .expect("a DocumentKind name")
                .into()
        })
}

pub fn run(args: &SchemaArgs) -> Result<Output> {
    // The embedded text itself, byte for byte: the same bytes the validator compiles.
    let text = args
        .kind
        .schema_text()
        .expect("only kinds with a schema are accepted");
    Ok(Output::Raw(text.to_string()))
}
