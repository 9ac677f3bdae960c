//! Renders what commands return, as a table for people or JSON for scripts. Nothing else
//! writes data to stdout; notes go to stderr through `Shell`. Depends on nothing above
//! it: only the model.

pub mod errors;
pub mod jq;
mod pages;
pub mod qa;
pub mod record;
pub mod shell;
pub mod stream;
mod support;
pub mod tables;
pub mod terminal;
pub mod time;
pub mod timings;

use std::io::Write;

use anyhow::Result;
use uuid::Uuid;

use record::{RecordJson, record_table};
use resumectl_core::error::{CliError, ErrorKind};
use resumectl_core::model::changes::Saved;
use resumectl_core::model::erase::{EraseReceipt, Resurfaced, UserData};
use resumectl_core::model::prune::{PruneSummary, PrunedRecord};
use resumectl_core::model::qa::QaSummary;
use resumectl_core::model::record::{Record, Value};
use resumectl_core::model::reports::{
    DiffReport, ExportReport, HistoryPage, Listing, MigrationReport, PendingMigration,
};
use resumectl_core::model::stream::{BatchSummary, ValidationSummary};
use resumectl_core::model::trash::TrashEntry;
use resumectl_core::ops::trash::Shelf;
use shell::Shell;

pub use crate::values::Format;

/// What a command produced.
#[derive(Debug)]
pub enum Output {
    Record(Box<Record>),
    /// A record as a write left it, and whether the write found it already so.
    Saved(Box<Saved>),
    /// A record written by `import`, and the input fields it found no place for.
    Imported {
        saved: Box<Saved>,
        notes: Vec<resumectl_core::error::Problem>,
    },
    /// One column alone, already in the form `save` accepts back.
    Field(Value),
    /// `permanent`: removed for good, not moved to the trash.
    Deleted {
        ids: Vec<Uuid>,
        permanent: bool,
    },
    /// The trash; `all_users`: with a user column.
    /// `shelf`: what is in the trash, or the markers of what left it.
    Trash {
        entries: Vec<TrashEntry>,
        all_users: bool,
        shelf: Shelf,
    },
    /// The records a purge removed for good.
    Purged(Vec<Uuid>),
    /// What an erase would remove (`--dry-run`).
    ErasePlan(UserData),
    /// What an erase removed: the receipt.
    Erased(EraseReceipt),
    /// What is left of a user (`erase --check`): exit 8 unless nothing.
    EraseCheck(UserData),
    /// Erased users whose data is here again (`erase --check --all-users`): exit 8 unless
    /// none.
    LedgerCheck(Vec<Resurfaced>),
    /// What `exports prune` did: a line a record, then the summary.
    Pruned {
        records: Vec<PrunedRecord>,
        summary: PruneSummary,
    },
    /// `verbose`: every schema check a row in table mode, not only the failing ones.
    Migration {
        report: MigrationReport,
        verbose: bool,
    },
    /// The migrations `migrate --dry-run` would apply.
    MigrationPlan(Vec<PendingMigration>),
    /// Nothing to print: the command said everything on the terminal (`browse`).
    Nothing,
    /// The built-in PDF themes, the default first.
    Themes(Vec<resumectl_core::export::pdf::themes::Theme>),
    /// Text printed as it is whatever the format (completions, a plan).
    Raw(String),
    /// Bytes printed as they are (an export to stdout).
    Bytes(Vec<u8>),
    History(HistoryPage),
    Diff(DiffReport),
    /// A command that chose not to write (an edit left unchanged), and why.
    Unchanged(&'static str),
    List(Listing),
    /// `validate`'s closing count (each document was reported as it was read).
    Validated(ValidationSummary),
    /// `save --ndjson`'s closing count (each line was reported as it was read).
    Batch(BatchSummary),
    Exported(ExportReport),
    /// `qa`'s closing count (each document was reported as it was measured).
    Qa(QaSummary),
}

/// What an export the record moved on from left behind.
pub fn not_noted(report: &ExportReport) -> String {
    format!(
        "record {} changed while it was exported: the file shows version {} and is not \
         noted in export_formats",
        report.id, report.version
    )
}

impl Output {
    /// An output that is also a failure: `migrate status` on a database that is behind, a
    /// validation or a batch with bad items. Streamed outputs named every problem as they
    /// went; a table's closing error then says only how many, while JSON's closing error
    /// object still carries a sample.
    pub fn failure(&self, format: Format) -> Option<CliError> {
        let failure = match self {
            Output::Migration { report, .. } if !report.up_to_date => CliError::new(
                ErrorKind::Database,
                "the database is not up to date: run `resumectl migrate`",
            ),
            Output::Validated(summary) if summary.invalid > 0 => CliError::new(
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
            Output::Batch(summary) => batch_failure(summary)?,
            Output::Qa(summary) => qa::failure(summary)?,
            Output::EraseCheck(_) | Output::LedgerCheck(_) | Output::Pruned { .. } => {
                support::failure(self)?
            }
            _ => return None,
        };
        let streamed = matches!(
            self,
            Output::Validated(_) | Output::Batch(_) | Output::Qa(_)
        );
        Some(if streamed && format == Format::Table {
            failure.with_problems(Vec::new())
        } else {
            failure
        })
    }
}

/// The closing error of a batch that did not write every line.
fn batch_failure(summary: &BatchSummary) -> Option<CliError> {
    if let Some(interrupted) = &summary.interrupted {
        let (stopped, rerun) = match interrupted.after_line {
            Some(line) => (
                format!(": stopped reading {} after line {line}", summary.source),
                format!("; a re-run should start after line {line}"),
            ),
            None => (
                format!(
                    " after the whole of {} was read ({} line{})",
                    summary.source,
                    summary.read,
                    if summary.read == 1 { "" } else { "s" }
                ),
                String::new(),
            ),
        };
        let outcome = if summary.atomic {
            format!(
                "--atomic: nothing was written ({} rolled back)",
                summary.rolled_back
            )
        } else {
            format!("{} lines written, each reported{rerun}", summary.written)
        };
        return Some(CliError::new(
            interrupted.kind,
            format!("{} received{stopped}; {outcome}", interrupted.name),
        ));
    }
    if let Some((kind, message, hint)) = &summary.stopped {
        let hint = hint
            .as_ref()
            .map(|hint| format!("; {}", crate::hints::hint_text(hint)));
        return Some(CliError::new(
            *kind,
            format!(
                "{message}{} ({} lines written before it{})",
                hint.unwrap_or_default(),
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
    let lines = if summary.bad_lines() == 1 {
        "line"
    } else {
        "lines"
    };
    Some(
        CliError::new(
            ErrorKind::InvalidInput,
            format!(
                "{} bad {lines} ({} invalid, {} refused by the database); {outcome}",
                summary.bad_lines(),
                summary.skipped,
                summary.failed
            ),
        )
        .with_problems(summary.sample.problems.clone()),
    )
}

/// Writes `output` to `out` (stdout) in `format`, and its notes to stderr.
pub fn render(output: &Output, format: Format, shell: &Shell, out: &mut impl Write) -> Result<()> {
    let json = |out: &mut dyn Write, value: &dyn erased::Json| -> Result<()> {
        value.write(out)?;
        writeln!(out)?;
        Ok(())
    };
    match (output, format) {
        (Output::Raw(text), _) => out.write_all(text.as_bytes())?,
        (Output::Nothing, _) => {}
        (Output::Themes(themes), Format::Json) => json(out, themes)?,
        (Output::Themes(themes), Format::Table) => {
            let mut table = tables::new_table();
            table.set_header(["theme", "description", "source"]);
            for theme in themes {
                table.add_row([theme.name, theme.description, theme.file]);
            }
            writeln!(out, "{table}")?;
        }
        (Output::Bytes(bytes), _) => out.write_all(bytes)?,
        (Output::Record(record), Format::Json) => json(out, &RecordJson(record))?,
        (Output::Record(record), Format::Table) => writeln!(out, "{}", record_table(record))?,
        (Output::Saved(saved), format) => {
            let written = record::WrittenJson {
                record: &saved.record,
                unchanged: saved.unchanged,
                notes: None,
            };
            record::write_written(&written, format, shell, out)?
        }
        (Output::Imported { saved, notes }, format) => {
            let written = record::WrittenJson {
                record: &saved.record,
                unchanged: saved.unchanged,
                notes: Some(notes),
            };
            record::write_written(&written, format, shell, out)?
        }
        (Output::Field(value), format) => record::write_field(value, format, out)?,
        (Output::List(listing), format) => pages::write_list(listing, format, shell, out)?,
        (Output::History(page), format) => pages::write_history(page, format, shell, out)?,
        (Output::Diff(report), Format::Json) => json(out, report)?,
        (Output::Diff(report), Format::Table) => tables::write_diff(report, out)?,
        (
            Output::Deleted { .. }
            | Output::Trash { .. }
            | Output::Purged(_)
            | Output::ErasePlan(_)
            | Output::Erased(_)
            | Output::EraseCheck(_)
            | Output::LedgerCheck(_)
            | Output::Pruned { .. },
            _,
        ) => support::render(output, format, out)?,
        (Output::MigrationPlan(pending), Format::Json) => json(
            out,
            &serde_json::json!({ "dry_run": true, "pending": pending }),
        )?,
        (Output::MigrationPlan(pending), Format::Table) => tables::write_plan(pending, out)?,
        (Output::Migration { report, .. }, Format::Json) => json(out, report)?,
        (Output::Migration { report, verbose }, Format::Table) => {
            writeln!(out, "{}", tables::migration_table(report, *verbose))?;
        }
        (Output::Unchanged(reason), Format::Json) => {
            json(
                out,
                &serde_json::json!({ "saved": false, "reason": reason }),
            )?;
        }
        (Output::Unchanged(reason), Format::Table) => writeln!(out, "{reason}")?,
        (Output::Validated(_), Format::Json) => {}
        (Output::Validated(summary), Format::Table) => {
            if summary.invalid == 0 {
                let all = match summary.documents {
                    1 => "the document is".to_string(),
                    count => format!("all {count} documents are"),
                };
                writeln!(out, "{all} valid")?;
            }
        }
        (Output::Batch(summary), Format::Json) => {
            json(out, &serde_json::json!({ "summary": summary }))?;
        }
        (Output::Batch(summary), Format::Table) => {
            writeln!(out, "{}", tables::batch_table(summary))?;
        }
        (Output::Qa(summary), Format::Json) if summary.closing_line => {
            json(out, &serde_json::json!({ "summary": summary }))?;
        }
        (Output::Qa(summary), Format::Table) if summary.closing_line => writeln!(
            out,
            "{} documents measured, {} below the bar, {} written, {} unchanged, {} refused, \
             {} skipped",
            summary.documents,
            summary.below_the_bar,
            summary.written,
            summary.unchanged,
            summary.refused,
            summary.skipped
        )?,
        (Output::Qa(_), _) => {}
        (Output::Exported(report), format) => {
            if !report.noted {
                shell.note(&not_noted(report));
            }
            match format {
                Format::Json => json(out, report)?,
                Format::Table => {
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
                    if let (Some(url), Some(until)) = (&report.url, &report.expires_at) {
                        let verb = if report.reused { "reused" } else { "uploaded" };
                        writeln!(
                            out,
                            "{verb} {} ({} bytes, {} of version {}), served until {}",
                            terminal::safe(url),
                            report.bytes,
                            report.format,
                            report.version,
                            until
                        )?;
                    }
                    if let Some(url) = &report.presigned_url {
                        writeln!(out, "share: {}", terminal::safe(url))?;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// A value written as one line of JSON, whatever its type.
mod erased {
    pub trait Json {
        fn write(&self, out: &mut dyn std::io::Write) -> serde_json::Result<()>;
    }

    impl<T: serde::Serialize + ?Sized> Json for T {
        fn write(&self, out: &mut dyn std::io::Write) -> serde_json::Result<()> {
            serde_json::to_writer(out, self)
        }
    }
}
