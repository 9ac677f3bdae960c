//! A `Draft` laid out as a whole structured_output: `resume_json` from the draft, a `ui`
//! that includes everything, the ATS plain text as the other exports lay it out, and the
//! empty or neutral values the schema allows where the optimizer would have analysed a
//! job posting (analysis, targeting, the requirement map, the cover note, qa).

use serde_json::{Map, Value, json};

use super::{Draft, ImportFormat, Imported};
use crate::document::UI_SECTIONS;
use crate::document::qa::document_month;
use crate::error::Problem;
use crate::export::layout::{Resume, SKILL_GROUPS};
use crate::export::plain;

pub fn build(draft: Draft, format: ImportFormat, notes: Vec<Problem>) -> Imported {
    let (first_name, last_name) = match (&draft.first_name, &draft.last_name) {
        (Some(first), Some(last)) => (first.clone(), last.clone()),
        _ => match draft.name.trim().rsplit_once(' ') {
            Some((first, last)) => (first.trim().to_string(), last.to_string()),
            None => (draft.name.trim().to_string(), String::new()),
        },
    };
    let mut groups = Map::new();
    for group in SKILL_GROUPS {
        groups.insert(group.into(), json!([]));
    }
    for (name, items) in &draft.skills {
        groups.insert(name.clone(), json!(items));
    }
    let empty_groups: Map<String, Value> = SKILL_GROUPS
        .iter()
        .map(|group| (group.to_string(), json!([])))
        .collect();
    let mut contact = json!({
        "location": draft.location,
        "email": draft.email,
        "phone": draft.phone,
        "linkedin": draft.linkedin,
    });
    if !draft.url.is_empty() {
        contact["url"] = json!(draft.url);
    }
    let experience: Vec<Value> = draft
        .jobs
        .iter()
        .map(|job| {
            json!({
                "company": job.company,
                "location": job.location,
                "title": job.title,
                "start_date": job.start,
                "end_date": job.end,
                "bullets": job.bullets,
            })
        })
        .collect();
    let work_items: Vec<Value> = draft
        .jobs
        .iter()
        .map(|job| {
            json!({
                "include": true,
                "company": job.company,
                "location": job.location,
                "title": job.title,
                "start_date": job.start,
                "end_date": job.end,
                "bullets": { "primary": job.bullets, "alternates": [] },
            })
        })
        .collect();
    let certifications: Vec<Value> = draft
        .certifications
        .iter()
        .map(|(name, issuer)| json!({ "name": name, "issuer": issuer }))
        .collect();
    let extras: Vec<Value> = draft
        .extras
        .iter()
        .map(|(label, value)| json!({ "label": label, "value": value }))
        .collect();
    let extra_lines: Vec<String> = draft
        .extras
        .iter()
        .map(|(label, value)| super::join_present(&[label, value], ": "))
        .collect();
    // A section with nothing in it is left out: included, the plain text would need its
    // heading over nothing (qa.md's sections check reads the headings).
    let included: Vec<&str> = UI_SECTIONS
        .into_iter()
        .filter(|section| match *section {
            "target_title" => !draft.headline.is_empty(),
            "professional_summary" => !draft.summary.is_empty(),
            "work_experience" => !draft.jobs.is_empty(),
            "education" => !draft.education.is_empty(),
            "certifications" => !draft.certifications.is_empty(),
            "skills" => draft.skills.iter().any(|(_, items)| !items.is_empty()),
            "interests_or_extras" => !draft.extras.is_empty(),
            _ => true,
        })
        .collect();
    let include = |section: &str| included.contains(&section);
    let dates_consistent = draft.jobs.iter().all(|job| {
        document_month(&job.start).is_some()
            && (job.end == "Present" || document_month(&job.end).is_some())
    });
    let mut document = json!({
        "analysis": {
            "job_title": "",
            "seniority": "",
            "responsibilities": [],
            "must_have_skills": [],
            "nice_to_have_skills": [],
            "domain_keywords": [],
            "compliance_or_regulatory": [],
            "tooling": [],
            "locations": [],
            "screening_keywords": [],
        },
        "requirement_evidence_map": [],
        "ui": {
            "contact_information": {
                "include": true,
                "locks": {
                    "first_name": false, "last_name": false, "email": false,
                    "phone": false, "linkedin": false, "location": false,
                },
                "fields": {
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": draft.email,
                    "phone": draft.phone,
                    "linkedin": draft.linkedin,
                    "location": draft.location,
                },
                "warnings": [],
            },
            "target_title": {
                "include": include("target_title"), "primary": draft.headline, "alternates": [], "warnings": [],
            },
            "professional_summary": {
                "include": include("professional_summary"),
                "primary": draft.summary,
                "alternates": [],
                // 0: no limit (qa.md's summary length check passes).
                "char_limit_hint": 0,
                "warnings": [],
            },
            "work_experience": { "include": include("work_experience"), "items": work_items, "warnings": [] },
            "education": { "include": include("education"), "items": draft.education },
            "certifications": { "include": include("certifications"), "items": certifications },
            "skills": { "include": include("skills"), "groups": groups, "alternates": empty_groups },
            "interests_or_extras": { "include": include("interests_or_extras"), "items": extra_lines },
            "include_parts_summary": included,
            "preview": { "live_preview_text": "", "diff_hints": [] },
        },
        "targeting": { "target_headline": "", "summary": "" },
        "skills_block": groups,
        "tailored_resume_text": {
            "file_name_suggestion": file_name(&draft.name, &draft.headline),
            "ats_plain_text": "",
            "notes": format!(
                "Imported from a {}: not yet tailored to a job posting.",
                format.title()
            ),
        },
        "resume_json": {
            "name": draft.name,
            "contact": contact,
            "headline": draft.headline,
            "summary": draft.summary,
            "skills": groups,
            "experience": experience,
            "education": draft.education,
            "certifications": certifications,
            "extras": extras,
        },
        "cover_note": { "subject": "", "body": "" },
        "qa": {
            "must_have_coverage": [],
            "format_checks": {
                // The plain text below is one column of lines, with no table.
                "single_column": true,
                "no_tables_or_textboxes": true,
                "date_format_consistent": dates_consistent,
                // Not checked: no claim.
                "tense_consistent": false,
            },
            // qa.md: no analysis terms is a coverage of 100.
            "scores": { "keyword_coverage_0_to_100": 100, "readability_hint": "" },
            "warnings": [],
        },
    });
    let text = plain::ats_text(&Resume::from_document(&document));
    document["tailored_resume_text"]["ats_plain_text"] = json!(text);
    document["ui"]["preview"]["live_preview_text"] = json!(text);
    // A title is one line: a control character (a line break, a NUL that would not even
    // be stored) is a space.
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect()
    };
    let (name, headline) = (clean(&draft.name), clean(&draft.headline));
    let title = match (name.trim(), headline.trim()) {
        ("", "") => None,
        (name, "") => Some(name.to_string()),
        ("", headline) => Some(headline.to_string()),
        (name, headline) => Some(format!("{name} – {headline}")),
    };
    Imported {
        text: serde_json::to_string_pretty(&document).expect("a JSON value serialises"),
        document,
        title,
        notes,
    }
}

/// Firstname_Lastname_Headline.txt, as the optimizer suggests names.
fn file_name(name: &str, headline: &str) -> String {
    let words: Vec<String> = format!("{name} {headline}")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    match words.is_empty() {
        true => "resume.txt".into(),
        false => format!("{}.txt", words.join("_")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentKind, validate};
    use crate::import::Job;

    #[test]
    fn a_draft_becomes_a_valid_document_with_its_plain_text() {
        let mut draft = Draft {
            name: "Ada Lovelace".into(),
            headline: "Analyst".into(),
            email: "ada@example.com".into(),
            jobs: vec![Job {
                company: "Engines Ltd".into(),
                title: "Analyst".into(),
                start: "Jun 1842".into(),
                end: "Present".into(),
                bullets: vec!["Wrote the first program".into()],
                ..Job::default()
            }],
            ..Draft::default()
        };
        draft.add_skills(
            "Mathematics",
            ["Analysis".to_string(), "Analysis".to_string()],
        );
        let imported = build(draft, ImportFormat::JsonResume, Vec::new());
        assert_eq!(
            validate(DocumentKind::StructuredOutput, &imported.document),
            vec![]
        );
        assert_eq!(imported.title.as_deref(), Some("Ada Lovelace – Analyst"));
        let text = imported.document["tailored_resume_text"]["ats_plain_text"]
            .as_str()
            .unwrap();
        assert!(
            text.starts_with("ADA LOVELACE\nada@example.com\n\nANALYST\n"),
            "{text}"
        );
        assert!(text.contains("Analyst, Engines Ltd (Jun 1842 - Present)\n- Wrote"));
        assert!(text.contains("\nSKILLS\nMathematics: Analysis\n"), "{text}");
        let ui = &imported.document["ui"];
        assert_eq!(ui["education"]["include"], false, "nothing to include");
        assert_eq!(ui["work_experience"]["include"], true);
        assert_eq!(
            imported.document["ui"]["contact_information"]["fields"]["last_name"],
            "Lovelace"
        );
        assert_eq!(
            imported.document["qa"]["format_checks"]["date_format_consistent"],
            false
        );
    }
}
