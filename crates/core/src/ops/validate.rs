//! `validate`: documents checked offline, with the very checks `save` makes, each
//! reported as it is read. No database, no configuration.

use anyhow::Result;

use crate::document::{self, DocumentKind};
use crate::error::Problem;
use crate::input::Source;
use crate::input::lines::{LineReader, ReadLine, too_long, within_line};
use crate::model::stream::{Place, Validated, ValidationSummary};

/// Checks every document of `sources` (one a file, or one a line with `ndjson`), handing
/// each result to `report` as it comes.
pub async fn validate(
    sources: &[Source],
    ndjson: bool,
    kind: DocumentKind,
    limit: u64,
    report: &mut dyn FnMut(&Validated) -> Result<()>,
) -> Result<ValidationSummary> {
    let mut summary = ValidationSummary::default();
    let mut record = |place: Place, problems: Vec<Problem>| -> Result<()> {
        summary.documents += 1;
        if !problems.is_empty() {
            summary.invalid += 1;
            summary.sample.add(&place, &problems, "invalid");
        }
        report(&Validated {
            place,
            valid: problems.is_empty(),
            problems,
        })
    };
    for source in sources {
        let whole = Place {
            source: source.label(),
            line: None,
        };
        // An unreadable file is an invalid input like any other: say so, go on.
        let unreadable = |error: anyhow::Error| vec![Problem::at("", format!("{error:#}"))];
        if !ndjson {
            let problems = match source.read(limit) {
                Ok(bytes) => document::problems(kind, &bytes),
                Err(error) => unreadable(error),
            };
            record(whole, problems)?;
            continue;
        }
        let mut lines = match source.open() {
            Ok(reader) => LineReader::spawn(reader, limit),
            Err(error) => {
                record(whole, unreadable(error))?;
                continue;
            }
        };
        let mut number = 0u64;
        loop {
            number += 1;
            let place = Place {
                source: source.label(),
                line: Some(number),
            };
            match lines.next().await {
                ReadLine::End => break,
                ReadLine::Failed(io) => {
                    let problem = Problem::at(
                        "",
                        format!("cannot read it: {}", crate::input::describe_io(&io)),
                    );
                    record(place, vec![problem])?;
                    break;
                }
                ReadLine::TooLong => {
                    record(place, vec![too_long(lines.limit())])?;
                    break;
                }
                ReadLine::Line(buffer) if buffer.iter().all(u8::is_ascii_whitespace) => {}
                ReadLine::Line(buffer) => {
                    record(place, within_line(document::problems(kind, &buffer)))?;
                }
            }
        }
    }
    Ok(summary)
}
