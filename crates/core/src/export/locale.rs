//! The languages a laid-out export can be written in: the words around the document's
//! text (headings, "Present", month names, how a month and year are written), from one
//! data file, `assets/locales.toml`. The document's own text is never translated.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

const CATALOGUE: &str = include_str!("../../../../assets/locales.toml");

/// The words of one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locale {
    /// Its ISO 639-1 code (the table's name in the file).
    #[serde(default)]
    pub tag: String,
    pub name: String,
    pub present: String,
    pub months: [String; 12],
    pub months_long: [String; 12],
    /// How a month and year are written: `{month}` and `{year}`.
    pub date: String,
    pub summary: String,
    pub experience: String,
    pub education: String,
    pub certifications: String,
    pub skills: String,
    pub extras: String,
}

/// Every language of the catalogue, English first.
pub fn all() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(|| {
        // The file ships inside the binary and a test reads every language: a broken
        // catalogue is a bug found before release, never a user's error.
        let tables: BTreeMap<String, Locale> =
            toml::from_str(CATALOGUE).expect("assets/locales.toml is a valid catalogue");
        let mut locales: Vec<Locale> = tables
            .into_iter()
            .map(|(tag, locale)| Locale { tag, ..locale })
            .collect();
        locales.sort_by_key(|locale| (locale.tag != "en", locale.tag.clone()));
        locales
    })
}

pub fn english() -> &'static Locale {
    &all()[0]
}

/// The language of `tag` ("de", "de-AT", "pt_BR": its first subtag), if there is one.
pub fn find(tag: &str) -> Option<&'static Locale> {
    let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
    all().iter().find(|locale| locale.tag == primary)
}

pub fn tags() -> Vec<&'static str> {
    all().iter().map(|locale| locale.tag.as_str()).collect()
}

/// The language the document names (`language` at its top or in `resume_json`), if
/// the catalogue has it.
pub fn of_document(document: &Value) -> Option<&'static Locale> {
    [&document["language"], &document["resume_json"]["language"]]
        .into_iter()
        .filter_map(Value::as_str)
        .find_map(find)
}

impl Locale {
    /// A date as the document writes it ("Mar 2021", "March 2021", "03/2021", "2021-03",
    /// "Present"), in this language; anything else as it is.
    pub fn date(&self, text: &str) -> String {
        let trimmed = text.trim();
        if ["present", "current", "now", "today"].contains(&trimmed.to_lowercase().as_str()) {
            return self.present.clone();
        }
        match month_and_year(trimmed) {
            Some((month, year)) => self
                .date
                .replace("{month}", &self.months[month])
                .replace("{year}", &year.to_string()),
            None => text.to_string(),
        }
    }

    /// Today, as a letter is dated: "2 December 2026" (`day month year`).
    pub fn today(&self) -> String {
        use chrono::Datelike;
        let today = chrono::Utc::now().date_naive();
        let month = &self.months_long[today.month0() as usize];
        format!("{} {month} {}", today.day(), today.year())
    }

    /// What a template gets as `sys.inputs.labels`: the headings, the language's code
    /// (for hyphenation) and today's date in it. Strings only.
    pub fn labels(&self) -> String {
        serde_json::json!({
            "lang": self.tag,
            "summary": self.summary,
            "experience": self.experience,
            "education": self.education,
            "certifications": self.certifications,
            "skills": self.skills,
            "extras": self.extras,
            "today": self.today(),
        })
        .to_string()
    }
}

/// (month index, year) of "Mar 2021", "March 2021", "03/2021", "2021-03".
fn month_and_year(text: &str) -> Option<(usize, i32)> {
    const NAMES: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let year = |text: &str| {
        text.parse::<i32>()
            .ok()
            .filter(|year| (1900..=2200).contains(year))
    };
    let month = |text: &str| {
        text.parse::<usize>()
            .ok()
            .filter(|month| (1..=12).contains(month))
    };
    if let Some((first, second)) = text.split_once(' ') {
        let name = first.trim_end_matches('.').to_lowercase();
        let index = NAMES
            .iter()
            .position(|known| name.len() >= 3 && name.starts_with(known))?;
        return Some((index, year(second.trim())?));
    }
    if let Some((first, second)) = text.split_once('/') {
        return Some((month(first)? - 1, year(second)?));
    }
    if let Some((first, second)) = text.split_once('-') {
        return Some((month(second)? - 1, year(first)?));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_every_language_complete() {
        let tags = tags();
        for tag in ["en", "de", "fr", "es", "pt", "it", "nl", "pl"] {
            assert!(tags.contains(&tag), "{tag} missing from {tags:?}");
        }
        assert_eq!(tags[0], "en");
        for locale in all() {
            assert!(locale.date.contains("{month}") && locale.date.contains("{year}"));
            assert!(
                locale
                    .months
                    .iter()
                    .chain(&locale.months_long)
                    .all(|m| !m.is_empty())
            );
        }
    }

    #[test]
    fn dates_are_written_in_the_language_and_other_text_is_kept() {
        let german = find("de-AT").unwrap();
        assert_eq!(german.date("Mar 2021"), "März 2021");
        assert_eq!(german.date("March 2021"), "März 2021");
        assert_eq!(german.date("03/2021"), "März 2021");
        assert_eq!(german.date("2021-03"), "März 2021");
        assert_eq!(german.date("Present"), "heute");
        assert_eq!(german.date("Summer 2019"), "Summer 2019");
        assert_eq!(find("fr").unwrap().date("Dec 2020"), "déc. 2020");
        assert!(find("xx").is_none());
    }

    #[test]
    fn the_document_may_name_its_language() {
        let document = serde_json::json!({"resume_json": {"language": "pl-PL"}});
        assert_eq!(of_document(&document).unwrap().tag, "pl");
        assert!(of_document(&serde_json::json!({"language": "tlh"})).is_none());
    }
}
