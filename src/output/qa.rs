//! `qa`'s reports as they are measured: one JSON object a line, or for people a short
//! report a document, with what falls short marked (in red on a colour terminal).

use std::io::Write;

use anstyle::{AnsiColor, Style};
use anyhow::Result;

use crate::output::{Format, terminal};
use resumectl_core::error::{CliError, ErrorKind};
use resumectl_core::model::qa::{NotMeasured, QaLine, QaReport, QaSummary};

pub struct QaStream<'w> {
    format: Format,
    out: &'w mut dyn Write,
    /// Failing points drawn in red: a terminal that takes colour.
    colour: bool,
}

impl<'w> QaStream<'w> {
    pub fn new(format: Format, out: &'w mut dyn Write, colour: bool) -> Self {
        QaStream {
            format,
            out,
            colour,
        }
    }

    /// The summary of a single document measured offline.
    pub fn summary_of_one(&self, report: &QaReport) -> QaSummary {
        QaSummary {
            documents: 1,
            below_the_bar: u64::from(!report.shortfalls.is_empty()),
            written: u64::from(report.written_version.is_some()),
            unchanged: u64::from(report.unchanged == Some(true)),
            refused: 0,
            skipped: 0,
            refusals: Vec::new(),
            shortfalls: report.shortfalls.clone(),
            closing_line: false,
        }
    }

    /// The summary, printed as the last line when the run measured `--all`.
    pub fn finish(&mut self, mut summary: QaSummary, closing_line: bool) -> QaSummary {
        summary.closing_line = closing_line;
        summary
    }

    /// One record: its report, or why it was not measured.
    pub fn line(&mut self, line: &QaLine) -> Result<()> {
        match line {
            QaLine::Measured(report) => self.report(report),
            QaLine::NotMeasured(not_measured) => self.not_measured(not_measured),
        }
    }

    /// A record not measured: a JSON line in the stream; for people, lines on stderr (as
    /// a batch names its bad lines), stdout keeping only the reports.
    fn not_measured(&mut self, line: &NotMeasured) -> Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut *self.out, line)?;
                writeln!(self.out)?;
            }
            Format::Table => {
                let status = serde_json::to_value(line.status)?;
                let status = status.as_str().unwrap_or_default();
                terminal::to_stderr(&terminal::safe(&format!(
                    "{}  {}: {status}: {}",
                    line.id, line.source, line.reason
                )));
                for problem in &line.problems {
                    terminal::to_stderr(&terminal::safe(&format!("  {problem}")));
                }
            }
        }
        Ok(())
    }

    pub fn report(&mut self, report: &QaReport) -> Result<()> {
        match self.format {
            Format::Json => {
                serde_json::to_writer(&mut *self.out, report)?;
                writeln!(self.out)?;
            }
            Format::Table => self.table(report)?,
        }
        Ok(())
    }

    fn mark(&self, text: &str, failing: bool) -> String {
        let text = terminal::safe(text);
        if failing && self.colour {
            let style = Style::new().bold().fg_color(Some(AnsiColor::Red.into()));
            format!("{style}{text}{style:#}")
        } else {
            text.into_owned()
        }
    }

    fn table(&mut self, report: &QaReport) -> Result<()> {
        let short = |name: &str| report.shortfalls.iter().any(|line| line.starts_with(name));
        let id = report.id.map(|id| format!("{id}  ")).unwrap_or_default();
        writeln!(self.out, "{id}{}", terminal::safe(&report.source))?;
        let coverage = &report.coverage;
        let missing = match coverage.missing.as_slice() {
            [] => "every term found".to_string(),
            terms => format!("missing: {}", terms.join(", ")),
        };
        let line = format!("  coverage           {:>3}  {missing}", coverage.value);
        writeln!(self.out, "{}", self.mark(&line, short("coverage")))?;
        let readability = &report.readability;
        let line = format!(
            "  readability        {:>3}  {} words, {} sentences, {} syllables",
            readability.value, readability.words, readability.sentences, readability.syllables
        );
        writeln!(self.out, "{}", self.mark(&line, short("readability")))?;
        let duplicates = &report.duplicates;
        let line = format!("  duplicates         {:>3}", duplicates.value);
        writeln!(self.out, "{}", self.mark(&line, short("duplicates")))?;
        for duplicate in &duplicates.duplicates {
            let line = format!("    {} repeats {}", duplicate.path, duplicate.first);
            writeln!(self.out, "{}", self.mark(&line, true))?;
        }
        let unlisted = u64::from(duplicates.value) - duplicates.duplicates.len() as u64;
        if unlisted > 0 {
            let line = format!("    and {unlisted} more repeats");
            writeln!(self.out, "{}", self.mark(&line, true))?;
        }
        for near in &duplicates.near_duplicates {
            writeln!(
                self.out,
                "    {} is much like {} (warning)",
                near.path, near.similar_to
            )?;
        }
        let unlisted = duplicates.near_duplicates_total - duplicates.near_duplicates.len() as u64;
        if unlisted > 0 {
            writeln!(
                self.out,
                "    and {unlisted} more near-duplicate pairs (warning)"
            )?;
        }
        let format = &report.format_compliance;
        let line = format!(
            "  format compliance  {:>3}  {} of {} checks pass",
            format.value,
            format.passed,
            format.checks.len()
        );
        writeln!(self.out, "{}", self.mark(&line, short("format compliance")))?;
        for check in format.checks.iter().filter(|check| !check.passed) {
            for failure in &check.failures {
                let line = format!("    FAIL {}: {failure}", check.name);
                writeln!(self.out, "{}", self.mark(&line, true))?;
            }
        }
        for claim in &report.claims {
            let line = format!(
                "  claim {}: {} claimed, {} measured",
                claim.path, claim.claimed, claim.measured
            );
            writeln!(self.out, "{}", self.mark(&line, true))?;
        }
        if let Some(version) = report.written_version {
            writeln!(self.out, "  written to qa_metrics as version {version}")?;
        }
        if report.unchanged == Some(true) {
            writeln!(
                self.out,
                "  qa_metrics already hold these figures: unchanged, nothing written"
            )?;
        }
        writeln!(self.out)?;
        Ok(())
    }
}

/// How a `qa` run that measured everything it could ends: exit 5 when a record was
/// refused (as a batch with bad lines), else exit 8 when a document fell short.
pub fn failure(summary: &QaSummary) -> Option<CliError> {
    let plural = |count: u64, one: &'static str, many: &'static str| {
        if count == 1 { one } else { many }
    };
    let below = || {
        format!(
            "{} of {} {} below the quality bar: {}",
            summary.below_the_bar,
            summary.documents,
            plural(summary.documents, "document is", "documents are"),
            summary.shortfalls.join("; ")
        )
    };
    if summary.refused > 0 {
        let mut message = format!(
            "{} {} not measured, nothing stored for {}: {}",
            summary.refused,
            plural(summary.refused, "record was", "records were"),
            plural(summary.refused, "it", "them"),
            summary.refusals.join("; ")
        );
        if summary.below_the_bar > 0 {
            message.push_str("; and ");
            message.push_str(&below());
        }
        return Some(CliError::new(ErrorKind::InvalidInput, message));
    }
    (summary.below_the_bar > 0).then(|| CliError::new(ErrorKind::BelowTheBar, below()))
}
