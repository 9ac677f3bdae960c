//! `resumectl save`: validate a structured_output document (and any other given fields)
//! and write them in one transaction; `--new` creates a record instead.

use anyhow::Result;
use clap::{Args, ValueEnum};
use uuid::Uuid;

use crate::cli::WriteArgs;
use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::records::{self, Change, NewRecord, RecordChanges};
use crate::document::DocumentKind;
use crate::error;
use crate::input::{Source, at_most_one_stdin};
use crate::output::Output;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl get ID --field structured_output | jq '.targeting.summary = \"...\"' | resumectl save ID -\n  \
    resumectl save --new --title 'Data Engineer, Acme' resume.json\n  \
    resumectl save ID --match-score 91 --clear export_formats\n  \
    resumectl save --ndjson batch.ndjson          # one save body a line; no \"id\" creates\n  \
    resumectl save --ndjson --atomic batch.ndjson # all lines or none")]
pub struct SaveArgs {
    /// The record to update (omit it with --new; with --ndjson this is the FILE)
    #[arg(value_name = "ID")]
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
    fn name(self) -> &'static str {
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
    let (id_arg, file_arg) = if args.new {
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
        (Some(id.as_str()), args.file.clone())
    };
    let id = id_arg.map(parse_id).transpose()?;
    if id.is_none() && args.write.if_version.is_some() {
        return Err(error::usage("--if-version makes no sense with --new"));
    }
    let changes = read_changes(args, file_arg.as_deref(), context)?;

    let mut connection = context.connect().await?;
    let mut transaction = db::begin(&mut connection, context.settings.statement_timeout).await?;
    let record = match id {
        Some(id) => {
            // The printed record shows the document written. A small one is kept; a large
            // one is not held twice while it is sent, so it is read back from the database
            // afterwards, in the same transaction (never from the input again: that may be
            // a FIFO or a file someone changed meanwhile).
            let wrote_document = matches!(changes.structured_output, Change::Set(_));
            let kept = match &changes.structured_output {
                Change::Set(text) if text.len() <= crate::document::LARGE_DOCUMENT => {
                    Some(text.clone())
                }
                _ => None,
            };
            let mut record =
                records::update(&mut transaction, user, id, changes, &args.write.options()).await?;
            if wrote_document {
                record.structured_output = match kept {
                    Some(text) => Some(text),
                    None => records::fetch_document(&mut transaction, user, id).await?,
                };
            }
            record
        }
        None => {
            let new = new_record(args, changes)?;
            records::insert(&mut transaction, user, &new, args.write.note.as_deref()).await?
        }
    };
    db::commit(transaction).await?;
    db::close(connection).await;
    Ok(Output::Record(Box::new(record)))
}

/// Reads and validates every given field before the database is touched.
fn read_changes(
    args: &SaveArgs,
    file: Option<&str>,
    context: &Context<'_>,
) -> Result<RecordChanges> {
    let limit = context.settings.max_input_size;
    let other_fields_given = args.qa_metrics.is_some()
        || args.export_formats.is_some()
        || args.optimized_content.is_some()
        || args.match_score.is_some()
        || args.title.is_some()
        || !args.clear.is_empty();
    let document_source = match file {
        Some(file) => Some(Source::from_arg(Some(file), "document")?),
        None if !other_fields_given => Some(Source::from_arg(None, "document")?),
        None => None,
    };
    let source = |arg: &Option<String>, what: &str| -> Result<Option<Source>> {
        arg.as_deref()
            .map(|arg| Source::from_arg(Some(arg), what))
            .transpose()
    };
    let qa_source = source(&args.qa_metrics, "qa_metrics")?;
    let export_source = source(&args.export_formats, "export_formats")?;
    let content_source = source(&args.optimized_content, "optimized_content")?;
    let all: Vec<&Source> = [
        &document_source,
        &qa_source,
        &export_source,
        &content_source,
    ]
    .into_iter()
    .flatten()
    .collect();
    at_most_one_stdin(&all)?;

    for field in &args.clear {
        let also_set = match field {
            ClearField::StructuredOutput => document_source.is_some(),
            ClearField::QaMetrics => qa_source.is_some(),
            ClearField::ExportFormats => export_source.is_some(),
            ClearField::MatchScore => args.match_score.is_some(),
        };
        if also_set {
            return Err(error::usage(format!(
                "--clear {} contradicts a new value for the same field",
                field.name()
            )));
        }
    }
    let cleared = |field: ClearField| args.clear.contains(&field);
    let json_change = |source: &Option<Source>, kind: DocumentKind, clear: ClearField| {
        Ok::<_, anyhow::Error>(match source {
            Some(source) => Change::Set(source.read_document(kind, limit)?.text),
            None if cleared(clear) => Change::Clear,
            None => Change::Keep,
        })
    };

    let changes = RecordChanges {
        title: args.title.as_deref().map(check_title).transpose()?,
        optimized_content: content_source
            .map(|source| source.read_text(limit))
            .transpose()?,
        match_score: match &args.match_score {
            Some(text) => Change::Set(parse_match_score(text)?),
            None if cleared(ClearField::MatchScore) => Change::Clear,
            None => Change::Keep,
        },
        structured_output: json_change(
            &document_source,
            DocumentKind::StructuredOutput,
            ClearField::StructuredOutput,
        )?,
        qa_metrics: json_change(&qa_source, DocumentKind::QaMetrics, ClearField::QaMetrics)?,
        export_formats: json_change(
            &export_source,
            DocumentKind::ExportFormats,
            ClearField::ExportFormats,
        )?,
    };
    if changes.is_empty() {
        return Err(error::usage(
            "nothing to save: give a document, --qa-metrics, --export-formats, \
             --optimized-content, --match-score, --title or --clear",
        ));
    }
    Ok(changes)
}

fn new_record(args: &SaveArgs, changes: RecordChanges) -> Result<NewRecord> {
    let title = changes
        .title
        .ok_or_else(|| error::usage("save --new needs --title TEXT"))?;
    let document = match changes.structured_output {
        Change::Set(text) => Some(text),
        _ => None,
    };
    let optimized_content = match (changes.optimized_content, &document) {
        (Some(content), _) => content,
        (None, Some(text)) => ats_plain_text(text)?,
        (None, None) => {
            return Err(error::usage(
                "save --new needs a document or --optimized-content FILE",
            ));
        }
    };
    let id_or_new = |arg: &Option<String>| -> Result<Uuid> {
        arg.as_deref().map_or_else(|| Ok(Uuid::new_v4()), parse_id)
    };
    Ok(NewRecord {
        id: Uuid::new_v4(),
        original_resume_id: id_or_new(&args.original_resume_id)?,
        job_analysis_id: id_or_new(&args.job_analysis_id)?,
        title,
        optimized_content,
        match_score: match changes.match_score {
            Change::Set(score) => Some(score),
            _ => None,
        },
        structured_output: document,
        qa_metrics: match changes.qa_metrics {
            Change::Set(text) => Some(text),
            _ => None,
        },
        export_formats: match changes.export_formats {
            Change::Set(text) => Some(text),
            _ => None,
        },
    })
}

/// The schema guarantees the key exists and is a string; re-reading the validated text
/// keeps `CheckedDocument` out of the record types.
fn ats_plain_text(document: &str) -> Result<String> {
    let value: serde_json::Value = serde_json::from_str(document)?;
    Ok(value["tailored_resume_text"]["ats_plain_text"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

fn check_title(title: &str) -> Result<String> {
    match crate::document::title_problem(title) {
        Some(problem) => Err(error::invalid(format!("--title: {problem}"))),
        None => Ok(title.to_string()),
    }
}

pub fn parse_match_score(text: &str) -> Result<i32> {
    match text.trim().parse::<i32>() {
        Ok(score) if (0..=100).contains(&score) => Ok(score),
        Ok(score) => Err(error::invalid(format!(
            "--match-score {score} is out of range: expected 0 to 100"
        ))),
        Err(_) => Err(error::invalid(format!(
            "--match-score '{}' is not a whole number from 0 to 100",
            text.escape_debug()
        ))),
    }
}
