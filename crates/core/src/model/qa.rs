//! What `resumectl qa` reports for one document: the four quality figures of
//! `qa_metrics`, each with the evidence behind it, and where the document's own `qa`
//! section claims otherwise. The definitions are in shared/docs/qa.md.

use serde::Serialize;
use uuid::Uuid;

use crate::error::Problem;

/// One document's figures. Serialised, it is one line of `qa`'s JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct QaReport {
    /// The record measured (None for a document measured offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The record's title, or the document's file.
    pub source: String,
    pub coverage: Coverage,
    pub readability: Readability,
    pub duplicates: Duplicates,
    pub format_compliance: FormatCompliance,
    /// Where the document's own `qa` section disagrees with what was measured.
    pub claims: Vec<Claim>,
    /// The thresholds this document falls short of (a minimum coverage ...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shortfalls: Vec<String>,
    /// The version written, when the figures were written back.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_version: Option<i64>,
    /// When the figures were to be written back: true when qa_metrics already held them
    /// (nothing written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<bool>,
}

/// Keyword coverage: the share of the job's terms found in the ATS text.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub value: u32,
    pub found: Vec<String>,
    pub missing: Vec<String>,
}

/// Flesch Reading Ease of the summary and the bullets.
#[derive(Debug, Clone, Serialize)]
pub struct Readability {
    pub value: u32,
    pub words: u64,
    pub sentences: u64,
    pub syllables: u64,
    /// The formula's result before it is clamped to 0..100 and rounded.
    pub score: f64,
    pub longest_sentences: Vec<Sentence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sentence {
    /// JSON pointer of the summary or the bullet.
    pub path: String,
    pub words: u64,
    pub text: String,
}

/// Bullets that say again what an earlier one said.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicates {
    /// How many bullets repeat an earlier one (all of them, not only those listed).
    pub value: u32,
    /// The first 100 of them.
    pub duplicates: Vec<Duplicate>,
    /// Alike but not the same (word-set Jaccard similarity >= 0.8): warnings, not counted.
    /// The first 100 pairs (by bullet, then by the earlier bullet).
    pub near_duplicates: Vec<NearDuplicate>,
    /// Every near-duplicate pair, listed or not.
    pub near_duplicates_total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub path: String,
    /// Where the same bullet first stands.
    pub first: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NearDuplicate {
    pub path: String,
    pub similar_to: String,
    pub similarity: f64,
}

/// The share of the eight format checks passed.
#[derive(Debug, Clone, Serialize)]
pub struct FormatCompliance {
    pub value: u32,
    pub passed: u32,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub passed: bool,
    /// Where and why it failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Problem>,
}

/// A claim of the document's `qa` section that the measurement contradicts.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// JSON pointer of the claim.
    pub path: &'static str,
    pub claimed: serde_json::Value,
    pub measured: serde_json::Value,
    pub why: String,
}

/// A record `qa` did not measure, in the stream in place of its report: nothing is
/// stored for it.
#[derive(Debug, Clone, Serialize)]
pub struct NotMeasured {
    pub id: Uuid,
    /// The record's title (its id when it has none).
    pub source: String,
    pub status: NotMeasuredStatus,
    /// Why, in one line.
    pub reason: String,
    /// What the schema finds wrong with the stored document.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotMeasuredStatus {
    /// Its stored document is not a valid structured_output (or, named by id, there is
    /// none): a failure of the run (exit 5).
    Refused,
    /// Measuring every record met one with no document: nothing to measure, not a failure.
    Skipped,
}

/// One line of `qa`'s stream.
#[derive(Debug, Clone)]
pub enum QaLine {
    Measured(Box<QaReport>),
    NotMeasured(NotMeasured),
}

/// What measuring every record ends with.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QaSummary {
    pub documents: u64,
    /// Documents below at least one threshold.
    pub below_the_bar: u64,
    pub written: u64,
    /// Records whose qa_metrics already held the figures measured: nothing written.
    pub unchanged: u64,
    /// Records whose stored document is not a valid structured_output: not measured,
    /// nothing stored.
    pub refused: u64,
    /// Records with no document: nothing to measure.
    pub skipped: u64,
    /// "ID: why" of each refused record, for the closing error.
    #[serde(skip)]
    pub refusals: Vec<String>,
    #[serde(skip)]
    pub shortfalls: Vec<String>,
    /// Printed as the last line (measuring every record).
    #[serde(skip)]
    pub closing_line: bool,
}
