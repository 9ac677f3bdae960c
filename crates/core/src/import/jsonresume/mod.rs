//! A JSON Resume (the jsonresume.org schema 1.x) as a `Draft`: validated against the
//! schema first (a bad file is refused at its JSON path), then each section mapped to
//! its place in the document; whatever has none becomes a note.

use std::sync::OnceLock;

use anyhow::Result;
use jsonschema::Validator;
use serde_json::{Value, json};

mod extras;

use super::dates::{self, Year};
use super::placed::Placed;
use super::{Draft, Job, join_present};
use crate::document::{strict_json, validate_with};
use crate::error::Problem;
use crate::export::jsonresume::education_notes;
use crate::input::problems_error;

/// The JSON Resume schema (npm `@jsonresume/schema` 1.3.1), compiled once. Its `format`
/// annotations (email, uri) are not enforced: draft-07 leaves them optional, and a site
/// written "janedoe.dev" is the most common reason other tools refuse a resume. Its date
/// pattern is.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../../../../../schema/jsonresume.schema.json"))
                .expect("bundled schema is valid JSON");
        jsonschema::options()
            .should_validate_formats(false)
            .build(&schema)
            .expect("bundled schema compiles")
    })
}

/// Parses and validates `bytes`, then maps it.
pub fn read(bytes: &[u8], label: &str) -> Result<(Draft, Vec<Problem>)> {
    let (input, _) = strict_json::parse_strict(bytes)
        .map_err(|problem| problems_error(label, "the JSON Resume", vec![problem]))?;
    if !input.is_object() {
        return Err(problems_error(
            label,
            "the JSON Resume",
            vec![Problem::at("/", "expected a JSON Resume object")],
        )
        .into());
    }
    let problems: Vec<Problem> = validate_with(validator(), &input)
        .into_iter()
        .map(|problem| explain_date(problem, &input))
        .collect();
    if !problems.is_empty() {
        return Err(problems_error(label, "the JSON Resume", problems).into());
    }
    let mut reader = Reader {
        input: &input,
        placed: Placed::default(),
        notes: Vec::new(),
    };
    let draft = reader.map();
    let mut notes = reader.notes;
    notes.extend(
        reader
            .placed
            .unplaced(&input, |_| "has no place in the document; left out".into()),
    );
    Ok((draft, notes))
}

/// A date that fails the schema's pattern, said in words.
fn explain_date(problem: Problem, input: &Value) -> Problem {
    let found = input.pointer(&problem.path).and_then(Value::as_str);
    match found {
        Some(found) if problem.path.ends_with("Date") || problem.path.ends_with("/date") => {
            let found: String = found.chars().take(40).collect();
            let message =
                format!("expected a date as YYYY-MM-DD, YYYY-MM or YYYY, found {found:?}");
            Problem::at(problem.path, message)
        }
        _ => problem,
    }
}

struct Reader<'a> {
    input: &'a Value,
    placed: Placed,
    /// What was placed, but changed on the way (a year without a month).
    notes: Vec<Problem>,
}

impl Reader<'_> {
    /// The string at `path`, trimmed, marked as placed when it is one ("" otherwise).
    fn text(&mut self, path: &str) -> String {
        match self.input.pointer(path).and_then(Value::as_str) {
            Some(text) => {
                self.placed.mark(path);
                text.trim().to_string()
            }
            None => String::new(),
        }
    }

    /// The strings of the array at `path`, marked as placed.
    fn strings(&mut self, path: &str) -> Vec<String> {
        let Some(items) = self.input.pointer(path).and_then(Value::as_array) else {
            return Vec::new();
        };
        self.placed.mark(path);
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn count(&self, path: &str) -> usize {
        self.input
            .pointer(path)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// The date at `path` as the document writes it (`dates::to_document`), noted where
    /// that changed it.
    fn date(&mut self, path: &str, year: Year) -> String {
        let (date, note) = dates::to_document(&self.text(path), year);
        if let Some(note) = note {
            self.notes.push(Problem::at(path, note));
        }
        date
    }

    /// The start, the end (`open_end` when there is a start and no end) and the two as
    /// shown ("Jan 2012 - Jan 2013").
    fn span(&mut self, at: &str, open_end: &str, year: Year) -> (String, String, String) {
        let start = self.date(&format!("{at}/startDate"), year);
        let mut end = self.date(&format!("{at}/endDate"), year);
        if end.is_empty() && !start.is_empty() {
            end = open_end.to_string();
        }
        let shown = join_present(&[&start, &end], " - ");
        (start, end, shown)
    }

    fn map(&mut self) -> Draft {
        // The file's own metadata, not the person's.
        self.placed.mark("/$schema");
        self.placed.mark("/meta");
        let mut draft = Draft {
            name: self.text("/basics/name"),
            headline: self.text("/basics/label"),
            email: self.text("/basics/email"),
            phone: self.text("/basics/phone"),
            url: self.text("/basics/url"),
            summary: self.text("/basics/summary"),
            ..Draft::default()
        };
        let city = join_present(
            &[
                &self.text("/basics/location/city"),
                &self.text("/basics/location/region"),
                &self.text("/basics/location/countryCode"),
            ],
            ", ",
        );
        draft.location = if city.is_empty() {
            self.text("/basics/location/address").replace('\n', ", ")
        } else {
            city
        };
        for index in 0..self.count("/basics/profiles") {
            let at = format!("/basics/profiles/{index}");
            let network = self.text(&format!("{at}/network"));
            let url = self.text(&format!("{at}/url"));
            // The username is placed when it is what is kept, or inside the URL kept;
            // otherwise it is noted.
            let username_at = format!("{at}/username");
            let username = self.text(&username_at);
            if !url.is_empty() && !url.contains(&username) {
                self.placed.unmark(&username_at);
            }
            let is_linkedin = network.eq_ignore_ascii_case("linkedin");
            if is_linkedin && draft.linkedin.is_empty() {
                draft.linkedin = match (url.is_empty(), username.is_empty()) {
                    // As the optimizer writes it: "linkedin.com/in/...".
                    (false, _) => url
                        .trim_start_matches("https://")
                        .trim_start_matches("http://")
                        .trim_start_matches("www.")
                        .to_string(),
                    (true, false) => format!("linkedin.com/in/{username}"),
                    (true, true) => continue,
                };
            } else {
                let label = if network.is_empty() {
                    "Profile"
                } else {
                    &network
                };
                let value = if url.is_empty() { username } else { url };
                draft.extras.push((label.to_string(), value));
            }
        }
        for index in 0..self.count("/work") {
            let at = format!("/work/{index}");
            let mut company = self.text(&format!("{at}/name"));
            if company.is_empty() {
                // Schema 0.0.x called it "company".
                company = self.text(&format!("{at}/company"));
            }
            let (start, end, _) = self.span(&at, "Present", Year::Month);
            draft.jobs.push(Job {
                company,
                title: self.text(&format!("{at}/position")),
                location: self.text(&format!("{at}/location")),
                start,
                end,
                bullets: self.strings(&format!("{at}/highlights")),
            });
        }
        for index in 0..self.count("/education") {
            draft.education.push(self.education(index));
        }
        for index in 0..self.count("/certificates") {
            let at = format!("/certificates/{index}");
            draft.certifications.push((
                self.text(&format!("{at}/name")),
                self.text(&format!("{at}/issuer")),
            ));
        }
        for index in 0..self.count("/skills") {
            let at = format!("/skills/{index}");
            let name = self.text(&format!("{at}/name"));
            let keywords = self.strings(&format!("{at}/keywords"));
            match (name.is_empty(), keywords.is_empty()) {
                (_, false) if !name.is_empty() => draft.add_skills(&name, keywords),
                (_, false) => draft.add_skills("Skills", keywords),
                (false, true) => draft.add_skills("Skills", [name]),
                (true, true) => {}
            }
        }
        self.extras(&mut draft);
        draft
    }

    /// An education entry as the document's {degree, institution, notes}, keeping the
    /// entry's own parts under further keys for an export back to JSON Resume.
    fn education(&mut self, index: usize) -> Value {
        let at = format!("/education/{index}");
        let study_type = self.text(&format!("{at}/studyType"));
        let area = self.text(&format!("{at}/area"));
        let (start, end, _) = self.span(&at, "", Year::Kept);
        let score = self.text(&format!("{at}/score"));
        let courses = self.strings(&format!("{at}/courses"));
        let notes = education_notes(&start, &end, &score, &courses);
        json!({
            "degree": join_present(&[&study_type, &area], " in "),
            "institution": self.text(&format!("{at}/institution")),
            "notes": notes,
            "study_type": study_type,
            "area": area,
            "start_date": start,
            "end_date": end,
            "score": score,
            "courses": courses,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_json(value: Value) -> Result<(Draft, Vec<Problem>)> {
        read(value.to_string().as_bytes(), "resume.json")
    }

    #[test]
    fn a_bad_date_is_refused_at_its_path() {
        let error = read_json(json!({"work": [{}, {"startDate": "Dec 2013"}]})).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("/work/1/startDate"), "{message}");
    }

    #[test]
    fn sections_map_and_what_has_no_place_is_noted() {
        let (draft, notes) = read_json(json!({
            "basics": {"name": "Ada", "location": {"city": "London", "postalCode": "N1"},
                       "profiles": [{"network": "LinkedIn", "username": "ada"}]},
            "work": [{"name": "Engines", "position": "Analyst", "startDate": "1842",
                      "summary": "Notes on the engine", "highlights": ["First program"]}],
            "references": [{"name": "Babbage"}],
            "meta": {"version": "v1.0.0"},
        }))
        .unwrap();
        assert_eq!(draft.location, "London");
        assert_eq!(draft.linkedin, "linkedin.com/in/ada");
        assert_eq!(draft.jobs[0].start, "Jan 1842");
        assert_eq!(draft.jobs[0].end, "Present");
        let paths: Vec<&str> = notes.iter().map(|note| note.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/work/0/startDate",
                "/basics/location/postalCode",
                "/references",
                "/work/0/summary"
            ]
        );
    }
}
