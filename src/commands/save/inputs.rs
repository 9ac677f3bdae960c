//! `save`'s inputs: the document and every other field given, read and validated before
//! the database is touched, and a new record's defaults applied the one way (the same as
//! a batch line's).

use anyhow::Result;
use uuid::Uuid;

use super::{ClearField, SaveArgs};
use crate::commands::Context;
use crate::values::parse_id;
use resumectl_core::document::DocumentKind;
use resumectl_core::error;
use resumectl_core::input::{Source, at_most_one_stdin};
use resumectl_core::model::changes::{
    Change, DocumentDefaults, NewRecord, RecordChanges, title_problem,
};

/// Reads and validates every given field before the database is touched.
pub fn read_changes(
    args: &SaveArgs,
    file: Option<&str>,
    context: &Context<'_>,
) -> Result<(RecordChanges, DocumentDefaults)> {
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
    Ok((changes, defaults))
}

/// The record `save --new` creates: what was given, the rest defaulted the one way a
/// batch line's is (the title from the document's job title, the plain text from its ATS
/// text, the two ids new UUIDs).
pub fn new_record(
    args: &SaveArgs,
    changes: RecordChanges,
    defaults: DocumentDefaults,
) -> Result<NewRecord> {
    let id_given =
        |arg: &Option<String>| -> Result<Option<Uuid>> { arg.as_deref().map(parse_id).transpose() };
    let original_resume_id = id_given(&args.original_resume_id)?;
    let job_analysis_id = id_given(&args.job_analysis_id)?;
    NewRecord::from_changes(changes, defaults, original_resume_id, job_analysis_id).map_err(
        |problems| {
            // A save body's paths, said in this command line's terms.
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
        },
    )
}

fn check_title(title: &str) -> Result<String> {
    match title_problem(title) {
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
