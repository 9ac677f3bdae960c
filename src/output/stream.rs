//! Reports written while a command is still reading (`validate`, `save --ndjson`): one
//! item at a time, so that memory does not grow with the input. JSON output is one
//! object a line on stdout; table output keeps stdout quiet and names every problem on
//! stderr, above the progress bar.

use std::io::Write;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use uuid::Uuid;

use crate::cli::Format;
use crate::error::{ErrorKind, Problem};

/// How many located problems a closing summary keeps (the stream already named them all).
pub const SUMMARY_PROBLEMS: usize = 50;

/// Where an item came from: a file, and the line within it for NDJSON.
#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {line}", self.source),
            None => write!(f, "{}", self.source),
        }
    }
}

/// What happened to one line of a batch save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Created,
    Updated,
    /// Refused before the database: the line is invalid.
    Skipped,
    /// Refused by the database: not found, a version conflict, a constraint.
    Failed,
}

/// Why a line was not written.
#[derive(Debug, Clone, Serialize)]
pub struct LineError {
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl LineError {
    pub fn new(kind: ErrorKind, message: String, problems: Vec<Problem>) -> Self {
        LineError {
            kind: kind.name(),
            message,
            problems,
        }
    }
}

/// One line of `save --ndjson`'s JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct LineReport {
    pub line: u64,
    pub status: LineStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<LineError>,
}

/// Writes items as they are produced; owns the progress bar so that stderr lines and the
/// bar do not overwrite each other.
pub struct Stream<'w> {
    format: Format,
    out: &'w mut dyn Write,
    progress: ProgressBar,
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
        let progress = if show_progress {
            match total_bytes {
                Some(total) => {
                    ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                        .with_style(
                            ProgressStyle::with_template(
                                "{bar:30} {bytes}/{total_bytes} {msg} ({elapsed}, {eta} left)",
                            )
                            .expect("a valid progress template"),
                        )
                }
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
                    .with_style(
                        ProgressStyle::with_template("{spinner} {bytes} read {msg} ({elapsed})")
                            .expect("a valid progress template"),
                    ),
            }
        } else {
            ProgressBar::hidden()
        };
        Stream {
            format,
            out,
            progress,
            survive_closed_output: false,
            lost_after: None,
            last_written: 0,
        }
    }

    /// Keeps going when writing the output fails; `output_lost` says where it stopped.
    pub fn survive_closed_output(&mut self) {
        self.survive_closed_output = true;
    }

    /// When writing the output failed: the line whose report was the last written.
    pub fn output_lost(&self) -> Option<u64> {
        self.lost_after
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

    /// Moves the bar on by `bytes` read.
    pub fn consumed(&self, bytes: u64) {
        self.progress.inc(bytes);
    }

    /// Shows `message` beside the bar (built only when the bar is drawn).
    pub fn status(&self, message: impl FnOnce() -> String) {
        if !self.progress.is_hidden() {
            self.progress.set_message(message());
        }
    }

    pub fn finish(&self) {
        self.progress.finish_and_clear();
    }

    /// One checked document (`validate`).
    pub fn validation(&mut self, place: &Place, problems: &[Problem]) -> Result<()> {
        match self.format {
            Format::Json => {
                #[derive(Serialize)]
                struct Item<'a> {
                    #[serde(flatten)]
                    place: &'a Place,
                    valid: bool,
                    #[serde(skip_serializing_if = "<[Problem]>::is_empty")]
                    problems: &'a [Problem],
                }
                let item = Item {
                    place,
                    valid: problems.is_empty(),
                    problems,
                };
                serde_json::to_writer(&mut *self.out, &item)?;
                writeln!(self.out)?;
            }
            Format::Table if problems.is_empty() => {
                writeln!(
                    self.out,
                    "valid    {}",
                    super::terminal::safe(&place.to_string())
                )?;
            }
            Format::Table => {
                writeln!(
                    self.out,
                    "INVALID  {}",
                    super::terminal::safe(&place.to_string())
                )?;
                self.problems_to_stderr(place, problems);
            }
        }
        Ok(())
    }

    /// One line of a batch save. `held` lines (a batch that may still roll back) go to
    /// `spool` instead of the output.
    pub fn batch_line(
        &mut self,
        place: &Place,
        report: &LineReport,
        spool: Option<&mut dyn Write>,
    ) -> Result<()> {
        match self.format {
            Format::Json => match spool {
                Some(spool) => {
                    serde_json::to_writer(&mut *spool, report)?;
                    writeln!(spool)?;
                }
                None => {
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
                    if error.problems.len() > 1 || error.problems.is_empty() {
                        self.line_to_stderr(&format!("{place}: {}", error.message));
                    }
                    self.problems_to_stderr(place, &error.problems);
                }
            }
        }
        Ok(())
    }

    /// Copies the held lines of a committed batch to the output.
    pub fn release(&mut self, spool: &mut std::fs::File) -> Result<()> {
        use std::io::Seek;
        spool.flush()?;
        spool.seek(std::io::SeekFrom::Start(0))?;
        self.emit(|out| {
            std::io::copy(spool, out)?;
            Ok(())
        })
    }

    fn problems_to_stderr(&self, place: &Place, problems: &[Problem]) {
        for problem in problems {
            self.line_to_stderr(&format!("{place}: {problem}"));
        }
    }

    fn line_to_stderr(&self, line: &str) {
        self.progress.suspend(|| {
            super::terminal::to_stderr(&format!("  {}", super::terminal::safe(line)));
        });
    }
}

/// Keeps the first located problems of a stream for its closing error.
#[derive(Debug, Default)]
pub struct ProblemSample {
    pub problems: Vec<Problem>,
}

impl ProblemSample {
    pub fn add(&mut self, place: &Place, problems: &[Problem], message: &str) {
        let prefix = place.to_string();
        if problems.is_empty() && self.problems.len() < SUMMARY_PROBLEMS {
            self.problems.push(Problem {
                path: prefix.clone(),
                message: message.to_string(),
            });
        }
        for problem in problems {
            if self.problems.len() >= SUMMARY_PROBLEMS {
                break;
            }
            self.problems.push(Problem {
                path: if problem.path.is_empty() {
                    prefix.clone()
                } else {
                    format!("{prefix}: {}", problem.path)
                },
                message: problem.message.clone(),
            });
        }
    }
}
