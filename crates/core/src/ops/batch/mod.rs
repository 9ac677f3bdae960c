//! A batch load, one save body a line. Each line is validated, then written in its own
//! transaction (all or nothing: all of them in one, see `atomic.rs`); a bad line is reported
//! and skipped. Streams: memory does not grow with the number of lines. Every input line
//! gets one report, in input order, through `Reports` (which the output layer implements).

mod atomic;
mod workers;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::db::session::{ConnectOptions, Session};
use crate::document::save_line::{self, SaveLine};
use crate::error::{ErrorKind, Hint, Problem, classify};
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
    /// Connections to write on at once (unless all or nothing).
    pub jobs: usize,
    /// The input's name, for reports.
    pub source: String,
}

/// Runs the batch over `lines`. SIGINT and SIGTERM stop the reading instead of the
/// process: what is in flight finishes (or rolls back) and every line is reported; a
/// second signal rolls back what is still in flight.
pub async fn load(
    connect: &ConnectOptions,
    request: BatchRequest,
    lines: LineReader,
    reports: &mut dyn Reports,
) -> Result<BatchSummary> {
    let session = Session::open(connect).await?;
    let signals = match Signals::catch() {
        Ok(signals) => signals,
        Err(failure) => {
            session.close().await;
            return Err(failure);
        }
    };
    let batch = Batch::new(&request);
    if request.atomic {
        return atomic::load(session, batch, &request, lines, &signals, reports).await;
    }
    let writers = WriterSettings {
        connect: connect.clone(),
        user: request.user.clone(),
        note: request.note.clone(),
    };
    let workers = Workers::new(writers, session, request.jobs);
    batch.load_pooled(workers, lines, &signals, reports).await
}

struct Batch {
    summary: BatchSummary,
    /// Reports waiting for the lines before them, by sequence; None for a line that has
    /// nothing to say (read after the batch stopped).
    pending: BTreeMap<u64, Option<LineReport>>,
    next_to_report: u64,
    /// Reports are held (not shown as written) until the batch commits: all or nothing.
    hold: bool,
}

/// One line as the reader hands it on: checked, or refused with its problems.
enum Read {
    /// The line's number, its text, and what checking it found.
    Line(u64, Vec<u8>, Box<Result<SaveLine, Vec<Problem>>>),
    /// The reading is over (the end, a signal, a stream that cannot go on).
    Over,
}

impl Batch {
    fn new(request: &BatchRequest) -> Batch {
        Batch {
            summary: BatchSummary {
                atomic: request.atomic,
                source: request.source.clone(),
                ..BatchSummary::default()
            },
            pending: BTreeMap::new(),
            next_to_report: 0,
            hold: request.atomic,
        }
    }

    /// The next non-blank line, checked; `Over` at the end of the reading. A signal ends
    /// the reading (noted as the interruption), and so does a line over the limit or a
    /// read that fails (noted as what stopped the batch).
    async fn next(
        &mut self,
        lines: &mut LineReader,
        signals: &Signals,
        line: &mut u64,
        reports: &mut dyn Reports,
    ) -> Read {
        loop {
            let read = tokio::select! {
                biased;
                signal = signals.wait() => {
                    self.summary.interrupted = Some(signal.interruption(Some(*line)));
                    return Read::Over;
                }
                read = lines.next() => read,
            };
            *line += 1;
            let source = &self.summary.source;
            match read {
                ReadLine::End => return Read::Over,
                ReadLine::Failed(io) => {
                    let message = format!(
                        "cannot read {source} at line {line}: {}",
                        crate::input::describe_io(&io)
                    );
                    self.summary.stopped = Some((ErrorKind::InvalidInput, message, None));
                    return Read::Over;
                }
                ReadLine::TooLong => {
                    // The rest of the line is unread: the batch cannot go on past it.
                    let message = format!(
                        "line {line} of {source} is longer than the input limit of {}: \
                         stopped reading there",
                        human_size(lines.limit())
                    );
                    self.summary.stopped =
                        Some((ErrorKind::InvalidInput, message, Some(Hint::InputLimit)));
                    self.summary.read += 1;
                    let problems = Err(vec![too_long(lines.limit())]);
                    return Read::Line(*line, Vec::new(), Box::new(problems));
                }
                ReadLine::Line(buffer) => {
                    reports.consumed(buffer.len() as u64 + 1);
                    if buffer.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    self.summary.read += 1;
                    let checked = save_line::check(&buffer).map_err(within_line);
                    return Read::Line(*line, buffer, Box::new(checked));
                }
            }
        }
    }

    /// A line refused before the database: reported in its place.
    fn skip(&mut self, sequence: u64, line: u64, problems: Vec<Problem>) {
        self.summary.skipped += 1;
        let report = refused(LineStatus::Skipped, line, ErrorKind::InvalidInput, problems);
        self.pending.insert(sequence, Some(report));
    }

    /// Reads every line and writes the valid ones on the workers' connections, a
    /// transaction a line; then lets the lines in flight finish (a second signal rolls
    /// them back instead).
    async fn load_pooled(
        mut self,
        mut workers: Workers,
        mut lines: LineReader,
        signals: &Signals,
        reports: &mut dyn Reports,
    ) -> Result<BatchSummary> {
        let (mut line, mut sequence) = (0u64, 0u64);
        while let Read::Line(number, _, checked) =
            self.next(&mut lines, signals, &mut line, reports).await
        {
            let this = sequence;
            sequence += 1;
            match *checked {
                Err(problems) => self.skip(this, number, problems),
                Ok(_) if self.summary.stopped.is_some() => {
                    self.pending.insert(this, None);
                }
                Ok(checked) => {
                    workers.submit(this, number, checked).await;
                    while let Some(done) = workers.try_done() {
                        self.finished(done);
                    }
                    while workers.saturated() {
                        let done = tokio::select! {
                            done = workers.next_done() => done,
                            _ = signals.wait() => break,
                        };
                        match done {
                            Some(done) => self.finished(done),
                            None => break,
                        }
                    }
                }
            }
            self.report_ready(reports)?;
            if self.summary.stopped.is_some() {
                // The database went away: what is queued finishes, nothing more is read.
                break;
            }
        }
        // A first signal while the last lines finish is still the batch's interruption; a
        // signal beyond that one rolls back what is in flight.
        let seen = signals
            .count()
            .max(u32::from(self.summary.interrupted.is_none()));
        for done in workers.finish(signals, seen).await {
            self.finished(done);
        }
        if self.summary.interrupted.is_none()
            && let Some(signal) = signals.received()
        {
            // Reading stopped at the input's end unless something stopped the batch.
            let after = self.summary.stopped.is_some().then_some(line);
            self.summary.interrupted = Some(signal.interruption(after));
        }
        self.report_ready(reports)?;
        Ok(self.summary)
    }

    /// Counts a written or refused line and files its report.
    fn finished(&mut self, done: Done) {
        let report = match done.result {
            Ok(written) => {
                let status = if written.unchanged {
                    self.summary.unchanged += 1;
                    LineStatus::Unchanged
                } else if done.id.is_some() {
                    self.summary.updated += 1;
                    LineStatus::Updated
                } else {
                    self.summary.created += 1;
                    LineStatus::Created
                };
                self.summary.written += u64::from(!written.unchanged);
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
                        None,
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
            reports.line(&place, &report, self.hold)?;
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
        Some(Hint::MissingReference { column }) => {
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

/// A line that was valid but is not written: an all-or-nothing batch that rolled back.
fn rolled_back(line: u64) -> LineReport {
    LineReport {
        line,
        status: LineStatus::RolledBack,
        id: None,
        version: None,
        error: None,
    }
}
