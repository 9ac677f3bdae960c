//! `save`'s inputs: the document and every other field given, read and validated before
//! the database is touched, as a `SaveRequest`, whose rules (the core's, the same as a
//! batch line's) are said here in the command line's terms.

use anyhow::Result;
use uuid::Uuid;

use super::{ClearField, SaveArgs};
use crate::commands::Context;
use crate::values::parse_id;
use resumectl_core::document::DocumentKind;
use resumectl_core::error;
use resumectl_core::input::{Source, at_most_one_stdin};
use resumectl_core::model::changes::{Change, DocumentDefaults, RecordChanges, title_problem};
use resumectl_core::model::save::{Refusal, Save, SaveRequest};

/// Reads and validates every given field before the database is touched: the save
/// `id` asks for (None: a new record), its rules still to apply (`SaveRequest::check`).
pub fn read_request(
    args: &SaveArgs,
    id: Option<Uuid>,
    file: Option<&str>,
    context: &Context<'_>,
) -> Result<SaveRequest> {
    let limit = context.settings.max_input_size;
    let other_fields_given = args.qa_metrics.is_some()
        || args.export_formats.is_some()
        || args.optimized_content.is_some()
        || args.match_score.is_some()
        || args.title.is_some()
        || !args.clear.is_empty();
    let document_source = match file {
        Some(file) => Some(context.source(Some(file), "document")?),
        None if !other_fields_given => Some(context.source(None, "document")?),
        None => None,
    };
    let source = |arg: &Option<String>, what: &str| -> Result<Option<Source>> {
        arg.as_deref()
            .map(|arg| context.source(Some(arg), what))
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
    let mut defaults = DocumentDefaults::default();
    let mut json_change = |source: &Option<Source>, kind: DocumentKind, clear: ClearField| {
        Ok::<_, anyhow::Error>(match source {
            Some(source) => {
                let checked = source.read_document(kind, limit)?;
                if kind == DocumentKind::StructuredOutput {
                    defaults = checked.defaults;
                }
                Change::Set(checked.text)
            }
            None if cleared(clear) => Change::Clear,
            None => Change::Keep,
        })
    };

    let id_given =
        |arg: &Option<String>| -> Result<Option<Uuid>> { arg.as_deref().map(parse_id).transpose() };
    Ok(SaveRequest {
        id,
        changes: RecordChanges {
            title: args.title.as_deref().map(check_title).transpose()?,
            optimized_content: content_source
                .map(|source| source.read_text(limit))
                .transpose()?,
            match_score: Change::Keep,
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
        },
        match_score: match &args.match_score {
            Some(text) => Change::Set(parse_match_score(text)?),
            None if cleared(ClearField::MatchScore) => Change::Clear,
            None => Change::Keep,
        },
        defaults,
        original_resume_id: id_given(&args.original_resume_id)?,
        job_analysis_id: id_given(&args.job_analysis_id)?,
        options: args.write.options(),
    })
}

/// The save's rules applied (`SaveRequest::check`), a refusal said in this command
/// line's terms: a match score out of range is invalid input (exit 5); a new record
/// short of a title or a plain text, or an update with nothing in it, is a usage error.
pub fn check(request: SaveRequest) -> Result<Save> {
    request.check().map_err(|refusal| match refusal {
        Refusal::NothingToSave => error::usage(
            "nothing to save: give a document, --qa-metrics, --export-formats, \
             --optimized-content, --match-score, --title or --clear",
        ),
        Refusal::Problems(problems) => match problems.as_slice() {
            [one] if one.path == "/match_score" => {
                error::invalid(format!("--match-score {}", one.message))
            }
            _ => {
                let said: Vec<String> = problems
                    .iter()
                    .map(|problem| {
                        let what = match problem.path.as_str() {
                            "/title" => "--title TEXT",
                            "/optimized_content" => "--optimized-content FILE",
                            "/structured_output/analysis/job_title" => "the document's job title",
                            other => other,
                        };
                        format!("{what}: {}", problem.message)
                    })
                    .collect();
                error::usage(format!("save --new: {}", said.join("; ")))
            }
        },
    })
}

pub fn check_title(title: &str) -> Result<String> {
    match title_problem(title) {
        Some(problem) => Err(error::invalid(format!("--title: {problem}"))),
        None => Ok(title.to_string()),
    }
}

/// The number given; its range is one of the save's rules (`SaveRequest::check`).
pub fn parse_match_score(text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(score) => Ok(score),
        Err(_) => Err(error::invalid(format!(
            "--match-score '{}' is not a whole number from 0 to 100",
            text.escape_debug()
        ))),
    }
}
