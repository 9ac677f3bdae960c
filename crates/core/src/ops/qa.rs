//! `qa`: the four quality figures measured from documents (stored records, every record
//! of a user, or a file offline), each reported as it is measured; written back, they are merged
//! into the record's qa_metrics as a new version; thresholds name who falls short.

use anyhow::Result;
use uuid::Uuid;

use crate::db::listing;
use crate::db::records::{self, not_found};
use crate::db::session::Session;
use crate::db::writes;
use crate::document::{self, DocumentKind, parse_stored};
use crate::error::Problem;
use crate::input::Source;
use crate::model::changes::WriteOptions;
use crate::model::qa::{NotMeasured, NotMeasuredStatus, QaLine, QaReport, QaSummary};

/// The quality bar: a document below any of these falls short (exit 8).
#[derive(Debug, Clone, Copy, Default)]
pub struct Thresholds {
    pub min_coverage: Option<u32>,
    pub min_readability: Option<u32>,
    pub max_duplicates: Option<u32>,
    pub min_format_compliance: Option<u32>,
}

impl Thresholds {
    /// Each figure of `report` that falls short, said with the bar.
    fn shortfalls(&self, report: &QaReport) -> Vec<String> {
        let mut out = Vec::new();
        let mut below = |name: &str, value: u32, minimum: Option<u32>| {
            if let Some(minimum) = minimum
                && value < minimum
            {
                out.push(format!("{name} {value} is below {minimum}"));
            }
        };
        below("coverage", report.coverage.value, self.min_coverage);
        below(
            "readability",
            report.readability.value,
            self.min_readability,
        );
        below(
            "format compliance",
            report.format_compliance.value,
            self.min_format_compliance,
        );
        if let Some(maximum) = self.max_duplicates
            && report.duplicates.value > maximum
        {
            out.push(format!(
                "duplicates {} is above {maximum}",
                report.duplicates.value
            ));
        }
        out
    }
}

/// What to do with each measured record.
pub struct QaRequest<'a> {
    pub thresholds: Thresholds,
    /// Merge the figures into qa_metrics, as a new version with these options.
    pub write: Option<&'a WriteOptions>,
}

/// Measures a document from a file or stdin, offline: it must pass `save`'s validation.
pub fn measure_document(source: &Source, limit: u64, thresholds: Thresholds) -> Result<QaReport> {
    let checked = source.read_document(DocumentKind::StructuredOutput, limit)?;
    let value = parse_stored(&checked.text)?;
    // The text is not needed once parsed: a large document is not held twice.
    drop(checked);
    let mut report = document::qa::measure(&value, source.label());
    report.shortfalls = thresholds.shortfalls(&report);
    Ok(report)
}

/// Measures each of `ids` the user owns, handing each report on as it is made. A record
/// with no document, or an invalid one, is refused (and the others measured).
pub async fn measure_records(
    session: &mut Session,
    user: &str,
    ids: &[Uuid],
    request: &QaRequest<'_>,
    report: &mut dyn FnMut(&QaLine) -> Result<()>,
) -> Result<QaSummary> {
    let mut summary = QaSummary::default();
    for &id in ids {
        let record = session
            .read(async |connection| records::fetch(connection, user, id).await)
            .await?;
        let title = record.title.unwrap_or_else(|| id.to_string());
        let Some(text) = record.structured_output else {
            let line = not_measured(id, title, NotMeasuredStatus::Refused, NO_DOCUMENT, vec![]);
            report_not_measured(line, &mut summary, report)?;
            continue;
        };
        measured(
            session,
            user,
            id,
            title,
            &text,
            request,
            &mut summary,
            report,
        )
        .await?;
    }
    Ok(summary)
}

/// Why a record with a NULL structured_output is not measured.
const NO_DOCUMENT: &str = "it has no structured_output (NULL): nothing to measure";

fn not_measured(
    id: Uuid,
    source: String,
    status: NotMeasuredStatus,
    reason: &str,
    problems: Vec<Problem>,
) -> NotMeasured {
    NotMeasured {
        id,
        source,
        status,
        reason: reason.to_string(),
        problems,
    }
}

/// Counts a record that was not measured in the summary, and reports it.
fn report_not_measured(
    line: NotMeasured,
    summary: &mut QaSummary,
    report: &mut dyn FnMut(&QaLine) -> Result<()>,
) -> Result<()> {
    match line.status {
        NotMeasuredStatus::Refused => {
            summary.refused += 1;
            summary
                .refusals
                .push(format!("{}: {}", line.id, line.reason));
        }
        NotMeasuredStatus::Skipped => summary.skipped += 1,
    }
    report(&QaLine::NotMeasured(line))
}

/// How many records one query reads: the stream's memory does not grow with the table.
const PAGE: i64 = 500;

/// Measures every record of `user` (None: of every user), in id order, a page at a time;
/// a record with no document is skipped, and said so.
pub async fn measure_all(
    session: &mut Session,
    user: Option<&str>,
    request: &QaRequest<'_>,
    report: &mut dyn FnMut(&QaLine) -> Result<()>,
) -> Result<QaSummary> {
    let mut summary = QaSummary::default();
    let mut after = None;
    loop {
        let page = session
            .read(async |connection| listing::documents(connection, user, after, PAGE).await)
            .await?;
        let Some(last) = page.last() else {
            return Ok(summary);
        };
        after = Some(last.id);
        for row in page {
            let title = row.title.unwrap_or_else(|| row.id.to_string());
            let owner = row.user_id;
            let Some(text) = row.document else {
                let status = NotMeasuredStatus::Skipped;
                let line = not_measured(row.id, title, status, NO_DOCUMENT, vec![]);
                report_not_measured(line, &mut summary, report)?;
                continue;
            };
            measured(
                session,
                &owner,
                row.id,
                title,
                &text,
                request,
                &mut summary,
                report,
            )
            .await?;
        }
    }
}

/// Measures one record's document, writes its figures when asked, and reports it. A
/// stored document that is not a valid structured_output (the web application writes
/// without resumectl's validation) is refused: its figures would mean nothing (`{}` has
/// no terms, so coverage 100), and nothing is stored for it.
#[allow(clippy::too_many_arguments)]
async fn measured(
    session: &mut Session,
    user: &str,
    id: Uuid,
    title: String,
    text: &str,
    request: &QaRequest<'_>,
    summary: &mut QaSummary,
    report: &mut dyn FnMut(&QaLine) -> Result<()>,
) -> Result<()> {
    let value = parse_stored(text)?;
    let problems = document::validate(DocumentKind::StructuredOutput, &value);
    if let Some(problem) = problems.first() {
        let reason = format!(
            "its stored structured_output is not a valid document ({problem}): not \
             measured, nothing stored"
        );
        let line = not_measured(id, title, NotMeasuredStatus::Refused, &reason, problems);
        return report_not_measured(line, summary, report);
    }
    let mut measured = document::qa::measure(&value, title);
    measured.id = Some(id);
    measured.shortfalls = request.thresholds.shortfalls(&measured);
    if let Some(options) = request.write {
        let metrics = measured.metrics().to_string();
        let saved = session
            .write(async |transaction| {
                writes::merge_qa_metrics(transaction, user, id, &metrics, options).await
            })
            .await?;
        measured.unchanged = Some(saved.unchanged);
        if saved.unchanged {
            summary.unchanged += 1;
        } else {
            measured.written_version = Some(saved.record.version);
            summary.written += 1;
        }
    }
    summary.documents += 1;
    if !measured.shortfalls.is_empty() {
        summary.below_the_bar += 1;
        for shortfall in &measured.shortfalls {
            summary.shortfalls.push(format!("{id}: {shortfall}"));
        }
    }
    report(&QaLine::Measured(Box::new(measured)))
}

/// The record ids given exist for this user: said before anything is measured or written.
pub async fn check_ids(session: &mut Session, user: &str, ids: &[Uuid]) -> Result<()> {
    let found = session
        .read(async |connection| records::titles(connection, user, ids).await)
        .await?;
    match ids
        .iter()
        .find(|id| !found.iter().any(|(found, _, _)| found == *id))
    {
        Some(&missing) => Err(not_found(missing)),
        None => Ok(()),
    }
}
