//! A batch load, one save body a line. Each line is validated, then written in its own
//! transaction (or all in one with `--atomic`); a bad line is reported and skipped.
//! Streams: memory does not grow with the number of lines. Reports go out in input order
//! through `Reports`, which the output layer implements.

mod workers;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::db::session::{ConnectOptions, Session};
use crate::document::save_line;
use crate::error::{ErrorKind, Problem, classify};
use crate::input::human_size;
use crate::input::lines::{LineReader, ReadLine, too_long, within_line};
use crate::interrupt::Signals;
use crate::model::stream::{
    BatchReports as Reports, BatchSummary, LineError, LineReport, LineStatus, Place,
};
use workers::{Done, Workers, WriterSettings};

/// What a batch is asked to do.
pub struct BatchRequest {
    pub user: String,
    /// The note of every version the batch writes (a line's own note comes first).
    pub note: Option<String>,
    pub atomic: bool,
    /// Connections to write on at once (without `--atomic`).
    pub jobs: usize,
    /// The input's name, for reports.
    pub source: String,
}

/// Runs the batch over `lines`. SIGINT and SIGTERM stop the reading instead of the
/// process: what is in flight finishes (or rolls back) and every line written is
/// reported.
pub async fn load(
    connect: &ConnectOptions,
    request: BatchRequest,
    mut lines: LineReader,
    reports: &mut dyn Reports,
) -> Result<BatchSummary> {
    let mut session = Session::open(connect).await?;
    let signals = Signals::catch()?;
    let mut batch = Batch {
        summary: BatchSummary {
            atomic: request.atomic,
            source: request.source.clone(),
            ..BatchSummary::default()
        },
        pending: BTreeMap::new(),
        next_to_report: 0,
    };
    if request.atomic {
        let (user, note) = (request.user.as_str(), request.note.as_deref());
        let written = session
            .write(async |transaction| {
                let mut writer = Writer::Atomic {
                    transaction,
                    user,
                    note,
                };
                batch
                    .read_all(&mut lines, &signals, &mut writer, reports)
                    .await?;
                let summary = &batch.summary;
                if summary.bad_lines() > 0
                    || summary.stopped.is_some()
                    || summary.interrupted.is_some()
                {
                    // Rolls the transaction back: nothing of the batch is written.
                    return Err(anyhow::anyhow!("the batch rolls back"));
                }
                Ok(())
            })
            .await;
        session.close().await;
        match written {
            Ok(()) => reports.release()?,
            Err(_)
                if batch.summary.bad_lines() > 0
                    || batch.summary.stopped.is_some()
                    || batch.summary.interrupted.is_some() =>
            {
                let summary = &mut batch.summary;
                summary.rolled_back = summary.created + summary.updated;
                summary.created = 0;
                summary.updated = 0;
                summary.written = 0;
            }
            Err(failure) => return Err(failure),
        }
    } else {
        let writers = WriterSettings {
            connect: connect.clone(),
            user: request.user.clone(),
            note: request.note.clone(),
        };
        let mut writer = Writer::Pool(Box::new(Workers::new(writers, session, request.jobs)));
        let read = batch
            .read_all(&mut lines, &signals, &mut writer, reports)
            .await;
        if let Writer::Pool(workers) = writer {
            for done in workers.finish().await {
                batch.finished(done);
            }
        }
        read?;
        batch.report_ready(reports)?;
    }
    Ok(batch.summary)
}

/// Where valid lines are written.
enum Writer<'t> {
    /// --atomic: every line in the batch's one transaction, in order.
    Atomic {
        transaction: &'t mut sqlx::PgConnection,
        user: &'t str,
        note: Option<&'t str>,
    },
    /// A transaction a line, on a pool of connections.
    Pool(Box<Workers>),
}

struct Batch {
    summary: BatchSummary,
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
        reports: &mut dyn Reports,
    ) -> Result<()> {
        let mut line = 0u64;
        let mut sequence = 0u64;
        loop {
            let read = tokio::select! {
                biased;
                signal = signals.wait() => {
                    self.summary.interrupted = Some(signal.interruption(line));
                    return Ok(());
                }
                read = lines.next() => read,
            };
            line += 1;
            let last = !matches!(read, ReadLine::Line(_));
            let checked = match read {
                ReadLine::End => return Ok(()),
                ReadLine::Failed(io) => {
                    let message = format!(
                        "cannot read {} at line {line}: {}",
                        self.summary.source,
                        crate::input::describe_io(&io)
                    );
                    self.summary.stopped = Some((ErrorKind::InvalidInput, message));
                    return Ok(());
                }
                ReadLine::TooLong => {
                    // The rest of the line is unread: the batch cannot go on past it.
                    let message = format!(
                        "line {line} of {} is longer than the input limit of {}: stopped \
                         reading there",
                        self.summary.source,
                        human_size(lines.limit())
                    );
                    self.summary.stopped = Some((ErrorKind::InvalidInput, message));
                    Err(vec![too_long(lines.limit())])
                }
                ReadLine::Line(buffer) if buffer.iter().all(u8::is_ascii_whitespace) => {
                    reports.consumed(buffer.len() as u64 + 1);
                    continue;
                }
                ReadLine::Line(buffer) => {
                    reports.consumed(buffer.len() as u64 + 1);
                    save_line::check(&buffer).map_err(within_line)
                }
            };
            self.summary.read += 1;
            let this = sequence;
            sequence += 1;
            match checked {
                Err(problems) => {
                    self.summary.skipped += 1;
                    let report =
                        refused(LineStatus::Skipped, line, ErrorKind::InvalidInput, problems);
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
                        let id = checked.id();
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
            self.report_ready(reports)?;
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
                let message = line_message(&failure);
                if matches!(kind, ErrorKind::Database | ErrorKind::Unexpected)
                    && self.summary.stopped.is_none()
                {
                    // Not this line's fault: the database went away or broke. Stop.
                    self.summary.stopped = Some((
                        kind,
                        format!(
                            "stopped at line {} of {}: {message}",
                            done.line, self.summary.source
                        ),
                    ));
                }
                self.summary.failed += 1;
                let mut report = refused(LineStatus::Failed, done.line, kind, problems);
                if let Some(error) = &mut report.error {
                    error.message = message;
                }
                report.id = done.id;
                report
            }
        };
        self.pending.insert(done.sequence, Some(report));
    }

    /// Writes out, in input order, every report whose predecessors are all out.
    fn report_ready(&mut self, reports: &mut dyn Reports) -> Result<()> {
        while let Some(entry) = self.pending.remove(&self.next_to_report) {
            self.next_to_report += 1;
            let Some(report) = entry else { continue };
            let place = Place {
                source: self.summary.source.clone(),
                line: Some(report.line),
            };
            let held = report.error.is_none() && self.summary.atomic;
            reports.line(&place, &report, held)?;
            if let Some(error) = &report.error {
                self.summary
                    .sample
                    .add(&place, &error.problems, &error.message);
            }
            reports.counts(&self.summary);
        }
        Ok(())
    }
}

/// A line's error in a line's terms: a missing reference names the line's key.
fn line_message(failure: &anyhow::Error) -> String {
    match crate::error::hint(failure) {
        Some(crate::error::Hint::MissingReference { column }) => {
            format!("{failure:#} (give \"{column}\" of an existing row)")
        }
        _ => format!("{failure:#}"),
    }
}

fn refused(status: LineStatus, line: u64, kind: ErrorKind, problems: Vec<Problem>) -> LineReport {
    let message = match problems.as_slice() {
        [one] => one.to_string(),
        many => format!("{} problems", many.len()),
    };
    LineReport {
        line,
        status,
        id: None,
        version: None,
        error: Some(LineError::new(kind, message, problems)),
    }
}
