//! What the commands that report as they read (`validate`, a batch save) say about
//! each item, and the counts they end with.

use anyhow::Result;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{ErrorKind, Hint, Problem};

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

/// One checked document of `validate`.
#[derive(Debug, Clone, Serialize)]
pub struct Validated {
    #[serde(flatten)]
    pub place: Place,
    pub valid: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// What happened to one line of a batch save.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineStatus {
    Created,
    Updated,
    /// Valid, and equal to what the record holds: nothing written, no new version.
    Unchanged,
    /// Refused before the database: the line is invalid.
    Skipped,
    /// Refused by the database: not found, a version conflict, a constraint.
    Failed,
    /// Valid, but not kept: an all-or-nothing batch that wrote nothing.
    RolledBack,
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

/// One line of a batch save's JSON output.
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

/// Where a batch's reports go.
pub trait BatchReports {
    /// One line's report. `held`: not to be shown as written yet (an all-or-nothing batch
    /// may still roll back).
    fn line(&mut self, place: &Place, report: &LineReport, held: bool) -> Result<()>;
    /// Input bytes read so far went up by `bytes` (a progress bar).
    fn consumed(&mut self, bytes: u64);
    /// The counts so far (beside a progress bar).
    fn counts(&mut self, summary: &BatchSummary);
    /// The batch is over: the held reports may be shown; `rolled_back`: the lines they
    /// report as written were rolled back, and are shown as such.
    fn release(&mut self, rolled_back: bool) -> Result<()>;
    /// The held reports were provisional: forget them.
    fn discard_held(&mut self);
}

/// A signal that stopped a batch's reading.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Interruption {
    #[serde(rename = "signal")]
    pub name: &'static str,
    #[serde(skip)]
    pub kind: ErrorKind,
    /// The last line read before it; None: the input had been read to its end.
    #[serde(skip)]
    pub after_line: Option<u64>,
}

/// The counts a batch ends with.
#[derive(Debug, Default, Serialize)]
pub struct BatchSummary {
    /// Lines that were not blank.
    pub read: u64,
    pub written: u64,
    pub created: u64,
    pub updated: u64,
    /// Lines equal to what their record holds: nothing written.
    pub unchanged: u64,
    /// Invalid lines, refused before the database.
    pub skipped: u64,
    /// Valid lines the database refused: not found, a version conflict, a constraint.
    pub failed: u64,
    /// All or nothing: valid lines not written because another line was bad.
    #[serde(skip_serializing_if = "is_zero")]
    pub rolled_back: u64,
    pub atomic: bool,
    /// The input's name, for messages.
    #[serde(skip)]
    pub source: String,
    /// A failure that stopped the batch (the database went away): kind, message and
    /// what to do about it.
    #[serde(skip)]
    pub stopped: Option<(ErrorKind, String, Option<Hint>)>,
    #[serde(skip_serializing_if = "Option::is_none", flatten)]
    pub interrupted: Option<Interruption>,
    /// The line after whose report writing stdout failed (the batch went on).
    #[serde(skip)]
    pub output_lost_after: Option<u64>,
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

/// How many documents `validate` read and how many failed.
#[derive(Debug, Default)]
pub struct ValidationSummary {
    pub documents: u64,
    pub invalid: u64,
    pub sample: ProblemSample,
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
            self.problems.push(Problem::at(prefix.clone(), message));
        }
        for problem in problems {
            if self.problems.len() >= SUMMARY_PROBLEMS {
                break;
            }
            let path = if problem.path.is_empty() {
                prefix.clone()
            } else {
                format!("{prefix}: {}", problem.path)
            };
            self.problems
                .push(Problem::at(path, problem.message.clone()));
        }
    }
}
