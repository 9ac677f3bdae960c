//! The core's enums as the command line spells them: each value's name and its line in
//! `--help` belong to the command line, so they live here, each mapped onto its core type.

use clap::ValueEnum;
use clap::builder::{EnumValueParser, TypedValueParser};

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

/// A record's columns, as `get --field` names them.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum ColumnArg {
    Id,
    UserId,
    Title,
    Version,
    OriginalResumeId,
    JobAnalysisId,
    MatchScore,
    OptimizedContent,
    OptimizationSummary,
    ImprovementsMade,
    KeywordsAdded,
    SkillsHighlighted,
    StructuredOutput,
    QaMetrics,
    ExportFormats,
    CreatedAt,
    UpdatedAt,
}

impl From<ColumnArg> for Column {
    fn from(column: ColumnArg) -> Column {
        match column {
            ColumnArg::Id => Column::Id,
            ColumnArg::UserId => Column::UserId,
            ColumnArg::Title => Column::Title,
            ColumnArg::Version => Column::Version,
            ColumnArg::OriginalResumeId => Column::OriginalResumeId,
            ColumnArg::JobAnalysisId => Column::JobAnalysisId,
            ColumnArg::MatchScore => Column::MatchScore,
            ColumnArg::OptimizedContent => Column::OptimizedContent,
            ColumnArg::OptimizationSummary => Column::OptimizationSummary,
            ColumnArg::ImprovementsMade => Column::ImprovementsMade,
            ColumnArg::KeywordsAdded => Column::KeywordsAdded,
            ColumnArg::SkillsHighlighted => Column::SkillsHighlighted,
            ColumnArg::StructuredOutput => Column::StructuredOutput,
            ColumnArg::QaMetrics => Column::QaMetrics,
            ColumnArg::ExportFormats => Column::ExportFormats,
            ColumnArg::CreatedAt => Column::CreatedAt,
            ColumnArg::UpdatedAt => Column::UpdatedAt,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_the_name_the_json_gives_it() {
        for column in ColumnArg::value_variants() {
            let name = column.to_possible_value().unwrap();
            assert_eq!(name.get_name(), Column::from(*column).name());
        }
        assert_eq!(ColumnArg::value_variants().len(), Column::ALL.len());
    }
}
