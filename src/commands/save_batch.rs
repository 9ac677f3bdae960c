//! `resumectl save --ndjson`: a batch load, one save body a line. Each line is validated
//! and written in its own transaction (or all in one with `--atomic`); a bad line is
//! reported and skipped. Streams: memory does not grow with the number of lines.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::commands::Context;
use crate::commands::save::SaveArgs;
use crate::commands::validate::{too_long, within_line};
use crate::db::records::{self, Change, NewRecord, Written};
use crate::db::versions::WriteOptions;
use crate::db::{self};
use crate::document::save_line::{self, SaveLine};
use crate::error::{self, ErrorKind, Problem, classify};
use crate::input::{self, LineRead, Source};
use crate::output::Output;
use crate::output::stream::{LineError, LineReport, LineStatus, Place, ProblemSample, Stream};

/// The counts a batch ends with.
#[derive(Debug, Default, Serialize)]
pub struct BatchSummary {
    /// Lines that were not blank.
    pub read: u64,
    pub written: u64,
    pub created: u64,
    pub updated: u64,
    /// Invalid lines, refused before the database.
    pub skipped: u64,
    /// Valid lines the database refused: not found, a version conflict, a constraint.
    pub failed: u64,
    /// With --atomic: valid lines not written because another line was bad.
    #[serde(skip_serializing_if = "is_zero")]
    pub rolled_back: u64,
    pub atomic: bool,
    /// A failure that stopped the batch (the database went away): kind and message.
    #[serde(skip)]
    pub stopped: Option<(ErrorKind, String)>,
    #[serde(skip)]
    pub sample: ProblemSample,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

impl BatchSummary {
    pub fn bad_lines(&self) -> u64 {
        self.skipped + self.failed
    }
}

pub async fn run(args: &SaveArgs, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    let user = context.user()?;
    let given_elsewhere = args.new
        || args.title.is_some()
        || args.qa_metrics.is_some()
        || args.export_formats.is_some()
        || args.optimized_content.is_some()
        || args.match_score.is_some()
        || !args.clear.is_empty()
        || args.write.if_version.is_some()
        || args.original_resume_id.is_some()
        || args.job_analysis_id.is_some();
    if given_elsewhere {
        return Err(error::usage(
            "save --ndjson takes its fields from each line: only FILE, --atomic and --note \
             go on the command line",
        ));
    }
    let file = match (&args.id, &args.file) {
        (Some(_), Some(_)) => {
            return Err(error::usage(
                "save --ndjson takes one input, FILE or '-' (ids go in the lines)",
            ));
        }
        (first, None) => first.clone(),
        (None, second) => second.clone(),
    };
    let source = Source::from_arg(file.as_deref(), "NDJSON input")?;
    let mut reader = source.open()?;
    let total_bytes = match &source {
        Source::File(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
        Source::Stdin => None,
    };
    let settings = context.settings;
    let mut connection = context.connect().await?;
    let show_progress = std::io::stderr().is_terminal() && !settings.no_input;
    let mut stream = Stream::new(settings.format, out, total_bytes, show_progress);
    let mut batch = Batch {
        user,
        label: source.label(),
        note: args.write.note.as_deref(),
        statement_timeout: settings.statement_timeout,
        summary: BatchSummary {
            atomic: args.atomic,
            ..BatchSummary::default()
        },
        spool: None,
    };

    if args.atomic {
        // Successful lines are held back until the commit: a rolled-back batch must not
        // have reported them as written.
        if settings.format == crate::cli::Format::Json {
            batch.spool = Some(tempfile::tempfile()?);
        }
        let mut transaction = db::begin(&mut connection, settings.statement_timeout).await?;
        batch
            .read_all(
                &mut *reader,
                &mut transaction,
                true,
                &mut stream,
                settings.max_input_size,
            )
            .await?;
        if batch.summary.bad_lines() == 0 && batch.summary.stopped.is_none() {
            db::commit(transaction).await?;
            if let Some(spool) = &mut batch.spool {
                stream.release(spool)?;
            }
        } else {
            drop(transaction);
            let summary = &mut batch.summary;
            summary.rolled_back = summary.created + summary.updated;
            summary.created = 0;
            summary.updated = 0;
            summary.written = 0;
        }
    } else {
        batch
            .read_all(
                &mut *reader,
                &mut connection,
                false,
                &mut stream,
                settings.max_input_size,
            )
            .await?;
    }
    stream.finish();
    db::close(connection).await;
    Ok(Output::Batch(batch.summary))
}

struct Batch<'a> {
    user: &'a str,
    label: String,
    note: Option<&'a str>,
    statement_timeout: Option<std::time::Duration>,
    summary: BatchSummary,
    spool: Option<std::fs::File>,
}

impl Batch<'_> {
    /// Reads every line; with `atomic`, `connection` is the batch's one transaction and
    /// writing stops at the first bad line (the rest are still checked and reported).
    async fn read_all(
        &mut self,
        reader: &mut dyn std::io::BufRead,
        connection: &mut PgConnection,
        atomic: bool,
        stream: &mut Stream<'_>,
        limit: u64,
    ) -> Result<()> {
        let mut buffer = Vec::new();
        let mut line = 0u64;
        loop {
            line += 1;
            let read = input::read_line(reader, &mut buffer, limit).map_err(|io| {
                error::invalid(format!(
                    "cannot read {} at line {line}: {}",
                    self.label,
                    input::describe_io(&io)
                ))
            })?;
            let place = Place {
                source: self.label.clone(),
                line: Some(line),
            };
            let checked = match read {
                LineRead::End => return Ok(()),
                LineRead::TooLong(length) => {
                    stream.advance(length + 1, String::new);
                    Err(vec![too_long(length, limit)])
                }
                LineRead::Line if buffer.iter().all(u8::is_ascii_whitespace) => {
                    stream.advance(buffer.len() as u64 + 1, String::new);
                    continue;
                }
                LineRead::Line => save_line::check(&buffer).map_err(within_line),
            };
            self.summary.read += 1;
            let report = match checked {
                Err(problems) => {
                    self.summary.skipped += 1;
                    let message = match problems.as_slice() {
                        [one] => one.to_string(),
                        many => format!("{} problems", many.len()),
                    };
                    self.refused(
                        LineStatus::Skipped,
                        line,
                        ErrorKind::InvalidInput,
                        message,
                        problems,
                    )
                }
                Ok(_) if self.summary.stopped.is_some() => continue,
                Ok(_) if atomic && self.summary.bad_lines() > 0 => {
                    // The batch will roll back: check the rest, write nothing more.
                    continue;
                }
                Ok(checked) => self.write(connection, atomic, line, &checked).await,
            };
            let held = report.error.is_none() && atomic;
            let spool = if held {
                self.spool.as_mut().map(|file| file as &mut dyn Write)
            } else {
                None
            };
            stream.batch_line(&place, &report, spool)?;
            if let Some(error) = &report.error {
                self.summary
                    .sample
                    .add(&place, &error.problems, &error.message);
            }
            let summary = &self.summary;
            stream.advance(buffer.len() as u64 + 1, || {
                format!(
                    "{} written, {} skipped, {} failed",
                    summary.created + summary.updated,
                    summary.skipped,
                    summary.failed
                )
            });
            if self.summary.stopped.is_some() && !atomic {
                return Ok(());
            }
        }
    }

    /// Writes one valid line: in its own transaction, or in the batch's.
    async fn write(
        &mut self,
        connection: &mut PgConnection,
        atomic: bool,
        line: u64,
        checked: &SaveLine,
    ) -> LineReport {
        let result = if atomic {
            write_line(connection, self.user, checked, self.note).await
        } else {
            match db::begin(connection, self.statement_timeout).await {
                Ok(mut transaction) => {
                    match write_line(&mut transaction, self.user, checked, self.note).await {
                        Ok(written) => db::commit(transaction).await.map(|()| written),
                        Err(error) => Err(error),
                    }
                }
                Err(error) => Err(error),
            }
        };
        match result {
            Ok(written) => {
                let status = if checked.id.is_some() {
                    self.summary.updated += 1;
                    LineStatus::Updated
                } else {
                    self.summary.created += 1;
                    LineStatus::Created
                };
                self.summary.written += 1;
                LineReport {
                    line,
                    status,
                    id: Some(written.id),
                    version: Some(written.version),
                    error: None,
                }
            }
            Err(failure) => {
                let (kind, problems) = classify(&failure);
                let problems = problems.to_vec();
                let message = format!("{failure:#}");
                if matches!(kind, ErrorKind::Database | ErrorKind::Unexpected) {
                    // Not this line's fault: the database went away or broke. Stop.
                    self.summary.stopped = Some((
                        kind,
                        format!("stopped at line {line} of {}: {message}", self.label),
                    ));
                }
                self.summary.failed += 1;
                let mut report = self.refused(LineStatus::Failed, line, kind, message, problems);
                report.id = checked.id;
                report
            }
        }
    }

    fn refused(
        &self,
        status: LineStatus,
        line: u64,
        kind: ErrorKind,
        message: String,
        problems: Vec<Problem>,
    ) -> LineReport {
        LineReport {
            line,
            status,
            id: None,
            version: None,
            error: Some(LineError::new(kind, message, problems)),
        }
    }
}

/// One line's write, inside `transaction`.
async fn write_line(
    transaction: &mut PgConnection,
    user: &str,
    line: &SaveLine,
    batch_note: Option<&str>,
) -> Result<Written> {
    let note = line.note.as_deref().or(batch_note);
    match line.id {
        Some(id) => {
            let options = WriteOptions {
                if_version: line.if_version,
                note: note.map(str::to_string),
            };
            records::update_lean(transaction, user, id, &line.changes, &options).await
        }
        None => {
            let changes = &line.changes;
            let set = |change: &Change<String>| match change {
                Change::Set(text) => Some(text.clone()),
                _ => None,
            };
            let new = NewRecord {
                id: Uuid::new_v4(),
                original_resume_id: line.original_resume_id.unwrap_or_else(Uuid::new_v4),
                job_analysis_id: line.job_analysis_id.unwrap_or_else(Uuid::new_v4),
                title: changes.title.clone().unwrap_or_default(),
                optimized_content: changes.optimized_content.clone().unwrap_or_default(),
                match_score: match changes.match_score {
                    Change::Set(score) => Some(score),
                    _ => None,
                },
                structured_output: set(&changes.structured_output),
                qa_metrics: set(&changes.qa_metrics),
                export_formats: set(&changes.export_formats),
            };
            records::create_lean(transaction, user, &new, note.or(Some("created"))).await
        }
    }
}
