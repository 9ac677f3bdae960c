//! `resumectl save`: validate a structured_output document (and any other given fields)
//! and write them in one transaction; `--new` creates a record instead.

pub mod inputs;

use anyhow::Result;
use clap::{Args, ValueEnum};
use clap_complete::ArgValueCompleter;

use crate::commands::args::WriteArgs;
use crate::commands::{Context, complete};
use crate::output::Output;
use crate::values::parse_id;
use resumectl_core::error;
use resumectl_core::model::changes::Saved;
use resumectl_core::model::save::Save;
use resumectl_core::ops;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl get ID --field structured_output | jq '.targeting.summary = \"...\"' | resumectl save ID -\n  \
    resumectl save --new --title 'Data Engineer, Acme' resume.json\n  \
    resumectl save ID --match-score 91 --clear export_formats\n  \
    resumectl save --ndjson batch.ndjson          # one save body a line; no \"id\" creates\n  \
    resumectl save --ndjson --atomic batch.ndjson # all lines or none")]
pub struct SaveArgs {
    /// The record to update (omit it with --new; with --ndjson this is the FILE)
    #[arg(value_name = "ID", add = ArgValueCompleter::new(complete::record_ids_or_files))]
    pub id: Option<String>,

    /// The structured_output document: a FILE, or '-' for stdin (also read from stdin
    /// when absent, stdin is not a terminal and no other field is given)
    #[arg(value_name = "FILE|-")]
    pub file: Option<String>,

    /// Create a new record instead of updating one
    #[arg(long)]
    pub new: bool,

    /// Batch: read NDJSON, one save body a line ({"id", "structured_output", "qa_metrics",
    /// "export_formats", "optimized_content", "match_score", "title", "if_version",
    /// "note"}; no "id" creates); each line in its own transaction; bad lines are named
    /// and skipped; exit 5 if any
    #[arg(long, conflicts_with = "new")]
    pub ndjson: bool,

    /// With --ndjson: every line in one transaction; any bad line writes nothing
    #[arg(long, requires = "ndjson")]
    pub atomic: bool,

    /// With --ndjson: write on up to N connections at once (lines for one record keep
    /// their order)
    #[arg(long, value_name = "N", default_value_t = 4, requires = "ndjson",
          conflicts_with = "atomic", value_parser = clap::value_parser!(u16).range(1..=16))]
    pub jobs: u16,

    /// The record's title (required with --new)
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// With --new: the source resume's id [default: a new UUID]
    #[arg(long, value_name = "UUID", requires = "new")]
    pub original_resume_id: Option<String>,

    /// With --new: the job analysis id [default: a new UUID]
    #[arg(long, value_name = "UUID", requires = "new")]
    pub job_analysis_id: Option<String>,

    /// qa_metrics from a JSON file (or '-')
    #[arg(long, value_name = "FILE|-")]
    pub qa_metrics: Option<String>,

    /// export_formats from a JSON file (or '-')
    #[arg(long, value_name = "FILE|-")]
    pub export_formats: Option<String>,

    /// optimized_content (the plain-text resume) from a file (or '-')
    /// [default with --new: the document's tailored_resume_text.ats_plain_text]
    #[arg(long, value_name = "FILE|-")]
    pub optimized_content: Option<String>,

    /// match_score, 0 to 100
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub match_score: Option<String>,

    #[command(flatten)]
    pub write: WriteArgs,

    /// Set a nullable field back to NULL (repeatable)
    #[arg(long, value_enum, value_name = "FIELD", conflicts_with = "new")]
    pub clear: Vec<ClearField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ClearField {
    StructuredOutput,
    QaMetrics,
    ExportFormats,
    MatchScore,
}

impl ClearField {
    pub fn name(self) -> &'static str {
        match self {
            ClearField::StructuredOutput => "structured_output",
            ClearField::QaMetrics => "qa_metrics",
            ClearField::ExportFormats => "export_formats",
            ClearField::MatchScore => "match_score",
        }
    }
}

pub async fn run(args: &SaveArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    // With --new the only positional is the document.
    let (id, file) = if args.new {
        match (&args.id, &args.file) {
            (Some(_), Some(_)) => {
                return Err(error::usage(
                    "save --new takes no record id: give only the document FILE",
                ));
            }
            (first, None) => (None, first.clone()),
            (None, second) => (None, second.clone()),
        }
    } else {
        let Some(id) = &args.id else {
            return Err(error::usage(
                "save needs a record ID, or --new to create one",
            ));
        };
        (Some(parse_id(id)?), args.file.clone())
    };
    if id.is_none() && args.write.if_version.is_some() {
        return Err(error::usage("--if-version makes no sense with --new"));
    }
    let request = inputs::read_request(args, id, file.as_deref(), context)?;
    let saved = write(inputs::check(request)?, user, context).await?;
    Ok(Output::Saved(Box::new(saved)))
}

/// Writes a save that passed its rules, in one transaction: the record as stored, and
/// whether it was so already (then nothing was written).
pub async fn write(save: Save, user: &str, context: &Context<'_>) -> Result<Saved> {
    match save {
        Save::Update {
            id,
            changes,
            options,
        } => {
            context
                .session(async |session| {
                    ops::save::update(session, user, id, changes, &options).await
                })
                .await
        }
        Save::Create {
            record,
            note,
            event,
        } => context
            .session(async |session| {
                ops::save::create(session, user, &record, note.as_deref(), event.as_deref()).await
            })
            .await
            .map(|record| Saved {
                record,
                unchanged: false,
            }),
    }
}
