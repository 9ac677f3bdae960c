//! Rendering the file from the record, once and only when a stage needs the bytes: a
//! reused export renders nothing.

use anyhow::Result;
use serde_json::Value;

use super::plan::Source;
use crate::error::{self, CliError, ErrorKind, Hint};
use crate::export::hex_digest;
use crate::export::pdf::TemplateRead;
use crate::export::{self, RenderOptions};
use crate::model::record::Record;
use crate::model::reports::ExportFormat;

/// The file's bytes, rendered once, when first needed: a reused export renders nothing.
pub(super) struct Rendering<'a> {
    source: &'a Source,
    bytes: Option<Vec<u8>>,
    /// The bytes' SHA-256, worked out once when they were rendered (every note and the
    /// report carry it).
    sha256: Option<String>,
    /// The files of the template's folder the PDF was made from.
    template_reads: Vec<TemplateRead>,
    /// What the user should know about what was rendered.
    warnings: Vec<String>,
}

impl<'a> Rendering<'a> {
    /// Nothing rendered yet.
    pub(super) fn new(source: &'a Source) -> Self {
        Rendering {
            source,
            bytes: None,
            sha256: None,
            template_reads: Vec::new(),
            warnings: Vec::new(),
        }
    }

    pub(super) async fn bytes(&mut self) -> Result<&[u8]> {
        let bytes = match self.bytes.take() {
            Some(bytes) => bytes,
            None => {
                let source = self.source;
                let rendered = render(
                    &source.record,
                    source.document.as_ref(),
                    source.format,
                    &source.options(),
                )
                .await?;
                self.template_reads = rendered.template_reads;
                self.warnings = rendered.warnings;
                self.sha256 = Some(hex_digest(&rendered.bytes));
                rendered.bytes
            }
        };
        Ok(self.bytes.insert(bytes))
    }

    /// What the user should know about what was rendered (nothing when it was reused).
    pub(super) fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Whether anything was rendered: false when every part was reused.
    pub(super) fn rendered(&self) -> bool {
        self.bytes.is_some()
    }

    /// The size and SHA-256 of what was rendered; None before anything was.
    pub(super) fn digest(&self) -> Option<(u64, String)> {
        Some((self.bytes.as_ref()?.len() as u64, self.sha256.clone()?))
    }

    /// The reuse key of what was rendered, and the files it covers, for its note.
    pub(super) fn made_with(&self) -> (Option<String>, Vec<String>) {
        // A PDF with characters no font had is never reused: once the user installs a
        // font, or names a folder of them, the next export makes it again.
        let missing = self
            .warnings
            .iter()
            .any(|warning| warning.starts_with(crate::export::pdf::fonts::NO_GLYPH));
        let key = self.source.made_with.as_ref().map(|made_with| {
            let key = made_with.of(&self.template_reads);
            if missing {
                key + ", missing glyphs"
            } else {
                key
            }
        });
        let paths = self
            .template_reads
            .iter()
            .map(|read| read.path.clone())
            .collect();
        (key, paths)
    }
}

/// The file's bytes. A record the web application made without a document still has its
/// plain text.
async fn render(
    record: &Record,
    document: Option<&Value>,
    format: ExportFormat,
    options: &RenderOptions<'_>,
) -> Result<export::Rendered> {
    let text_only = |bytes: Vec<u8>| export::Rendered {
        bytes,
        template_reads: Vec::new(),
        warnings: Vec::new(),
    };
    match (document, record.structured_output.as_deref()) {
        (Some(document), Some(text)) if format != ExportFormat::Txt || options.cover_note => {
            export::render(document, text, format, options).await
        }
        (Some(document), _) if let Some(text) = export::plain_text(document) => {
            Ok(text_only(text.into_bytes()))
        }
        _ if format == ExportFormat::Txt && !options.cover_note => record
            .optimized_content
            .clone()
            .map(|text| text_only(text.into_bytes()))
            .ok_or_else(|| {
                error::invalid(format!(
                    "record {} has neither a structured_output nor an optimized_content to \
                     export",
                    record.id
                ))
            }),
        _ => Err(CliError::new(
            ErrorKind::InvalidInput,
            format!(
                "record {} has no structured_output to lay out as {format}",
                record.id
            ),
        )
        .with_hint(Hint::PlainTextOnly)
        .into()),
    }
}
