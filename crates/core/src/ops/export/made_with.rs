//! What a PDF is made from besides the record's version: the paper, the template's text,
//! and every file of the template's folder that the template read. An earlier PDF is
//! reused only when all of them are the same now, so a changed logo or a changed
//! `motto.txt` makes the PDF again.

use std::path::PathBuf;

use crate::export::hex_digest;
use crate::export::locale::Locale;
use crate::export::pdf::design::Design;
use crate::export::pdf::fonts::FontSources;
use crate::export::pdf::themes::{self, Theme};
use crate::export::pdf::{self, Paper, Png, Template, TemplateRead};

use super::ExportNote;
use crate::model::reports::ExportFormat;

/// The reuse key of a PDF (`made_with` in its note), for one paper and template.
pub(super) struct MadeWith {
    /// Paper and template.
    base: String,
    /// The folder a user's template reads from; None for the built-in template, which
    /// reads nothing.
    folder: Option<PathBuf>,
}

impl MadeWith {
    /// None for the formats nothing but the version makes; for md, html and docx, the
    /// language asked for, and for HTML the theme, the design and the paper it prints on
    /// (None for none of them: as before these formats followed them).
    pub(super) fn new(
        format: ExportFormat,
        paper: Paper,
        template: Option<&Template>,
        theme: Option<&'static Theme>,
        design: &Design,
        locale: Option<&'static Locale>,
        png: Option<Png>,
    ) -> Option<Self> {
        if !format.is_typeset() {
            // HTML's look, and a language asked for: none of them, no key (as before
            // these formats followed them).
            let mut parts = Vec::new();
            let styled = theme.is_some() || !design.is_default() || paper != Paper::A4;
            if format == ExportFormat::Html && styled {
                let theme = theme.unwrap_or(themes::DEFAULT).name;
                parts.push(format!(
                    "theme {theme}, design {}, paper {paper:?}",
                    design.json()
                ));
            }
            if let Some(locale) = locale.filter(|_| format.is_laid_out()) {
                parts.push(format!("locale {}", locale.tag));
            }
            return (!parts.is_empty()).then(|| MadeWith {
                base: parts.join(", ").to_lowercase(),
                folder: None,
            });
        }
        // A built-in theme by its name and its text: a new release's theme makes the PDF
        // again.
        let name = match template {
            Some(template) => hex_digest(template.source.as_bytes()),
            None => {
                let theme = theme.unwrap_or(themes::DEFAULT);
                format!(
                    "{} {}",
                    theme.name,
                    &hex_digest(theme.source.as_bytes())[..16]
                )
            }
        };
        // The design options as the template gets them (none: as before they existed).
        let mut design = match design.is_default() {
            true => String::new(),
            false => format!(", design {}", design.json()),
        };
        // A language asked for (the document's own comes with its version).
        if let Some(locale) = locale {
            design.push_str(&format!(", locale {}", locale.tag));
        }
        if let Some(png) = png {
            design.push_str(&format!(", page {} at {} dpi", png.page, png.dpi));
        }
        Some(MadeWith {
            base: format!("paper {paper:?}, template {name}").to_lowercase() + &design,
            folder: template.map(|template| template.folder.clone()),
        })
    }

    /// With where a PDF's fonts beyond the embedded ones come from (none named and the
    /// system's: the key as before fonts were found). Not for the other formats.
    pub(super) fn with_fonts(mut self, format: ExportFormat, fonts: &FontSources) -> Self {
        if format.is_typeset() && *fonts != FontSources::default() {
            let (paths, system) = (&fonts.paths, fonts.system);
            self.base
                .push_str(&format!(", fonts {paths:?} system {system}"));
        }
        self
    }

    /// The key `earlier` must have to be reused: the files it was made from, as they are
    /// now. A note from before files were noted never matches a user's template: its PDF
    /// is made again once.
    pub(super) fn now_for(&self, earlier: Option<&ExportNote>) -> String {
        let Some(folder) = &self.folder else {
            return self.base.clone();
        };
        let reads: Vec<TemplateRead> = earlier
            .map(|note| {
                note.template_reads
                    .iter()
                    .map(|path| pdf::read_again(folder, path))
                    .collect()
            })
            .unwrap_or_default();
        self.of(&reads)
    }

    /// The key of a PDF just made, from the files its template read.
    pub(super) fn of(&self, reads: &[TemplateRead]) -> String {
        if self.folder.is_none() {
            return self.base.clone();
        }
        // One line a file, sorted by path: the same files give the same digest.
        let mut lines: Vec<String> = reads
            .iter()
            .map(|read| {
                let held = read.sha256.as_deref().unwrap_or("unreadable");
                format!("{}\0{held}\n", read.path)
            })
            .collect();
        lines.sort();
        format!(
            "{}, reads {}",
            self.base,
            hex_digest(lines.concat().as_bytes())
        )
    }
}
