//! The fonts a PDF is set in. Embedded: Libertinus Serif (OFL, `assets/fonts/OFL.txt`),
//! which covers Latin-extended, Greek and Cyrillic, and DejaVu Sans (the sans-serif
//! themes'; `assets/fonts/DejaVu-LICENSE.txt`), which adds Arabic, Hebrew, Armenian,
//! Georgian and many symbols. Text they do not cover (Chinese, Japanese, Korean,
//! Devanagari, emoji, ...) is set in the fonts of the folders the user names and, unless
//! asked not to, the system's (the folders fontconfig names): found by typst-kit's scan,
//! only when the text needs them, and read only when a face is used.
//!
//! A glyph no font has is never drawn as a silent box: `missing` finds every one in the
//! typeset pages, and `places` says where in the document it came from.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use typst::foundations::Bytes;
use typst::layout::{Frame, FrameItem};
use typst::text::{Font, FontBook};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;

use crate::document::pointer;

static EMBEDDED: &[&[u8]] = &[
    include_bytes!("../../../../../assets/fonts/LibertinusSerif-Regular.otf"),
    include_bytes!("../../../../../assets/fonts/LibertinusSerif-Bold.otf"),
    include_bytes!("../../../../../assets/fonts/LibertinusSerif-Italic.otf"),
    include_bytes!("../../../../../assets/fonts/LibertinusSerif-BoldItalic.otf"),
    include_bytes!("../../../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../../../assets/fonts/DejaVuSans-Oblique.ttf"),
];

/// Where fonts beyond the embedded ones are looked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FontSources {
    /// Folders searched (recursively) first, in this order.
    pub paths: Vec<PathBuf>,
    /// Whether the system's fonts are searched too.
    pub system: bool,
}

impl Default for FontSources {
    /// No folder named, the system's searched.
    fn default() -> FontSources {
        FontSources {
            paths: Vec::new(),
            system: true,
        }
    }
}

/// The embedded fonts.
pub fn embedded() -> FontStore {
    let mut store = FontStore::new();
    store.extend(
        EMBEDDED
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .map(|font| {
                let info = font.info().clone();
                (font, info)
            }),
    );
    store
}

/// `store`, then the fonts of the folders named (a template may ask for one of their
/// families by name), then, when `text` has a character none of those has, the system's.
pub fn more(mut store: FontStore, sources: &FontSources, text: &[&str]) -> FontStore {
    for path in &sources.paths {
        store.extend(typst_kit::fonts::scan(path));
    }
    if sources.system && uncovered(store.book(), text) {
        store.extend(typst_kit::fonts::system());
    }
    store
}

/// Whether some character of `text` (not a space or a control) is in no font of `book`.
fn uncovered(book: &FontBook, text: &[&str]) -> bool {
    let infos: Vec<_> = (0..).map_while(|index| book.info(index)).collect();
    let mut seen = BTreeSet::new();
    text.iter()
        .flat_map(|text| text.chars())
        .filter(|c| !c.is_whitespace() && !c.is_control() && !c.is_ascii())
        .filter(|c| seen.insert(*c))
        .any(|c| !infos.iter().any(|info| info.coverage.contains(c as u32)))
}

/// The characters the pages show as no font's glyph (an empty box), in code point order.
pub fn missing(document: &PagedDocument) -> BTreeSet<char> {
    let mut found = BTreeSet::new();
    for page in document.pages() {
        missing_in(&page.frame, &mut found);
    }
    found
}

fn missing_in(frame: &Frame, found: &mut BTreeSet<char>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => missing_in(&group.frame, found),
            FrameItem::Text(text) => {
                for glyph in text.glyphs.iter().filter(|glyph| glyph.id == 0) {
                    let chars = text.text.get(glyph.range()).unwrap_or_default();
                    found.extend(chars.chars().filter(|c| !c.is_whitespace()));
                }
            }
            _ => {}
        }
    }
}

/// One warning for each string of `document` (a structured_output's text) that holds
/// characters of `missing`, by its JSON pointer (at most `MAX_PLACES`, then how many
/// more), and one for what is in no string of the document (the template's own text).
pub fn warnings(missing: &BTreeSet<char>, document: &str) -> Vec<String> {
    if missing.is_empty() {
        return Vec::new();
    }
    let document: Value = serde_json::from_str(document).unwrap_or(Value::Null);
    let mut places = Vec::new();
    places_in(&document, &mut Vec::new(), missing, &mut places);
    let placed: BTreeSet<char> = places.iter().flat_map(|(_, chars)| chars.clone()).collect();
    let mut warnings: Vec<String> = places
        .iter()
        .take(MAX_PLACES)
        .map(|(place, chars)| format!("{} at {place}", no_glyph(chars)))
        .collect();
    if places.len() > MAX_PLACES {
        warnings.push(format!(
            "no font has some characters at {} more places of the document",
            places.len() - MAX_PLACES
        ));
    }
    let unplaced: BTreeSet<char> = missing.difference(&placed).copied().collect();
    if !unplaced.is_empty() {
        warnings.push(format!(
            "{} in the template's own text",
            no_glyph(&unplaced)
        ));
    }
    warnings
}

/// How a warning about characters no font has begins (the binary adds how to get one).
pub const NO_GLYPH: &str = "no font has ";

/// How many strings of the document a warning names before it counts the rest.
const MAX_PLACES: usize = 5;

/// "no font has '李' (U+674E), '明' (U+660E)".
fn no_glyph(chars: &BTreeSet<char>) -> String {
    let named: Vec<String> = chars
        .iter()
        .map(|c| format!("'{}' (U+{:04X})", c.escape_debug(), *c as u32))
        .collect();
    format!("{NO_GLYPH}{}", named.join(", "))
}

fn places_in(
    value: &Value,
    path: &mut Vec<String>,
    missing: &BTreeSet<char>,
    places: &mut Vec<(String, BTreeSet<char>)>,
) {
    match value {
        Value::String(text) => {
            let here: BTreeSet<char> = text.chars().filter(|c| missing.contains(c)).collect();
            if !here.is_empty() {
                places.push((pointer::pointer(path), here));
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(index.to_string());
                places_in(item, path, missing, places);
                path.pop();
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                path.push(key.clone());
                places_in(item, path, missing, places);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_name_each_place_and_the_template() {
        let missing: BTreeSet<char> = ['李', '明', '\u{10600}'].into_iter().collect();
        let document = r#"{"resume_json": {"name": "李明", "experience": [{"company": "明 Co"}]}}"#;
        let warnings = warnings(&missing, document);
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        for expected in [
            "no font has '明' (U+660E) at /resume_json/experience/0/company",
            "no font has '明' (U+660E), '李' (U+674E) at /resume_json/name",
            "no font has '\u{10600}' (U+10600) in the template's own text",
        ] {
            assert!(
                warnings.iter().any(|w| w == expected),
                "{expected}: {warnings:?}"
            );
        }
        assert!(super::warnings(&BTreeSet::new(), document).is_empty());
    }

    #[test]
    fn only_text_the_embedded_fonts_lack_asks_for_more() {
        let store = embedded();
        assert!(!uncovered(
            store.book(),
            &["Jürgen Øster, Ωμέγα, Жанна, שלום, سلام\n"]
        ));
        assert!(uncovered(store.book(), &["Jane", "李明"]));
        // DejaVu Sans has some emoji (U+1F600), not the rocket.
        assert!(uncovered(store.book(), &["\u{1F680}"]));
    }
}
