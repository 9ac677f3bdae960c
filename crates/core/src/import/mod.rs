//! Importers: a resume in another form (a JSON Resume file, a LinkedIn data export) made
//! into a structured_output document, with a note for every input field that found no
//! place in it. Pure: bytes in, a document out; writing it is `save`'s work.

pub mod dates;
mod document;
pub mod jsonresume;
pub mod linkedin;
mod placed;

use serde_json::Value;

use crate::error::Problem;
pub(crate) use crate::export::layout::join_present;

/// The forms a resume is imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    JsonResume,
    LinkedIn,
}

impl ImportFormat {
    /// Its short name, as the version's note says it ("imported from jsonresume").
    pub fn name(self) -> &'static str {
        match self {
            ImportFormat::JsonResume => "jsonresume",
            ImportFormat::LinkedIn => "linkedin",
        }
    }

    /// As a person calls it.
    pub fn title(self) -> &'static str {
        match self {
            ImportFormat::JsonResume => "JSON Resume",
            ImportFormat::LinkedIn => "LinkedIn data export",
        }
    }
}

/// An imported resume: the document, its text (what is validated and stored), the
/// title a new record gets, and the notes.
#[derive(Debug, Clone)]
pub struct Imported {
    pub document: Value,
    pub text: String,
    /// "<name> – <headline>", "<name>" or "<headline>"; None when the input has neither.
    pub title: Option<String>,
    /// Every input field that found no place in the document, located in the input
    /// (`/work/0/summary`, `Positions.csv:3: Description`), and what became of it.
    pub notes: Vec<Problem>,
}

/// Reads `bytes` (labelled `label` in messages) as `format`: refused inputs are errors
/// of kind invalid input naming the place.
pub fn import(
    format: ImportFormat,
    bytes: &[u8],
    label: &str,
    max_size: u64,
) -> anyhow::Result<Imported> {
    let (draft, notes) = match format {
        ImportFormat::JsonResume => jsonresume::read(bytes, label)?,
        ImportFormat::LinkedIn => linkedin::read(bytes, label, max_size)?,
    };
    Ok(document::build(draft, format, notes))
}

/// A resume read from another format, before it is laid out as a document.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub name: String,
    /// When the input names them apart (LinkedIn does); else split from `name`.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub headline: String,
    pub summary: String,
    pub email: String,
    pub phone: String,
    pub location: String,
    pub linkedin: String,
    /// A personal site.
    pub url: String,
    pub jobs: Vec<Job>,
    /// Document-shaped items ({degree, institution, notes}, and the input's own
    /// structure under further keys, for an export back to JSON Resume).
    pub education: Vec<Value>,
    pub certifications: Vec<(String, String)>,
    /// Named groups; a name met twice is one group. (A JSON object keeps no order: the
    /// document lists them by name, after the optimizer's own four.)
    pub skills: Vec<(String, Vec<String>)>,
    /// (label, value).
    pub extras: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Job {
    pub company: String,
    pub title: String,
    pub location: String,
    /// "Dec 2013"; "Present" for an open end.
    pub start: String,
    pub end: String,
    pub bullets: Vec<String>,
}

impl Draft {
    /// Adds `keywords` to the group `name` (made when it is new), leaving out repeats.
    pub fn add_skills(&mut self, name: &str, keywords: impl IntoIterator<Item = String>) {
        let index = match self.skills.iter().position(|(group, _)| group == name) {
            Some(index) => index,
            None => {
                self.skills.push((name.to_string(), Vec::new()));
                self.skills.len() - 1
            }
        };
        let items = &mut self.skills[index].1;
        for keyword in keywords {
            let keyword = keyword.trim().to_string();
            if !keyword.is_empty() && !items.contains(&keyword) {
                items.push(keyword);
            }
        }
    }
}
