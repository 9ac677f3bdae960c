//! A JSON Resume (the jsonresume.org schema 1.x) as a `Draft`: validated against the
//! schema first (a bad file is refused at its JSON path), then each section mapped to
//! its place in the document; whatever has none becomes a note.

use std::sync::OnceLock;

use anyhow::Result;
use jsonschema::Validator;
use serde_json::{Value, json};

use super::placed::Placed;
use super::{Draft, Job, dates, join_present};
use crate::document::{strict_json, validate_with};
use crate::error::Problem;
use crate::input::problems_error;

/// The JSON Resume schema (npm `@jsonresume/schema` 1.3.1), compiled once. Its `format`
/// annotations (email, uri) are not enforced: draft-07 leaves them optional, and a site
/// written "janedoe.dev" is the most common reason other tools refuse a resume. Its date
/// pattern is.
fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value =
            serde_json::from_str(include_str!("../../../../schema/jsonresume.schema.json"))
                .expect("bundled schema is valid JSON");
        jsonschema::options()
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

    /// The date at `path` as the document writes it; "" when there is none. A year
    /// alone is written as its January, and noted.
    fn date(&mut self, path: &str) -> String {
        let text = self.text(path);
        match dates::parse(&text) {
            Some(date) => {
                if date.month.is_none() {
                    self.notes.push(Problem::at(
                        path,
                        format!("\"{text}\" has no month: written as {}", date.document()),
                    ));
                }
                date.document()
            }
            None => text,
        }
    }

    /// "Jan 2012 - Jan 2013", "Jan 2012 - Present" or "" from two date paths.
    fn span(&mut self, start: &str, end: &str, open_end: &str) -> (String, String, String) {
        let start = self.date(start);
        let mut end = self.date(end);
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
            let username = self.text(&format!("{at}/username"));
            let url = self.text(&format!("{at}/url"));
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
            let (start, end, _) = self.span(
                &format!("{at}/startDate"),
                &format!("{at}/endDate"),
                "Present",
            );
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
        let (start, end, _) = self.span(&format!("{at}/startDate"), &format!("{at}/endDate"), "");
        let shown = join_present(&[&start, &end], " – ");
        let score = self.text(&format!("{at}/score"));
        let courses = self.strings(&format!("{at}/courses"));
        let notes = join_present(
            &[
                &shown,
                &if score.is_empty() {
                    String::new()
                } else {
                    format!("Score: {score}")
                },
                &if courses.is_empty() {
                    String::new()
                } else {
                    format!("Courses: {}", courses.join(", "))
                },
            ],
            "; ",
        );
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

    /// Languages, projects, awards, volunteering and interests: the document has no
    /// section of theirs, so each is an extra ("label: value").
    fn extras(&mut self, draft: &mut Draft) {
        let mut languages = Vec::new();
        for index in 0..self.count("/languages") {
            let at = format!("/languages/{index}");
            let language = self.text(&format!("{at}/language"));
            let fluency = self.text(&format!("{at}/fluency"));
            languages.push(match fluency.is_empty() {
                true => language,
                false => format!("{language} ({fluency})"),
            });
        }
        if !languages.is_empty() {
            draft
                .extras
                .push(("Languages".into(), languages.join(", ")));
        }
        for index in 0..self.count("/projects") {
            let at = format!("/projects/{index}");
            let name = self.text(&format!("{at}/name"));
            let mut parts = vec![self.text(&format!("{at}/description"))];
            parts.extend(self.strings(&format!("{at}/highlights")));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let label = if name.is_empty() { "Project" } else { &name };
            draft
                .extras
                .push((label.to_string(), join_present(&parts, "; ")));
        }
        for index in 0..self.count("/awards") {
            let at = format!("/awards/{index}");
            let title = self.text(&format!("{at}/title"));
            let awarder = self.text(&format!("{at}/awarder"));
            let date = self.date(&format!("{at}/date"));
            let summary = self.text(&format!("{at}/summary"));
            let award = join_present(&[&title, &awarder, &date], ", ");
            draft
                .extras
                .push(("Award".into(), join_present(&[&award, &summary], ": ")));
        }
        for index in 0..self.count("/volunteer") {
            let at = format!("/volunteer/{index}");
            let role = join_present(
                &[
                    &self.text(&format!("{at}/position")),
                    &self.text(&format!("{at}/organization")),
                ],
                ", ",
            );
            let (_, _, shown) = self.span(
                &format!("{at}/startDate"),
                &format!("{at}/endDate"),
                "Present",
            );
            let mut parts = vec![self.text(&format!("{at}/summary"))];
            parts.extend(self.strings(&format!("{at}/highlights")));
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let head = match shown.is_empty() {
                true => role,
                false => format!("{role} ({shown})"),
            };
            draft.extras.push((
                "Volunteer".into(),
                join_present(&[&head, &join_present(&parts, "; ")], ": "),
            ));
        }
        for index in 0..self.count("/interests") {
            let at = format!("/interests/{index}");
            let name = self.text(&format!("{at}/name"));
            let keywords = self.strings(&format!("{at}/keywords")).join(", ");
            let label = if name.is_empty() { "Interests" } else { &name };
            draft.extras.push((label.to_string(), keywords));
        }
        draft
            .extras
            .retain(|(label, value)| !label.is_empty() || !value.is_empty());
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
