//! Renders what commands return, as a table for people or JSON for scripts. Nothing
//! else writes data to stdout.

pub mod file;
pub mod stream;
pub mod terminal;

use std::io::Write;

use anyhow::Result;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::cli::Format;
use crate::commands::diff::DiffReport;
use crate::commands::export::ExportReport;
use crate::commands::save_batch::BatchSummary;
use crate::commands::validate::ValidationSummary;
use crate::db::listing::ListedRecord;
use crate::db::migrate::MigrationReport;
use crate::db::records::Record;
use crate::db::versions::VersionSummary;
use crate::error::{CliError, ErrorKind};

/// What a command produced.
#[derive(Debug)]
pub enum Output {
    Record(Box<Record>),
    /// One column alone, already in the form `save` accepts back.
    Field(FieldValue),
    Deleted(Vec<Uuid>),
    Migration(MigrationReport),
    /// Text printed as it is whatever the format (completions).
    Raw(String),
    /// Bytes printed as they are (an export to stdout).
    Bytes(Vec<u8>),
    History(Vec<VersionSummary>),
    Diff(DiffReport),
    /// A command that chose not to write (an edit left unchanged), and why.
    Unchanged(String),
    List {
        records: Vec<ListedRecord>,
        /// The listing crossed users: show whose each record is.
        all_users: bool,
    },
    /// `validate`'s closing count (each document was reported as it was read).
    Validated(ValidationSummary),
    /// `save --ndjson`'s closing count (each line was reported as it was read).
    Batch(BatchSummary),
    Exported(ExportReport),
}

#[derive(Debug)]
pub enum FieldValue {
    /// JSON text as PostgreSQL gave it; None for SQL NULL.
    Json(Option<String>),
    /// Text printed byte for byte, with no newline added when piped.
    Text(String),
}

impl Output {
    /// An output that is also a failure: `migrate status` on a database that is behind.
    /// Streamed outputs named every problem as they went; a table's closing error then
    /// says only how many, while JSON's closing error object still carries a sample.
    pub fn failure(&self, format: Format) -> Option<CliError> {
        let failure = self.closing_failure()?;
        let streamed = matches!(self, Output::Validated(_) | Output::Batch(_));
        Some(if streamed && format == Format::Table {
            failure.with_problems(Vec::new())
        } else {
            failure
        })
    }

    fn closing_failure(&self) -> Option<CliError> {
        match self {
            Output::Migration(report) if !report.up_to_date => Some(CliError::new(
                ErrorKind::Database,
                "the database is not up to date: run `resumectl migrate`",
            )),
            Output::Validated(summary) if summary.invalid > 0 => Some(
                CliError::new(
                    ErrorKind::InvalidInput,
                    format!(
                        "{} of {} {} invalid",
                        summary.invalid,
                        summary.documents,
                        if summary.documents == 1 {
                            "document is"
                        } else {
                            "documents are"
                        }
                    ),
                )
                .with_problems(summary.sample.problems.clone()),
            ),
            Output::Batch(summary) => batch_failure(summary),
            _ => None,
        }
    }
}

/// The closing error of a batch that did not write every line.
fn batch_failure(summary: &BatchSummary) -> Option<CliError> {
    if let Some((signal, line)) = &summary.interrupted {
        let outcome = if summary.atomic {
            format!(
                "--atomic: nothing was written ({} rolled back)",
                summary.rolled_back
            )
        } else {
            format!(
                "{} lines written, each reported; a re-run should start after line {line}",
                summary.written
            )
        };
        return Some(CliError::new(
            signal.kind(),
            format!(
                "{} received: stopped reading {} after line {line}; {outcome}",
                signal.name(),
                summary.source
            ),
        ));
    }
    if let Some((kind, message)) = &summary.stopped {
        return Some(CliError::new(
            *kind,
            format!(
                "{message} ({} lines written before it{})",
                summary.written,
                if summary.atomic {
                    "; --atomic: all rolled back"
                } else {
                    ""
                }
            ),
        ));
    }
    if summary.bad_lines() == 0 {
        return None;
    }
    let outcome = if summary.atomic {
        "nothing was written (--atomic)".to_string()
    } else {
        format!("{} of {} lines written", summary.written, summary.read)
    };
    Some(
        CliError::new(
            ErrorKind::InvalidInput,
            format!(
                "{} bad {} ({} invalid, {} refused by the database); {outcome}",
                summary.bad_lines(),
                if summary.bad_lines() == 1 {
                    "line"
                } else {
                    "lines"
                },
                summary.skipped,
                summary.failed
            ),
        )
        .with_problems(summary.sample.problems.clone()),
    )
}

/// A remark on stderr that is neither data nor an error (a listing that crossed users,
/// a page that has more after it).
pub fn notice(message: &str) {
    terminal::to_stderr(&format!("note: {}", terminal::safe(message)));
}

pub fn render(output: &Output, format: Format, out: &mut impl Write) -> Result<()> {
    match (output, format) {
        (Output::List { records, .. }, Format::Json) => {
            serde_json::to_writer(&mut *out, records)?;
            writeln!(out)?;
        }
        (Output::List { records, all_users }, Format::Table) => {
            writeln!(out, "{}", list_table(records, *all_users))?;
        }
        (Output::Validated(_), Format::Json) => {}
        (Output::Validated(summary), Format::Table) => {
            if summary.invalid == 0 {
                writeln!(
                    out,
                    "{} valid",
                    if summary.documents == 1 {
                        "the document is".to_string()
                    } else {
                        format!("all {} documents are", summary.documents)
                    }
                )?;
            }
        }
        (Output::Batch(summary), Format::Json) => {
            serde_json::to_writer(&mut *out, &serde_json::json!({ "summary": summary }))?;
            writeln!(out)?;
        }
        (Output::Batch(summary), Format::Table) => writeln!(out, "{}", batch_table(summary))?,
        (Output::Exported(report), Format::Json) => {
            serde_json::to_writer(&mut *out, report)?;
            writeln!(out)?;
        }
        (Output::Exported(report), Format::Table) => {
            if let Some(path) = &report.path {
                let verb = if report.reused { "reused" } else { "wrote" };
                writeln!(
                    out,
                    "{verb} {} ({} bytes, {} of version {})",
                    terminal::safe(&path.display().to_string()),
                    report.bytes,
                    report.format,
                    report.version
                )?;
            }
        }
        (Output::Raw(text), _) => out.write_all(text.as_bytes())?,
        (Output::Bytes(bytes), _) => out.write_all(bytes)?,
        (Output::Field(FieldValue::Text(text)), Format::Json) => out.write_all(text.as_bytes())?,
        (Output::Field(FieldValue::Text(text)), Format::Table) => {
            let text = terminal::safe_text(text, true);
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
        (Output::Field(FieldValue::Json(text)), Format::Json) => {
            writeln!(out, "{}", text.as_deref().unwrap_or("null"))?;
        }
        (Output::Field(FieldValue::Json(text)), Format::Table) => {
            // JSON escapes every control character: pretty-printed, it is safe to show.
            writeln!(out, "{}", pretty_json(text.as_deref()))?;
        }
        (Output::Record(record), Format::Json) => {
            // A document just saved is the text given, perhaps pretty-printed: one line
            // of output stays one line.
            let document = record.structured_output.as_deref().map(compact_json);
            serde_json::to_writer(
                &mut *out,
                &RecordJson::from(record.as_ref(), document.as_deref())?,
            )?;
            writeln!(out)?;
        }
        (Output::Record(record), Format::Table) => writeln!(out, "{}", record_table(record))?,
        (Output::Deleted(ids), Format::Json) => {
            serde_json::to_writer(&mut *out, &serde_json::json!({ "deleted": ids }))?;
            writeln!(out)?;
        }
        (Output::Deleted(ids), Format::Table) => {
            for id in ids {
                writeln!(out, "deleted {id}")?;
            }
        }
        (Output::Migration(report), Format::Json) => {
            serde_json::to_writer(&mut *out, report)?;
            writeln!(out)?;
        }
        (Output::History(versions), Format::Json) => {
            serde_json::to_writer(&mut *out, versions)?;
            writeln!(out)?;
        }
        (Output::History(versions), Format::Table) => {
            writeln!(out, "{}", history_table(versions))?;
        }
        (Output::Diff(report), Format::Json) => {
            serde_json::to_writer(&mut *out, report)?;
            writeln!(out)?;
        }
        (Output::Diff(report), Format::Table) => write_diff(report, out)?,
        (Output::Unchanged(reason), Format::Json) => {
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({ "saved": false, "reason": reason }),
            )?;
            writeln!(out)?;
        }
        (Output::Unchanged(reason), Format::Table) => {
            writeln!(out, "{}", terminal::safe(reason))?;
        }
        (Output::Migration(report), Format::Table) => {
            writeln!(out, "{}", migration_table(report))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The JSON shape of a record: columns by name, JSON columns embedded as JSON.
#[derive(Serialize)]
struct RecordJson<'a> {
    id: Uuid,
    user_id: &'a str,
    title: &'a str,
    version: i64,
    original_resume_id: Uuid,
    job_analysis_id: Uuid,
    match_score: Option<i32>,
    optimized_content: &'a str,
    optimization_summary: Option<&'a RawValue>,
    improvements_made: &'a Option<Vec<String>>,
    keywords_added: &'a Option<Vec<String>>,
    skills_highlighted: &'a Option<Vec<String>>,
    structured_output: Option<&'a RawValue>,
    qa_metrics: Option<&'a RawValue>,
    export_formats: Option<&'a RawValue>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl<'a> RecordJson<'a> {
    /// `document`: the record's structured_output as it is to be printed.
    fn from(record: &'a Record, document: Option<&'a str>) -> Result<Self> {
        fn raw(text: &Option<String>) -> Result<Option<&RawValue>> {
            Ok(match text {
                Some(text) => Some(serde_json::from_str(text)?),
                None => None,
            })
        }

        Ok(RecordJson {
            id: record.id,
            user_id: &record.user_id,
            title: &record.title,
            version: record.version,
            original_resume_id: record.original_resume_id,
            job_analysis_id: record.job_analysis_id,
            match_score: record.match_score,
            optimized_content: &record.optimized_content,
            optimization_summary: raw(&record.optimization_summary)?,
            improvements_made: &record.improvements_made,
            keywords_added: &record.keywords_added,
            skills_highlighted: &record.skills_highlighted,
            structured_output: match document {
                Some(text) => Some(serde_json::from_str(text)?),
                None => None,
            },
            qa_metrics: raw(&record.qa_metrics)?,
            export_formats: raw(&record.export_formats)?,
            created_at: record.created_at,
            updated_at: record.updated_at,
        })
    }
}

/// JSON text without the whitespace between tokens (strings kept byte for byte), so
/// numbers keep every digit, unlike a parse and print. Text without line breaks is
/// returned as it is.
fn compact_json(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for character in text.chars() {
        if in_string {
            out.push(character);
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !matches!(character, ' ' | '\n' | '\r' | '\t') {
            in_string = character == '"';
            out.push(character);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn new_table() -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // A pty that reports no width (some CI runners, `script`) would get a table squeezed
    // to one character a column.
    if table.width() == Some(0) {
        table.set_width(80);
    }
    table
}

/// Adds a row of data: each cell as a person may safely see it on a terminal.
fn add_row(table: &mut Table, cells: Vec<String>) {
    table.add_row(
        cells
            .iter()
            .map(|cell| terminal::safe(cell).into_owned())
            .collect::<Vec<_>>(),
    );
}

fn list_table(records: &[ListedRecord], all_users: bool) -> Table {
    let mut table = new_table();
    let mut header = vec!["id"];
    if all_users {
        header.push("user");
    }
    header.extend([
        "title",
        "match score",
        "keyword coverage",
        "version",
        "updated",
    ]);
    table.set_header(header);
    // Ids are copied from here: never wrapped, whatever the terminal's width.
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    for record in records {
        let mut row = vec![record.id.to_string()];
        if all_users {
            row.push(record.user_id.clone().unwrap_or_default());
        }
        row.extend([
            record.title.clone(),
            record
                .match_score
                .map(|score| score.to_string())
                .unwrap_or_default(),
            record
                .keyword_coverage
                .as_ref()
                .map(|value| value.0.to_string())
                .unwrap_or_default(),
            record.version.to_string(),
            record
                .updated_at
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        ]);
        add_row(&mut table, row);
    }
    table
}

fn batch_table(summary: &BatchSummary) -> Table {
    let mut table = new_table();
    table.set_header(vec!["lines", "count"]);
    let mut rows = vec![
        ("read", summary.read),
        ("written", summary.written),
        ("  created", summary.created),
        ("  updated", summary.updated),
        ("skipped (invalid)", summary.skipped),
        ("failed (refused by the database)", summary.failed),
    ];
    if summary.atomic {
        rows.push(("rolled back (--atomic)", summary.rolled_back));
    }
    for (label, count) in rows {
        add_row(&mut table, vec![label.to_string(), count.to_string()]);
    }
    table
}

fn record_table(record: &Record) -> Table {
    let mut table = new_table();
    table.set_header(vec!["field", "value"]);
    let optional = |value: Option<String>| value.unwrap_or_else(|| "(none)".into());
    let rows: Vec<(&str, String)> = vec![
        ("id", record.id.to_string()),
        ("title", record.title.clone()),
        ("version", record.version.to_string()),
        ("user_id", record.user_id.clone()),
        (
            "match_score",
            optional(record.match_score.map(|s| s.to_string())),
        ),
        (
            "structured_output",
            document_summary(record.structured_output.as_deref()),
        ),
        ("qa_metrics", optional(record.qa_metrics.clone())),
        ("export_formats", optional(record.export_formats.clone())),
        ("optimized_content", text_summary(&record.optimized_content)),
        ("original_resume_id", record.original_resume_id.to_string()),
        ("job_analysis_id", record.job_analysis_id.to_string()),
        (
            "created_at",
            optional(record.created_at.map(|at| at.to_rfc3339())),
        ),
        (
            "updated_at",
            optional(record.updated_at.map(|at| at.to_rfc3339())),
        ),
    ];
    for (field, value) in rows {
        add_row(&mut table, vec![field.to_string(), value]);
    }
    table
}

/// A line about a document: its size and what it targets, not the whole of it.
fn document_summary(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "(none)".into();
    };
    let value = crate::document::parse_stored(text).unwrap_or_default();
    let job_title = value["analysis"]["job_title"].as_str().unwrap_or("?");
    let coverage = &value["qa"]["scores"]["keyword_coverage_0_to_100"];
    format!(
        "{} bytes; job title: {job_title}; keyword coverage: {coverage} \
         (see it whole with --field structured_output)",
        text.len()
    )
}

fn text_summary(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    format!("{first} ... ({} lines)", text.lines().count())
}

fn pretty_json(text: Option<&str>) -> String {
    match text {
        None => "null".into(),
        Some(text) => serde_json::from_str::<serde_json::Value>(text)
            .and_then(|value| serde_json::to_string_pretty(&value))
            .unwrap_or_else(|_| text.to_string()),
    }
}

fn migration_table(report: &MigrationReport) -> String {
    let mut migrations = new_table();
    migrations.set_header(vec!["version", "description", "state", "applied at"]);
    for migration in &report.migrations {
        add_row(
            &mut migrations,
            vec![
                migration.version.to_string(),
                migration.description.clone(),
                migration.state.to_string(),
                migration
                    .applied_at
                    .map(|at| at.to_rfc3339())
                    .unwrap_or_default(),
            ],
        );
    }
    let mut checks = new_table();
    checks.set_header(vec!["schema check", "ok"]);
    for check in &report.checks {
        add_row(
            &mut checks,
            vec![
                check.name.clone(),
                match &check.problem {
                    None => "yes".to_string(),
                    Some(problem) => problem.to_uppercase(),
                },
            ],
        );
    }
    let verdict = if report.up_to_date {
        "up to date"
    } else {
        "NOT up to date"
    };
    format!("{migrations}\n{checks}\n{verdict}")
}

fn history_table(versions: &[VersionSummary]) -> Table {
    let mut table = new_table();
    table.set_header(vec![
        "version",
        "when",
        "note",
        "match score",
        "keyword coverage",
        "bytes",
    ]);
    for version in versions {
        add_row(
            &mut table,
            vec![
                version.version.to_string(),
                version.created_at.to_rfc3339(),
                version.note.clone().unwrap_or_default(),
                version
                    .match_score
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                version
                    .keyword_coverage
                    .as_ref()
                    .map(|value| value.0.to_string())
                    .unwrap_or_default(),
                version
                    .document_bytes
                    .map(|b| b.to_string())
                    .unwrap_or_default(),
            ],
        );
    }
    table
}

fn write_diff(report: &DiffReport, out: &mut impl Write) -> Result<()> {
    writeln!(
        out,
        "record {}: version {} -> {}",
        report.id, report.from, report.to
    )?;
    if report.changes.is_empty() {
        writeln!(out, "no changes in structured_output")?;
    }
    // Values print as JSON, whose strings escape every control character.
    let short = |value: &Option<serde_json::Value>| {
        let text = value.as_ref().map(|v| v.to_string()).unwrap_or_default();
        if text.chars().count() > 100 {
            format!("{}...", text.chars().take(100).collect::<String>())
        } else {
            text
        }
    };
    for change in &report.changes {
        let path = terminal::safe(if change.path.is_empty() {
            "/"
        } else {
            &change.path
        });
        match change.op {
            "added" => writeln!(out, "+ {path}: {}", short(&change.new))?,
            "removed" => writeln!(out, "- {path}: {}", short(&change.old))?,
            _ => writeln!(
                out,
                "~ {path}: {} -> {}",
                short(&change.old),
                short(&change.new)
            )?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_and_digits() {
        let pretty = "{\n  \"a b\": \"x \\\" y\\\\\",\n  \"n\": 1.000000000000000000001\n}";
        assert_eq!(
            compact_json(pretty),
            "{\"a b\":\"x \\\" y\\\\\",\"n\":1.000000000000000000001}"
        );
        assert!(matches!(
            compact_json("{\"a\": 1}"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
