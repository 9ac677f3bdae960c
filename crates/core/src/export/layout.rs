//! The resume as it is laid out, from `resume_json` under the `ui` include flags: what
//! every format shows, and what a PDF template receives as its data (serialised).

use serde::Serialize;
use serde_json::Value;

/// The SkillGroups keys, in the order the optimizer documents them.
pub(crate) const SKILL_GROUPS: [&str; 4] = [
    "Domain",
    "ResearchAndValidation",
    "ProductAndSystems",
    "Tools",
];

/// The resume as it is laid out: every section already filtered by its include flag.
/// Serialised, it is the JSON a PDF template reads (`templates/resume.typ` says its
/// shape: change both together).
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Resume {
    /// "resume", or "cover-note" for the letter.
    pub kind: &'static str,
    /// The name and the target title: the PDF's title.
    pub title: String,
    pub name: String,
    pub contact: Vec<String>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub experience: Vec<Job>,
    pub education: Vec<Education>,
    pub certifications: Vec<Certification>,
    pub skills: Vec<SkillGroup>,
    pub extras: Vec<Extra>,
    pub cover_note: Option<CoverNote>,
    /// Laid out with everything: the `ui` sections that exclude what they hold (their
    /// keys, as "work_experience"). Empty in a normal layout.
    #[serde(skip)]
    pub excluded: Vec<&'static str>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Job {
    pub title: String,
    pub company: String,
    pub location: String,
    /// "Jan 2020 – Present", as shown.
    pub dates: String,
    /// As the document has them ("MMM YYYY", "Present").
    pub start: String,
    pub end: String,
    pub bullets: Vec<String>,
    /// Laid out with everything: the `ui` excludes this job.
    #[serde(skip)]
    pub excluded: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Education {
    pub degree: String,
    pub institution: String,
    pub notes: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Certification {
    pub name: String,
    pub issuer: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct SkillGroup {
    /// "Research and validation".
    pub group: String,
    pub items: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Extra {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct CoverNote {
    pub subject: String,
    pub body: String,
}

impl Resume {
    /// Lays out `resume_json` under the `ui` include flags. A flag that is missing
    /// counts as included: records the web application wrote may predate some flags.
    pub fn from_document(document: &Value) -> Resume {
        Resume::lay_out(document, false)
    }

    /// Everything the document holds, what the `ui` excludes included and marked as such
    /// (`excluded`): for a person checking what the flags leave out.
    pub fn with_excluded(document: &Value) -> Resume {
        Resume::lay_out(document, true)
    }

    fn lay_out(document: &Value, everything: bool) -> Resume {
        let resume = &document["resume_json"];
        let ui = &document["ui"];
        let flag = |section: &str| ui[section]["include"].as_bool().unwrap_or(true);
        let mut excluded = Vec::new();
        let mut included = |section: &'static str| {
            if !flag(section) && everything {
                excluded.push(section);
            }
            flag(section) || everything
        };
        let name = text(&resume["name"]);
        let target = [&resume["headline"], &ui["target_title"]["primary"]]
            .into_iter()
            .map(text)
            .find(|title| !title.is_empty());
        let mut out = Resume {
            title: match target {
                Some(target) => format!("{name} – {target}"),
                None => name.clone(),
            },
            name,
            kind: "resume",
            cover_note: None,
            ..Resume::default()
        };
        if included("contact_information") {
            // "url": a personal site, as an imported resume may have.
            out.contact = ["location", "email", "phone", "linkedin", "url"]
                .iter()
                .map(|key| text(&resume["contact"][key]))
                .filter(|value| !value.is_empty())
                .collect();
        }
        if included("target_title") {
            out.headline = Some(text(&resume["headline"])).filter(|value| !value.is_empty());
        }
        if included("professional_summary") {
            out.summary = Some(text(&resume["summary"])).filter(|value| !value.is_empty());
        }
        if included("work_experience") {
            let items = ui["work_experience"]["items"].as_array();
            for (index, job) in array(&resume["experience"]).iter().enumerate() {
                let kept = experience_included(items, index, job);
                if !kept && !everything {
                    continue;
                }
                let (start, end) = (text(&job["start_date"]), text(&job["end_date"]));
                out.experience.push(Job {
                    title: text(&job["title"]),
                    company: text(&job["company"]),
                    location: text(&job["location"]),
                    dates: match (start.is_empty(), end.is_empty()) {
                        (false, false) => format!("{start} – {end}"),
                        _ => format!("{start}{end}"),
                    },
                    start,
                    end,
                    bullets: strings(&job["bullets"]),
                    excluded: !kept,
                });
            }
        }
        if included("skills")
            && let Some(groups) = resume["skills"].as_object()
        {
            // The optimizer's order first, then any group it did not name.
            let mut ordered: Vec<(&String, &Value)> = groups.iter().collect();
            ordered.sort_by_key(|(group, _)| {
                SKILL_GROUPS
                    .iter()
                    .position(|known| known == group)
                    .unwrap_or(SKILL_GROUPS.len())
            });
            for (group, items) in ordered {
                let items = strings(items);
                if !items.is_empty() {
                    out.skills.push(SkillGroup {
                        group: skill_group_label(group),
                        items,
                    });
                }
            }
        }
        if included("education") {
            out.education = array(&resume["education"])
                .iter()
                .map(|item| Education {
                    degree: text(&item["degree"]),
                    institution: text(&item["institution"]),
                    notes: text(&item["notes"]),
                })
                .collect();
        }
        if included("certifications") {
            out.certifications = array(&resume["certifications"])
                .iter()
                .map(|item| Certification {
                    name: text(&item["name"]),
                    issuer: text(&item["issuer"]),
                })
                .collect();
        }
        if included("interests_or_extras") {
            out.extras = array(&resume["extras"])
                .iter()
                .map(|item| Extra {
                    label: text(&item["label"]),
                    value: text(&item["value"]),
                })
                .filter(|extra| !extra.label.is_empty() || !extra.value.is_empty())
                .collect();
        }
        out.excluded = excluded;
        out
    }

    /// The dates of every job written in `locale` ("März 2021 – heute").
    pub fn localise(&mut self, locale: &super::locale::Locale) {
        for job in &mut self.experience {
            job.start = locale.date(&job.start);
            job.end = locale.date(&job.end);
            job.dates = match (job.start.is_empty(), job.end.is_empty()) {
                (false, false) => format!("{} – {}", job.start, job.end),
                _ => format!("{}{}", job.start, job.end),
            };
        }
    }

    /// The document's cover note, as a one-page letter under the same name and contact.
    pub fn cover_note_from_document(document: &Value) -> Option<Resume> {
        let note = &document["cover_note"];
        let cover_note = CoverNote {
            subject: text(&note["subject"]),
            body: text(&note["body"]),
        };
        if cover_note.subject.is_empty() && cover_note.body.is_empty() {
            return None;
        }
        let resume = Resume::from_document(document);
        Some(Resume {
            kind: "cover-note",
            title: format!("{} – {}", resume.name, cover_note.subject),
            name: resume.name,
            contact: resume.contact,
            cover_note: Some(cover_note),
            ..Resume::default()
        })
    }
}

/// The ui item for a job: the one with the same company and title, else the one at the
/// same position; a job the ui does not mention is kept.
fn experience_included(items: Option<&Vec<Value>>, index: usize, job: &Value) -> bool {
    let Some(items) = items else {
        return true;
    };
    let same = items
        .iter()
        .find(|item| item["company"] == job["company"] && item["title"] == job["title"]);
    same.or_else(|| items.get(index))
        .and_then(|item| item["include"].as_bool())
        .unwrap_or(true)
}

/// "ResearchAndValidation" -> "Research and validation": the optimizer's own group keys
/// read as words. Any other name (an imported group: "JavaScript", "Web Development") is
/// the person's own, and kept as it is.
fn skill_group_label(key: &str) -> String {
    if !SKILL_GROUPS.contains(&key) {
        return key.to_string();
    }
    let mut label = String::new();
    for (index, character) in key.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            label.push(' ');
            label.extend(character.to_lowercase());
        } else {
            label.push(character);
        }
    }
    label
}

/// Joins the parts that are not blank, each trimmed, with `separator`.
pub(crate) fn join_present(parts: &[&str], separator: &str) -> String {
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn strings(value: &Value) -> Vec<String> {
    array(value)
        .iter()
        .map(text)
        .filter(|item| !item.is_empty())
        .collect()
}

/// A string value without the characters XML 1.0 cannot hold (controls other than tab
/// and newline, U+FFFE and U+FFFF: one of them makes a docx that Word refuses to open) and
/// that no layout wants; anything that is not a string is empty.
fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(|&c| {
            (!c.is_control() || c == '\n' || c == '\t') && !matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::document::example;

    #[test]
    fn include_flags_drop_sections_and_jobs() {
        let mut document = example();
        document["ui"]["professional_summary"]["include"] = false.into();
        document["ui"]["work_experience"]["items"][1]["include"] = false.into();
        document["ui"]["interests_or_extras"]["include"] = true.into();
        let resume = Resume::from_document(&document);
        assert_eq!(resume.summary, None);
        assert_eq!(resume.experience.len(), 1);
        assert_eq!(resume.experience[0].company, "Northwind Pay");
        assert_eq!(
            resume.extras,
            vec![Extra {
                label: "Languages".into(),
                value: "English, German".into()
            }]
        );
    }

    #[test]
    fn everything_is_laid_out_with_what_is_excluded_marked() {
        let mut document = example();
        document["ui"]["professional_summary"]["include"] = false.into();
        document["ui"]["work_experience"]["items"][1]["include"] = false.into();
        let all = Resume::with_excluded(&document);
        assert!(all.summary.is_some());
        assert_eq!(all.experience.len(), 2);
        assert!(!all.experience[0].excluded && all.experience[1].excluded);
        assert!(all.excluded.contains(&"professional_summary"));
        assert!(all.excluded.contains(&"interests_or_extras"));
        assert!(!all.extras.is_empty());
        assert!(Resume::from_document(&document).excluded.is_empty());
    }

    #[test]
    fn excluded_extras_stay_out() {
        // The bundled example excludes interests_or_extras.
        assert!(Resume::from_document(&example()).extras.is_empty());
    }

    #[test]
    fn the_title_is_the_name_and_the_target_title() {
        let resume = Resume::from_document(&example());
        assert!(resume.title.starts_with("Jane Doe – "), "{}", resume.title);
        let note = Resume::cover_note_from_document(&example()).unwrap();
        assert_eq!(note.kind, "cover-note");
        assert!(note.experience.is_empty());
    }

    #[test]
    fn characters_xml_cannot_hold_are_dropped() {
        assert_eq!(text(&"a\u{fffe}b\u{ffff}c\u{1}d".into()), "abcd");
    }

    #[test]
    fn skill_groups_read_as_words() {
        assert_eq!(
            skill_group_label("ResearchAndValidation"),
            "Research and validation"
        );
        assert_eq!(skill_group_label("Tools"), "Tools");
        assert_eq!(skill_group_label("Web Development"), "Web Development");
        assert_eq!(skill_group_label("JavaScript"), "JavaScript");
    }
}
