//! Rendering a saved document as a file: the resume (or its cover note) laid out from
//! `resume_json`, keeping only what the `ui` include flags keep. Bytes in, bytes out; a
//! PDF template may read files beside it, nothing else.

mod docx;
mod html;
pub(crate) mod jsonresume;
pub mod layout;
pub mod locale;
mod markdown;
pub mod pdf;
pub mod plain;

use anyhow::Result;
use serde_json::Value;

use crate::error::{self, CliError, ErrorKind, Hint};
use crate::model::reports::ExportFormat;
use layout::Resume;

/// What to render besides the format.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions<'a> {
    /// The document's cover note as a one-page letter, instead of the resume.
    pub cover_note: bool,
    /// PDF only: the paper size and the template.
    pub pdf: pdf::PdfOptions<'a>,
    /// Laid-out formats (md, html, docx, pdf, png): the language of the headings and
    /// dates (None: the one the document names, else English).
    pub locale: Option<&'static locale::Locale>,
}

/// A rendered file, (for a PDF from a user's template) the files of the template's
/// folder it was made from, and (for a PDF) what the user should know about it.
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub template_reads: Vec<pdf::TemplateRead>,
    pub warnings: Vec<String>,
}

/// Renders `document` (a structured_output, whose exact text is `text`) as `format`.
pub async fn render(
    document: &Value,
    text: &str,
    format: ExportFormat,
    options: &RenderOptions<'_>,
) -> Result<Rendered> {
    let mut piece = if options.cover_note {
        Resume::cover_note_from_document(document).ok_or_else(|| {
            error::invalid("the document has no cover_note (its subject and body are empty)")
        })?
    } else {
        Resume::from_document(document)
    };
    let language = options
        .locale
        .or_else(|| locale::of_document(document))
        .unwrap_or_else(locale::english);
    if format.is_laid_out() {
        piece.localise(language);
    }
    let bytes = match format {
        ExportFormat::Txt if options.cover_note => markdown::cover_note_text(&piece).into_bytes(),
        ExportFormat::Txt => plain_text(document).unwrap_or_default().into_bytes(),
        ExportFormat::Md => markdown::render(&piece, language).into_bytes(),
        ExportFormat::Html => {
            let pdf = &options.pdf;
            let style = html::style(pdf.theme, &pdf.design, pdf.paper);
            html::render(&piece, &style, language).into_bytes()
        }
        ExportFormat::Docx => docx::render(&piece, language)?,
        ExportFormat::Pdf | ExportFormat::Png => {
            let mut pdf_options = options.pdf.clone();
            if format == ExportFormat::Pdf {
                pdf_options.png = None;
            } else if pdf_options.png.is_none() {
                pdf_options.png = Some(pdf::Png::default());
            }
            let typeset = pdf::render(&piece, text, &pdf_options, language).await?;
            return Ok(Rendered {
                bytes: typeset.pdf,
                template_reads: typeset.reads,
                warnings: typeset.warnings,
            });
        }
        ExportFormat::Jsonresume if options.cover_note => {
            return Err(
                CliError::new(ErrorKind::Usage, "a JSON Resume has no cover note")
                    .with_hint(Hint::CoverNote)
                    .into(),
            );
        }
        ExportFormat::Jsonresume => jsonresume::render(document)?,
    };
    Ok(Rendered {
        bytes,
        template_reads: Vec::new(),
        warnings: Vec::new(),
    })
}

/// The SHA-256 of `bytes`, in hex: what export notes say a file holds.
pub fn hex_digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The document's ATS plain text, if it has one.
pub fn plain_text(document: &Value) -> Option<String> {
    document
        .pointer("/tailored_resume_text/ats_plain_text")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The longest file name stem written, in bytes (a name may be 255 bytes on Linux).
const MAX_STEM_BYTES: usize = 200;

/// The file name the optimizer suggested, with this format's extension (a cover note's
/// and a JSON Resume's marked as such), made safe to use as a name in the current
/// directory; None when it suggested nothing usable.
pub fn suggested_file_name(
    document: &Value,
    format: ExportFormat,
    cover_note: bool,
) -> Option<String> {
    let suggestion = document
        .pointer("/tailored_resume_text/file_name_suggestion")
        .and_then(Value::as_str)?;
    let base = suggestion.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // File systems limit a name to 255 bytes, not characters: cut at a character
    // boundary well inside that, leaving room for the extension.
    let mut safe = safe.trim_matches(['.', '_']).to_string();
    while safe.len() > MAX_STEM_BYTES {
        safe.pop();
    }
    let safe = safe.trim_end_matches(['.', '_']);
    let marker = match (cover_note, format) {
        (true, _) => "_cover_note",
        (false, ExportFormat::Jsonresume) => ".resume",
        _ => "",
    };
    (!safe.is_empty()).then(|| format!("{safe}{marker}.{}", format.extension()))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::example;

    #[test]
    fn file_names_follow_the_suggestion_safely() {
        let mut document = example();
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Docx, false).as_deref(),
            Some("Jane_Doe_Senior_Data_Engineer_Northwind.docx")
        );
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Pdf, true).as_deref(),
            Some("Jane_Doe_Senior_Data_Engineer_Northwind_cover_note.pdf")
        );
        document["tailored_resume_text"]["file_name_suggestion"] = "../../etc/passwd".into();
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Md, false).as_deref(),
            Some("passwd.md")
        );
        document["tailored_resume_text"]["file_name_suggestion"] = "..".into();
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Md, false),
            None
        );
    }

    #[test]
    fn a_long_file_name_is_cut_at_a_character_boundary_within_the_byte_limit() {
        let mut document = example();
        document["tailored_resume_text"]["file_name_suggestion"] =
            format!("{}.docx", "Ж".repeat(300)).into();
        let name = suggested_file_name(&document, ExportFormat::Docx, false).unwrap();
        assert!(name.len() <= 255, "{} bytes", name.len());
        assert!(name.ends_with("ЖЖ.docx"), "{name}");
    }
}
