//! The core's enums as the command line takes them. Where a value has a line of its own
//! in `--help` (export formats, document kinds), the words are the command line's and live
//! here, mapped onto the core type; a column is taken by the core's own name for it.

use std::time::Duration;

use clap::ValueEnum;
use clap::builder::{EnumValueParser, PossibleValuesParser, TypedValueParser};

use uuid::Uuid;

use resumectl_core::document::DocumentKind;
use resumectl_core::export::pdf::Paper;
use resumectl_core::model::record::Column;
use resumectl_core::model::reports::ExportFormat;

/// A parser for `T`'s names that yields the core type `T` maps to.
pub fn parser<T, U>() -> impl TypedValueParser<Value = U>
where
    T: ValueEnum + Clone + Send + Sync + 'static + Into<U>,
    U: Clone + Send + Sync + 'static,
{
    EnumValueParser::<T>::new().map(Into::into)
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormatArg {
    /// The ATS plain text (tailored_resume_text.ats_plain_text) as it is
    Txt,
    /// Markdown laid out from resume_json
    Md,
    /// One self-contained HTML page (inline style, no external resource, all text escaped)
    Html,
    /// A Word document
    Docx,
    /// A tagged PDF, typeset in process (Typst): --theme, --design, --locale, --paper,
    /// --template
    Pdf,
    /// A page of that PDF as a PNG image (--page, --dpi): a preview, a thumbnail
    Png,
    /// A JSON Resume document (the jsonresume.org schema 1.x), for other resume tools
    Jsonresume,
}

impl From<ExportFormatArg> for ExportFormat {
    fn from(format: ExportFormatArg) -> ExportFormat {
        match format {
            ExportFormatArg::Txt => ExportFormat::Txt,
            ExportFormatArg::Md => ExportFormat::Md,
            ExportFormatArg::Html => ExportFormat::Html,
            ExportFormatArg::Docx => ExportFormat::Docx,
            ExportFormatArg::Pdf => ExportFormat::Pdf,
            ExportFormatArg::Png => ExportFormat::Png,
            ExportFormatArg::Jsonresume => ExportFormat::Jsonresume,
        }
    }
}

/// The paper a PDF is laid out on.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

impl From<PaperArg> for Paper {
    fn from(paper: PaperArg) -> Paper {
        match paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }
    }
}

/// The documents `validate` checks.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DocumentKindArg {
    /// A structured_output document
    StructuredOutput,
    /// A qa_metrics object
    QaMetrics,
    /// An export_formats object
    ExportFormats,
    /// A line of `save --ndjson`: {"id":..., "structured_output":{...}, ...}
    SaveLine,
}

impl From<DocumentKindArg> for DocumentKind {
    fn from(kind: DocumentKindArg) -> DocumentKind {
        match kind {
            DocumentKindArg::StructuredOutput => DocumentKind::StructuredOutput,
            DocumentKindArg::QaMetrics => DocumentKind::QaMetrics,
            DocumentKindArg::ExportFormats => DocumentKind::ExportFormats,
            DocumentKindArg::SaveLine => DocumentKind::SaveLine,
        }
    }
}

/// A record's column by the name its JSON key has (`get --field match_score`): the names
/// are the core's own, so there is no second list to keep in step.
pub fn column_parser() -> impl TypedValueParser<Value = Column> {
    PossibleValuesParser::new(Column::ALL.map(Column::name)).map(|name: String| {
        Column::ALL
            .into_iter()
            .find(|column| column.name() == name)
            .expect("the parser accepts only the columns' names")
    })
}

/// How data is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// The longest timeout any option takes, in seconds: PostgreSQL's own limit for
/// statement_timeout and lock_timeout (2^31 - 1 milliseconds, about 24.8 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 2_147_483;

/// The largest input size accepted: PostgreSQL stores no text value over 1 GB.
pub const MAX_INPUT_SIZE: u64 = 1 << 30;

/// Accepts `1048576`, `512KiB`, `16MiB`, `1GiB` (and K, M, G, KB, MB, GB as binary units),
/// from 1 byte to `MAX_INPUT_SIZE`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("'{text}' is not a size such as 16MiB or 1048576"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}' (use KiB, MiB or GiB)")),
    };
    number
        .checked_mul(factor)
        .filter(|&size| (1..=MAX_INPUT_SIZE).contains(&size))
        .ok_or_else(|| format!("'{text}' is out of range: give 1 byte to 1GiB"))
}

/// A record id from the command line: a UUID, or exit 5 naming what was given.
pub fn parse_id(text: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        resumectl_core::error::invalid(format!(
            "'{}' is not a record id: expected a UUID such as 0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
            text.escape_debug()
        ))
    })
}

/// "24h", "7d", "90m", "1h 30m": a duration of at least a second.
pub fn parse_duration(text: &str) -> std::result::Result<Duration, String> {
    let duration = humantime::parse_duration(text).map_err(|why| why.to_string())?;
    if duration < Duration::from_secs(1) {
        return Err("a duration of at least 1s is needed".into());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_is_taken_by_its_json_name() {
        let command = clap::Command::new("t").arg(
            clap::Arg::new("field")
                .long("field")
                .value_parser(column_parser()),
        );
        for column in Column::ALL {
            let matches = command
                .clone()
                .try_get_matches_from(["t", "--field", column.name()])
                .unwrap();
            assert_eq!(matches.get_one::<Column>("field"), Some(&column));
        }
        assert!(
            command
                .try_get_matches_from(["t", "--field", "nope"])
                .is_err()
        );
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(parse_size("1GiB"), Ok(MAX_INPUT_SIZE));
        assert!(parse_size("1025MiB").is_err());
        assert!(parse_size("18446744073709551615").is_err());
        assert!(parse_size("17179869184GiB").is_err());
    }
}
