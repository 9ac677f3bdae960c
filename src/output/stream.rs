//! Reports written while a command is still reading (`validate`, `save --ndjson`): one
//! item at a time, so that memory does not grow with the input. JSON output is one
//! object a line on stdout; table output keeps stdout quiet and names every problem on
//! stderr, above the progress bar.

use std::io::{BufRead, Seek, Write};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

use crate::output::Format;
use crate::output::terminal;
use resumectl_core::error::Problem;
use resumectl_core::model::stream::{BatchReports, BatchSummary, LineReport, Place, Validated};

/// Writes items as they are produced; owns the progress bar so that stderr lines and the
/// bar do not overwrite each other.
pub struct Stream<'w> {
    format: Format,
    out: &'w mut dyn Write,
    progress: ProgressBar,
    /// Reports held back until a batch commits (`--atomic`, JSON): a rolled-back batch
    /// must not have reported them as written.
    spool: Option<std::fs::File>,
    /// Go on when writing the output fails (a batch: the load matters more than its
    /// report); else stop with the error.
    survive_closed_output: bool,
    /// The line whose report was the last one written, once writing the output failed.
    lost_after: Option<u64>,
    last_written: u64,
}

impl<'w> Stream<'w> {
    /// `total_bytes`: the input's size when known (a file), for a bar with an end; the bar
    /// is drawn only when `show_progress` (stderr is a terminal), whatever stdout is.
    pub fn new(
        format: Format,
        out: &'w mut dyn Write,
        total_bytes: Option<u64>,
        show_progress: bool,
    ) -> Self {
        let progress = match (show_progress, total_bytes) {
            (false, _) => ProgressBar::hidden(),
            (true, Some(total)) => bar(
                Some(total),
                "{bar:30} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)",
            ),
            (true, None) => bar(None, "{spinner} {bytes} read {msg} ({elapsed})"),
        };
        Stream {
            format,
            out,
            progress,
            spool: None,
            survive_closed_output: false,
            lost_after: None,
            last_written: 0,
        }
    }

    /// For a batch: keeps going when writing the output fails (`output_lost` says where),
    /// and holds back reports of an `--atomic` batch until it commits.
    pub fn for_batch(mut self, atomic: bool) -> Result<Self> {
        self.survive_closed_output = true;
        if atomic && self.format == Format::Json {
            self.spool = Some(tempfile::tempfile()?);
        }
        Ok(self)
    }

    /// When writing the output failed: the line whose report was the last written.
    pub fn output_lost(&self) -> Option<u64> {
        self.lost_after
    }

    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }

    /// One checked document (`validate`).
    pub fn validation(&mut self, item: &Validated) -> Result<()> {
        // A problem with a hint (a line over the input limit) is shown with it.
        let worded = crate::hints::worded_all(&item.problems).map(|problems| Validated {
            problems,
            ..item.clone()
        });
        let item = worded.as_ref().unwrap_or(item);
        let place = terminal::safe(&item.place.to_string()).into_owned();
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut *self.out, item)?;
                writeln!(self.out)?;
            }
            Format::Table if item.valid => writeln!(self.out, "valid    {place}")?,
            Format::Table => {
                writeln!(self.out, "INVALID  {place}")?;
                self.problems_to_stderr(&item.place, &item.problems);
            }
        }
        Ok(())
    }

    /// Writes to the output unless it already failed; a failure is kept, not returned,
    /// when the stream survives a closed output.
    fn emit(&mut self, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        if self.lost_after.is_some() {
            return Ok(());
        }
        match write(&mut *self.out).and_then(|()| Ok(self.out.flush()?)) {
            Err(_) if self.survive_closed_output => {
                self.lost_after = Some(self.last_written);
                Ok(())
            }
            result => result,
        }
    }

    fn problems_to_stderr(&self, place: &Place, problems: &[Problem]) {
        for problem in problems {
            self.line_to_stderr(&format!("{place}: {problem}"));
        }
    }

    fn line_to_stderr(&self, line: &str) {
        self.progress.suspend(|| {
            terminal::to_stderr(&format!("  {}", terminal::safe(line)));
        });
    }
}

impl BatchReports for Stream<'_> {
    fn line(&mut self, place: &Place, report: &LineReport, held: bool) -> Result<()> {
        let worded = worded_report(report);
        let report = worded.as_ref().unwrap_or(report);
        match self.format {
            Format::Json => match (&mut self.spool, held) {
                (Some(spool), true) => {
                    serde_json::to_writer(&mut *spool, report)?;
                    writeln!(spool)?;
                }
                _ => {
                    self.emit(|out| {
                        serde_json::to_writer(&mut *out, report)?;
                        Ok(writeln!(out)?)
                    })?;
                    if self.lost_after.is_none() {
                        self.last_written = report.line;
                    }
                }
            },
            Format::Table => {
                if let Some(error) = &report.error {
                    if error.problems.len() != 1 {
                        self.line_to_stderr(&format!("{place}: {}", error.message));
                    }
                    self.problems_to_stderr(place, &error.problems);
                }
            }
        }
        Ok(())
    }

    fn consumed(&mut self, bytes: u64) {
        self.progress.inc(bytes);
    }

    fn counts(&mut self, summary: &BatchSummary) {
        if !self.progress.is_hidden() {
            self.progress.set_message(format!(
                "{} written, {} skipped, {} failed",
                summary.created + summary.updated,
                summary.skipped,
                summary.failed
            ));
        }
    }

    fn release(&mut self, rolled_back: bool) -> Result<()> {
        let Some(mut spool) = self.spool.take() else {
            return Ok(());
        };
        spool.flush()?;
        spool.seek(std::io::SeekFrom::Start(0))?;
        for text in std::io::BufReader::new(spool).lines() {
            let text = text?;
            let report: serde_json::Value = serde_json::from_str(&text)?;
            let line = report["line"].as_u64().unwrap_or(self.last_written);
            let written = matches!(report["status"].as_str(), Some("created" | "updated"));
            let shown = if rolled_back && written {
                serde_json::json!({ "line": line, "status": "rolled_back" }).to_string()
            } else {
                text
            };
            self.emit(|out| Ok(writeln!(out, "{shown}")?))?;
            if self.lost_after.is_none() {
                self.last_written = line;
            }
        }
        Ok(())
    }

    fn discard_held(&mut self) {
        if let Some(spool) = &mut self.spool {
            let _ = spool.set_len(0).and_then(|()| spool.rewind());
        }
    }
}

fn bar(total: Option<u64>, template: &str) -> ProgressBar {
    ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
        .with_style(ProgressStyle::with_template(template).expect("a valid progress template"))
        // A command stopped by a signal drops its bar: it leaves no half-drawn line.
        .with_finish(ProgressFinish::AndClear)
}

/// The report with its problems' hints worded in (a line over the input limit), when one
/// has a hint; the line's message follows when it was its one problem.
fn worded_report(report: &LineReport) -> Option<LineReport> {
    let error = report.error.as_ref()?;
    let problems = crate::hints::worded_all(&error.problems)?;
    let mut worded = report.clone();
    let line_error = worded.error.as_mut()?;
    if let ([before], [after]) = (error.problems.as_slice(), problems.as_slice())
        && line_error.message == before.to_string()
    {
        line_error.message = after.to_string();
    }
    line_error.problems = problems;
    Some(worded)
}
