//! The resume as a PDF, typeset in process by Typst from a template
//! (`templates/resume.typ`, or a user's own). The data reaches the template as data
//! (`sys.inputs`, virtual files), never pasted into its markup. Typst tags the PDF
//! (structure and reading order for screen readers and ATS parsers).

mod world;

use std::path::PathBuf;

use anyhow::Result;
use typst::diag::Warned;
use typst_layout::PagedDocument;

use crate::error::{self, CliError, ErrorKind};
use crate::export::layout::Resume;
use world::{Data, ResumeWorld};

/// The built-in template, shipped beside the code so that users can start from it.
pub const BUILT_IN_TEMPLATE: &str = include_str!("../../../../../templates/resume.typ");

/// The paper a PDF is laid out on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Typst's name for it (`sys.inputs.paper`).
    fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

/// A user's template: its text, how to name it, and the folder it may read from.
#[derive(Debug, Clone)]
pub struct Template {
    pub source: String,
    pub name: String,
    pub folder: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct PdfOptions<'a> {
    pub paper: Paper,
    /// None: the built-in template.
    pub template: Option<&'a Template>,
}

/// Typesets `resume` (with the whole document's text beside it) as a PDF.
pub fn render(resume: &Resume, document: &str, options: &PdfOptions<'_>) -> Result<Vec<u8>> {
    let resume_json = serde_json::to_string(resume)?;
    let data = Data {
        resume: &resume_json,
        document,
        paper: options.paper.typst_name(),
    };
    let (source, name, folder) = match options.template {
        Some(template) => (
            template.source.as_str(),
            template.name.as_str(),
            Some(template.folder.as_path()),
        ),
        None => (BUILT_IN_TEMPLATE, "the built-in template", None),
    };
    let world = ResumeWorld::new(source, name, folder, &data).map_err(error::invalid)?;
    let failed = |diagnostics: &[typst::diag::SourceDiagnostic]| -> anyhow::Error {
        let message = format!("typesetting the PDF: {}", world.describe(diagnostics));
        // The data cannot break a template: an error in the built-in one is a bug.
        let kind = if options.template.is_some() {
            ErrorKind::InvalidInput
        } else {
            ErrorKind::Unexpected
        };
        CliError::new(kind, message).into()
    };
    let Warned { output, .. } =
        crate::timings::time("typeset", || typst::compile::<PagedDocument>(&world));
    let document = output.map_err(|errors| failed(&errors))?;
    let options = typst_pdf::PdfOptions {
        tagged: true,
        ..typst_pdf::PdfOptions::default()
    };
    crate::timings::time("pdf", || typst_pdf::pdf(&document, &options))
        .map_err(|errors| failed(&errors))
}
