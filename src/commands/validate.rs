//! `resumectl validate`: check documents offline, with the very validator `save` uses.
//! No database, no configuration needed.

use std::io::Write;

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::config::Settings;
use crate::document::{self, DocumentKind, save_line};
use crate::error::Problem;
use crate::input::{self, LineRead, Source};
use crate::output::Output;
use crate::output::stream::{Place, ProblemSample, Stream};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl validate resume.json other.json\n  \
    resumectl get ID --field structured_output | resumectl validate -\n  \
    resumectl validate --ndjson documents.ndjson\n  \
    resumectl validate --ndjson --kind save-line batch.ndjson   # what save --ndjson would accept\n\n\
    Exits 0 when every document is valid, 5 when any is not.")]
pub struct ValidateArgs {
    /// Documents to check: FILEs, or '-' for stdin [default: stdin when it is not a terminal]
    #[arg(value_name = "FILE|-")]
    pub files: Vec<String>,

    /// Each input is NDJSON: one document a line (blank lines are ignored)
    #[arg(long)]
    pub ndjson: bool,

    /// What each document is
    #[arg(long, value_enum, default_value_t = Kind::StructuredOutput)]
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// A structured_output document
    StructuredOutput,
    /// A qa_metrics object
    QaMetrics,
    /// An export_formats object
    ExportFormats,
    /// A line of `save --ndjson`: {"id":..., "structured_output":{...}, ...}
    SaveLine,
}

impl Kind {
    /// The one check `save` makes of the same input.
    pub fn check(self, bytes: &[u8]) -> Vec<Problem> {
        let kind = match self {
            Kind::StructuredOutput => DocumentKind::StructuredOutput,
            Kind::QaMetrics => DocumentKind::QaMetrics,
            Kind::ExportFormats => DocumentKind::ExportFormats,
            Kind::SaveLine => return save_line::check(bytes).err().unwrap_or_default(),
        };
        document::problems(kind, bytes)
    }
}

/// How many documents were read and how many failed.
#[derive(Debug, Default)]
pub struct ValidationSummary {
    pub documents: u64,
    pub invalid: u64,
    pub sample: ProblemSample,
}

pub fn run(args: &ValidateArgs, settings: &Settings, out: &mut dyn Write) -> Result<Output> {
    let sources: Vec<Source> = if args.files.is_empty() {
        vec![Source::from_arg(None, "document")?]
    } else {
        args.files
            .iter()
            .map(|file| Source::from_arg(Some(file), "document"))
            .collect::<Result<_>>()?
    };
    input::at_most_one_stdin(&sources.iter().collect::<Vec<_>>())?;
    let limit = settings.max_input_size;
    let mut stream = Stream::new(settings.format, out, None, false);
    let mut summary = ValidationSummary::default();
    for source in &sources {
        if args.ndjson {
            check_lines(source, args.kind, limit, &mut stream, &mut summary)?;
        } else {
            let place = Place {
                source: source.label(),
                line: None,
            };
            let problems = match source.read(limit) {
                Ok(bytes) => args.kind.check(&bytes),
                // An unreadable file is an invalid input like any other: say so, go on.
                Err(error) => vec![Problem {
                    path: String::new(),
                    message: format!("{error:#}"),
                }],
            };
            record(&place, &problems, &mut stream, &mut summary)?;
        }
    }
    Ok(Output::Validated(summary))
}

fn check_lines(
    source: &Source,
    kind: Kind,
    limit: u64,
    stream: &mut Stream<'_>,
    summary: &mut ValidationSummary,
) -> Result<()> {
    let mut reader = match source.open() {
        Ok(reader) => reader,
        Err(error) => {
            let place = Place {
                source: source.label(),
                line: None,
            };
            let problem = Problem {
                path: String::new(),
                message: format!("{error:#}"),
            };
            return record(&place, &[problem], stream, summary);
        }
    };
    let mut buffer = Vec::new();
    let mut line = 0u64;
    loop {
        line += 1;
        let read = input::read_line(&mut *reader, &mut buffer, limit).map_err(|io| {
            crate::error::invalid(format!(
                "cannot read {} at line {line}: {}",
                source.label(),
                input::describe_io(&io)
            ))
        })?;
        let place = Place {
            source: source.label(),
            line: Some(line),
        };
        let problems = match read {
            LineRead::End => return Ok(()),
            LineRead::TooLong => {
                return record(&place, &[too_long(limit)], stream, summary);
            }
            LineRead::Line if buffer.iter().all(u8::is_ascii_whitespace) => continue,
            LineRead::Line => within_line(kind.check(&buffer)),
        };
        record(&place, &problems, stream, summary)?;
    }
}

/// A line is one document: "line 1 column 7" of it is column 7 of the line the place
/// already names.
pub fn within_line(mut problems: Vec<Problem>) -> Vec<Problem> {
    for problem in &mut problems {
        if let Some(column) = problem.path.strip_prefix("line 1 column ") {
            problem.path = format!("column {column}");
        }
    }
    problems
}

pub fn too_long(limit: u64) -> Problem {
    Problem {
        path: String::new(),
        message: format!(
            "the line is longer than the input limit of {} (raise it with \
             --max-input-size); reading stopped at this line",
            input::human_size(limit)
        ),
    }
}

fn record(
    place: &Place,
    problems: &[Problem],
    stream: &mut Stream<'_>,
    summary: &mut ValidationSummary,
) -> Result<()> {
    summary.documents += 1;
    if !problems.is_empty() {
        summary.invalid += 1;
        summary.sample.add(place, problems, "invalid");
    }
    stream.validation(place, problems)
}
