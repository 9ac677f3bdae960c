//! `resumectl save --ndjson`: a batch load, one save body a line. Each line is validated
//! and written in its own transaction (or all in one with `--atomic`); a bad line is
//! reported and skipped. Streams: memory does not grow with the number of lines.

mod workers;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use anyhow::Result;
use serde::Serialize;
use sqlx::postgres::PgConnection;

use crate::commands::Context;
use crate::commands::save::SaveArgs;
use crate::commands::validate::{too_long, within_line};
use crate::db::{self, Target};
use crate::document::save_line;
use crate::error::{self, ErrorKind, Problem, classify};
use crate::input::{self, LineReader, ReadLine, Source};
use crate::interrupt::{Signal, Signals};
use crate::output::Output;
use crate::output::stream::{LineError, LineReport, LineStatus, Place, ProblemSample, Stream};
use workers::{Done, Workers, WriterSettings};

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
    /// The input's name, for messages.
    #[serde(skip)]
    pub source: String,
    /// The signal that stopped the reading, and the last line read before it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "signal_name"
    )]
    pub interrupted: Option<(Signal, u64)>,
    #[serde(skip)]
    pub sample: ProblemSample,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

fn signal_name<S: serde::Serializer>(
    interrupted: &Option<(Signal, u64)>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match interrupted {
        Some((signal, _)) => serializer.serialize_str(signal.name()),
        None => serializer.serialize_none(),
    }
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
    let reader = source.open()?;
    let total_bytes = match &source {
        Source::File(path) => std::fs::metadata(path).ok().map(|meta| meta.len()),
        Source::Stdin => None,
    };
    let settings = context.settings;
    let connection = context.connect().await?;
    // From here on, SIGINT and SIGTERM stop the reading instead of the process: what is
    // in flight finishes (or rolls back) and every line written is reported.
    let signals = Signals::catch()?;
    let show_progress = std::io::stderr().is_terminal() && !settings.no_input;
    let mut stream = Stream::new(settings.format, out, total_bytes, show_progress);
    // A reader that goes away (`| grep -m1 skipped`) does not stop the load halfway.
    stream.survive_closed_output();
    let limit = settings.max_input_size;
    let mut lines = LineReader::spawn(reader, limit);
    let mut batch = Batch {
        label: source.label(),
        summary: BatchSummary {
            atomic: args.atomic,
            source: source.label(),
            ..BatchSummary::default()
        },
        spool: None,
        pending: BTreeMap::new(),
        next_to_report: 0,
    };

    if args.atomic {
        // Successful lines are held back until the commit: a rolled-back batch must not
        // have reported them as written.
        if settings.format == crate::cli::Format::Json {
            batch.spool = Some(tempfile::tempfile()?);
        }
        let mut connection = connection;
        let mut transaction = db::begin(&mut connection, settings.statement_timeout).await?;
        let mut writer = Writer::Atomic {
            transaction: &mut transaction,
            user,
            note: args.write.note.as_deref(),
        };
        batch
            .read_all(&mut lines, &signals, &mut writer, &mut stream)
            .await?;
        let interrupted = batch.summary.interrupted.is_some();
        if batch.summary.bad_lines() == 0 && batch.summary.stopped.is_none() && !interrupted {
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
        db::close(connection).await;
    } else {
        let writers = WriterSettings {
            target: Target::from_settings(settings)?,
            connect_timeout: settings.connect_timeout,
            statement_timeout: settings.statement_timeout,
            user: user.to_string(),
            note: args.write.note.clone(),
        };
        let mut writer = Writer::Pool(Box::new(Workers::new(
            writers,
            connection,
            usize::from(args.jobs),
        )));
        batch
            .read_all(&mut lines, &signals, &mut writer, &mut stream)
            .await?;
        if let Writer::Pool(workers) = writer {
            for done in workers.finish().await {
                batch.finished(done);
            }
            batch.report_ready(&mut stream)?;
        }
    }
    stream.finish();
    if let Some(after_line) = stream.output_lost() {
        let summary = &batch.summary;
        crate::output::notice(&format!(
            "stdout failed after the report of line {after_line}; the batch went on to the \
             end: {} written ({} created, {} updated), {} skipped, {} failed{}",
            summary.written,
            summary.created,
            summary.updated,
            summary.skipped,
            summary.failed,
            if summary.rolled_back > 0 {
                format!(", {} rolled back", summary.rolled_back)
            } else {
                String::new()
            }
        ));
    }
    Ok(Output::Batch(batch.summary))
}

/// Where valid lines are written.
enum Writer<'t> {
    /// --atomic: every line in the batch's one transaction, in order.
    Atomic {
        transaction: &'t mut PgConnection,
        user: &'t str,
        note: Option<&'t str>,
    },
    /// A transaction a line, on a pool of connections.
    Pool(Box<Workers>),
}

struct Batch {
    label: String,
    summary: BatchSummary,
    spool: Option<std::fs::File>,
    /// Reports waiting for the lines before them, by sequence; None for a line that was
    /// not written and has nothing to say (the batch had already stopped).
    pending: BTreeMap<u64, Option<LineReport>>,
    next_to_report: u64,
}

impl Batch {
    /// Reads every line, writing the valid ones. With --atomic, writing stops at the
    /// first bad line (the rest are still checked and reported). A signal stops the
    /// reading; what was submitted still finishes.
    async fn read_all(
        &mut self,
        lines: &mut LineReader,
        signals: &Signals,
        writer: &mut Writer<'_>,
        stream: &mut Stream<'_>,
    ) -> Result<()> {
        let mut line = 0u64;
        let mut sequence = 0u64;
        loop {
            let read = tokio::select! {
                biased;
                signal = signals.wait() => {
                    self.summary.interrupted = Some((signal, line));
                    return Ok(());
                }
                read = lines.next() => read,
            };
            line += 1;
            let last = !matches!(read, ReadLine::Line(_));
            let checked = match read {
                ReadLine::End => return Ok(()),
                ReadLine::Failed(io) => {
                    self.summary.stopped = Some((
                        ErrorKind::InvalidInput,
                        format!(
                            "cannot read {} at line {line}: {}",
                            self.label,
                            input::describe_io(&io)
                        ),
                    ));
                    return Ok(());
                }
                ReadLine::TooLong => {
                    // The rest of the line is unread: the batch cannot go on past it.
                    self.summary.stopped = Some((
                        ErrorKind::InvalidInput,
                        format!(
                            "line {line} of {} is longer than the input limit of {}: \
                             stopped reading there (raise it with --max-input-size)",
                            self.label,
                            input::human_size(lines.limit())
                        ),
                    ));
                    Err(vec![too_long(lines.limit())])
                }
                ReadLine::Line(buffer) if buffer.iter().all(u8::is_ascii_whitespace) => {
                    stream.consumed(buffer.len() as u64 + 1);
                    continue;
                }
                ReadLine::Line(buffer) => {
                    stream.consumed(buffer.len() as u64 + 1);
                    save_line::check(&buffer).map_err(within_line)
                }
            };
            self.summary.read += 1;
            let this = sequence;
            sequence += 1;
            match checked {
                Err(problems) => {
                    self.summary.skipped += 1;
                    let message = match problems.as_slice() {
                        [one] => one.to_string(),
                        many => format!("{} problems", many.len()),
                    };
                    let report = refused(
                        LineStatus::Skipped,
                        line,
                        ErrorKind::InvalidInput,
                        message,
                        problems,
                    );
                    self.pending.insert(this, Some(report));
                }
                Ok(_) if self.summary.stopped.is_some() => {
                    self.pending.insert(this, None);
                }
                Ok(_) if self.summary.atomic && self.summary.bad_lines() > 0 => {
                    // The batch will roll back: check the rest, write nothing more.
                    self.pending.insert(this, None);
                }
                Ok(checked) => match writer {
                    Writer::Atomic {
                        transaction,
                        user,
                        note,
                    } => {
                        let id = checked.id;
                        let result = workers::write_line(transaction, user, checked, *note).await;
                        self.finished(Done {
                            sequence: this,
                            line,
                            id,
                            result,
                        });
                    }
                    Writer::Pool(workers) => {
                        workers.submit(this, line, checked).await;
                        while let Some(done) = workers.try_done() {
                            self.finished(done);
                        }
                        while workers.saturated() {
                            match workers.next_done().await {
                                Some(done) => self.finished(done),
                                None => break,
                            }
                        }
                    }
                },
            }
            self.report_ready(stream)?;
            if last || (self.summary.stopped.is_some() && !self.summary.atomic) {
                // The database went away: what is queued finishes, nothing more is read.
                return Ok(());
            }
        }
    }

    /// Counts a written or refused line and files its report.
    fn finished(&mut self, done: Done) {
        let report = match done.result {
            Ok(written) => {
                let status = if done.id.is_some() {
                    self.summary.updated += 1;
                    LineStatus::Updated
                } else {
                    self.summary.created += 1;
                    LineStatus::Created
                };
                self.summary.written += 1;
                LineReport {
                    line: done.line,
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
                if matches!(kind, ErrorKind::Database | ErrorKind::Unexpected)
                    && self.summary.stopped.is_none()
                {
                    // Not this line's fault: the database went away or broke. Stop.
                    self.summary.stopped = Some((
                        kind,
                        format!("stopped at line {} of {}: {message}", done.line, self.label),
                    ));
                }
                self.summary.failed += 1;
                let mut report = refused(LineStatus::Failed, done.line, kind, message, problems);
                report.id = done.id;
                report
            }
        };
        self.pending.insert(done.sequence, Some(report));
    }

    /// Writes out, in input order, every report whose predecessors are all out.
    fn report_ready(&mut self, stream: &mut Stream<'_>) -> Result<()> {
        while let Some(entry) = self.pending.remove(&self.next_to_report) {
            self.next_to_report += 1;
            let Some(report) = entry else { continue };
            let place = Place {
                source: self.label.clone(),
                line: Some(report.line),
            };
            let held = report.error.is_none() && self.summary.atomic;
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
            stream.status(|| {
                format!(
                    "{} written, {} skipped, {} failed",
                    summary.created + summary.updated,
                    summary.skipped,
                    summary.failed
                )
            });
        }
        Ok(())
    }
}

fn refused(
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
