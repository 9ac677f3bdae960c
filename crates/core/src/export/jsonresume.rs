//! The resume as a JSON Resume document (the jsonresume.org schema 1.x), so that it can
//! be taken to other resume tools. Laid out as the other formats are: what the `ui`
//! include flags leave out stays out.

use anyhow::Result;
use serde_json::{Map, Value, json};

use crate::export::layout::{Resume, join_present};

/// The schema version this writes, as the document's `meta.version` says.
const SCHEMA_VERSION: &str = "v1.0.0";

pub fn render(document: &Value) -> Result<Vec<u8>> {
    let resume = Resume::from_document(document);
    let contact = &document["resume_json"]["contact"];
    let contact_included = document["ui"]["contact_information"]["include"]
        .as_bool()
        .unwrap_or(true);
    let field = |key: &str| {
        contact[key]
            .as_str()
            .map(str::trim)
            .filter(|value| contact_included && !value.is_empty())
    };

    let mut basics = Map::new();
    basics.insert("name".into(), json!(resume.name));
    if let Some(headline) = &resume.headline {
        basics.insert("label".into(), json!(headline));
    }
    for key in ["email", "phone", "url"] {
        if let Some(value) = field(key) {
            basics.insert(key.into(), json!(value));
        }
    }
    if let Some(summary) = &resume.summary {
        basics.insert("summary".into(), json!(summary));
    }
    if let Some(location) = field("location") {
        basics.insert("location".into(), json!({ "address": location }));
    }
    if let Some(linkedin) = field("linkedin") {
        basics.insert(
            "profiles".into(),
            json!([{ "network": "LinkedIn", "url": web_address(linkedin) }]),
        );
    }

    let work: Vec<Value> = resume
        .experience
        .iter()
        .map(|job| {
            let mut entry = Map::new();
            entry.insert("name".into(), json!(job.company));
            entry.insert("position".into(), json!(job.title));
            if !job.location.is_empty() {
                entry.insert("location".into(), json!(job.location));
            }
            if let Some(start) = iso_month(&job.start) {
                entry.insert("startDate".into(), json!(start));
            }
            // "Present": a JSON Resume leaves the end out.
            if let Some(end) = iso_month(&job.end) {
                entry.insert("endDate".into(), json!(end));
            }
            entry.insert("highlights".into(), json!(job.bullets));
            Value::Object(entry)
        })
        .collect();
    let stored_education = document["resume_json"]["education"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let education: Vec<Value> = resume
        .education
        .iter()
        .zip(
            stored_education
                .iter()
                .map(Some)
                .chain(std::iter::repeat(None)),
        )
        .map(|(item, stored)| education_entry(item, stored.unwrap_or(&Value::Null)))
        .collect();
    let certificates: Vec<Value> = resume
        .certifications
        .iter()
        .map(|item| json!({ "name": item.name, "issuer": item.issuer }))
        .collect();
    let skills: Vec<Value> = resume
        .skills
        .iter()
        .map(|group| json!({ "name": group.group, "keywords": group.items }))
        .collect();
    let interests: Vec<Value> = resume
        .extras
        .iter()
        .map(|extra| json!({ "name": extra.label, "keywords": [extra.value] }))
        .collect();

    let mut out = json!({
        "basics": basics,
        "work": work,
        "education": education,
        "certificates": certificates,
        "skills": skills,
        "meta": { "version": SCHEMA_VERSION },
    });
    if !interests.is_empty() {
        out["interests"] = json!(interests);
    }
    let mut text = serde_json::to_vec_pretty(&out)?;
    text.push(b'\n');
    Ok(text)
}

/// One education entry. An imported one keeps its JSON Resume parts under further keys
/// (`study_type`, `area`, `start_date`, `end_date`, `score`, `courses`). They are used
/// while what is shown still is what they made: the degree "studyType in area", the notes
/// `education_notes` of the rest. An edited degree or notes wins over them.
fn education_entry(item: &crate::export::layout::Education, stored: &Value) -> Value {
    let part = |key: &str| stored[key].as_str().map(str::trim).unwrap_or_default();
    let mut entry = json!({ "institution": item.institution });
    let (study_type, area) = (part("study_type"), part("area"));
    let degree_made = join_present(&[study_type, area], " in ");
    if !degree_made.is_empty() && degree_made == item.degree {
        for (name, value) in [("studyType", study_type), ("area", area)] {
            if !value.is_empty() {
                entry[name] = json!(value);
            }
        }
    } else if !item.degree.is_empty() {
        entry["studyType"] = json!(item.degree);
    }
    let courses: Vec<String> = stored["courses"]
        .as_array()
        .map(|courses| {
            courses
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let (start, end, score) = (part("start_date"), part("end_date"), part("score"));
    let has_parts = [start, end, score].iter().any(|part| !part.is_empty()) || !courses.is_empty();
    if has_parts && education_notes(start, end, score, &courses) == item.notes {
        for (name, date) in [("startDate", start), ("endDate", end)] {
            if let Some(date) = iso_month(date).or_else(|| iso_year(date)) {
                entry[name] = json!(date);
            }
        }
        if !score.is_empty() {
            entry["score"] = json!(score);
        }
        if !courses.is_empty() {
            entry["courses"] = json!(courses);
        }
    } else if !item.notes.is_empty() {
        entry["courses"] = json!([item.notes]);
    }
    entry
}

/// The notes of an imported education entry, made of its parts: "Jun 2011 – Jan 2014;
/// Score: 4.0; Courses: A, B". Import writes them; export reads an entry's parts only
/// while its notes are still these.
pub(crate) fn education_notes(start: &str, end: &str, score: &str, courses: &[String]) -> String {
    let score = match score.is_empty() {
        true => String::new(),
        false => format!("Score: {score}"),
    };
    let courses = match courses.is_empty() {
        true => String::new(),
        false => format!("Courses: {}", courses.join(", ")),
    };
    join_present(
        &[&join_present(&[start, end], " – "), &score, &courses],
        "; ",
    )
}

/// "2014", a year alone, as JSON Resume writes it.
fn iso_year(text: &str) -> Option<String> {
    let year: u16 = text.trim().parse().ok()?;
    (1900..=2099).contains(&year).then(|| year.to_string())
}

/// "Jan 2020" as JSON Resume's "2020-01"; None for "Present" or anything else.
fn iso_month(text: &str) -> Option<String> {
    let count = crate::document::qa::document_month(text.trim())?;
    Some(format!("{}-{:02}", count / 12, count % 12 + 1))
}

/// A profile address as a URL (the optimizer writes "linkedin.com/in/..." without one).
fn web_address(text: &str) -> String {
    if text.contains("://") {
        text.to_string()
    } else {
        format!("https://{text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::example;

    #[test]
    fn dates_become_iso_months_and_present_is_left_out() {
        assert_eq!(iso_month("Jan 2020").as_deref(), Some("2020-01"));
        assert_eq!(iso_month("Dec 1999").as_deref(), Some("1999-12"));
        assert_eq!(iso_month("Present"), None);
        assert_eq!(iso_month("sometime"), None);
    }

    #[test]
    fn the_example_maps_its_sections() {
        let out: Value = serde_json::from_slice(&render(&example()).unwrap()).unwrap();
        assert_eq!(out["basics"]["name"], "Jane Doe");
        assert!(!out["work"].as_array().unwrap().is_empty());
        assert_eq!(out["meta"]["version"], SCHEMA_VERSION);
    }
}
