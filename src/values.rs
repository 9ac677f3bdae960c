//! The core's enums as the command line takes them. Where a value has a line of its own
//! in `--help` (export formats, document kinds), the words are the command line's and live
//! here, mapped onto the core type; a column is taken by the core's own name for it.

use clap::ValueEnum;
use clap::builder::{EnumValueParser, PossibleValuesParser, TypedValueParser};

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
    /// A tagged PDF, typeset in process (Typst): --paper, --template
    Pdf,
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
}
