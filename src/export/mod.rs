//! Rendering a saved document as a file: the resume laid out from `resume_json`, keeping
//! only what the `ui` include flags keep. Pure: bytes in, bytes out.

mod docx;
mod html;
mod markdown;

use serde_json::Value;

use crate::model::reports::ExportFormat;

/// The SkillGroups keys, in the order the optimizer documents them.
const SKILL_GROUPS: [&str; 4] = [
    "Domain",
    "ResearchAndValidation",
    "ProductAndSystems",
    "Tools",
];

/// The resume as it is laid out: every section already filtered by its include flag.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Resume {
    pub name: String,
    pub contact: Vec<String>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    pub experience: Vec<Job>,
    pub skills: Vec<(String, Vec<String>)>,
    pub education: Vec<Education>,
    pub certifications: Vec<Certification>,
    pub extras: Vec<(String, String)>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Job {
    pub title: String,
    pub company: String,
    pub location: String,
    pub dates: String,
    pub bullets: Vec<String>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Education {
    pub degree: String,
    pub institution: String,
    pub notes: String,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Certification {
    pub name: String,
    pub issuer: String,
}

/// Renders `document` (a structured_output) as `format`.
pub fn render(document: &Value, format: ExportFormat) -> anyhow::Result<Vec<u8>> {
    let resume = Resume::from_document(document);
    Ok(match format {
        ExportFormat::Txt => plain_text(document).unwrap_or_default().into_bytes(),
        ExportFormat::Md => markdown::render(&resume).into_bytes(),
        ExportFormat::Html => html::render(&resume).into_bytes(),
        ExportFormat::Docx => docx::render(&resume)?,
    })
}

/// The document's ATS plain text, if it has one.
pub fn plain_text(document: &Value) -> Option<String> {
    document
        .pointer("/tailored_resume_text/ats_plain_text")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The longest file name stem written, in bytes (a name may be 255 bytes on Linux).
const MAX_STEM_BYTES: usize = 200;

/// The file name the optimizer suggested, with this format's extension, made safe to use
/// as a name in the current directory; None when it suggested nothing usable.
pub fn suggested_file_name(document: &Value, format: ExportFormat) -> Option<String> {
    let suggestion = document
        .pointer("/tailored_resume_text/file_name_suggestion")
        .and_then(Value::as_str)?;
    let base = suggestion.rsplit(['/', '\\']).next().unwrap_or_default();
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // File systems limit a name to 255 bytes, not characters: cut at a character
    // boundary well inside that, leaving room for the extension.
    let mut safe = safe.trim_matches(['.', '_']).to_string();
    while safe.len() > MAX_STEM_BYTES {
        safe.pop();
    }
    let safe = safe.trim_end_matches(['.', '_']);
    (!safe.is_empty()).then(|| format!("{safe}.{}", format.extension()))
}

impl Resume {
    /// Lays out `resume_json` under the `ui` include flags. A flag that is missing
    /// counts as included: records the web application wrote may predate some flags.
    pub fn from_document(document: &Value) -> Resume {
        let resume = &document["resume_json"];
        let ui = &document["ui"];
        let included = |section: &str| ui[section]["include"].as_bool().unwrap_or(true);
        let mut out = Resume {
            name: text(&resume["name"]),
            ..Resume::default()
        };
        if included("contact_information") {
            out.contact = ["location", "email", "phone", "linkedin"]
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
                if !experience_included(items, index, job) {
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
                    bullets: strings(&job["bullets"]),
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
                    out.skills.push((skill_group_label(group), items));
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
                .map(|item| (text(&item["label"]), text(&item["value"])))
                .filter(|(label, value)| !label.is_empty() || !value.is_empty())
                .collect();
        }
        out
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

/// "ResearchAndValidation" -> "Research and validation".
fn skill_group_label(key: &str) -> String {
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
            vec![("Languages".into(), "English, German".into())]
        );
    }

    #[test]
    fn excluded_extras_stay_out() {
        // The bundled example excludes interests_or_extras.
        assert!(Resume::from_document(&example()).extras.is_empty());
    }

    #[test]
    fn file_names_follow_the_suggestion_safely() {
        let mut document = example();
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Docx).as_deref(),
            Some("Jane_Doe_Senior_Data_Engineer_Northwind.docx")
        );
        document["tailored_resume_text"]["file_name_suggestion"] = "../../etc/passwd".into();
        assert_eq!(
            suggested_file_name(&document, ExportFormat::Md).as_deref(),
            Some("passwd.md")
        );
        document["tailored_resume_text"]["file_name_suggestion"] = "..".into();
        assert_eq!(suggested_file_name(&document, ExportFormat::Md), None);
    }

    #[test]
    fn a_long_file_name_is_cut_at_a_character_boundary_within_the_byte_limit() {
        let mut document = example();
        document["tailored_resume_text"]["file_name_suggestion"] =
            format!("{}.docx", "Ж".repeat(300)).into();
        let name = suggested_file_name(&document, ExportFormat::Docx).unwrap();
        assert!(name.len() <= 255, "{} bytes", name.len());
        assert!(name.ends_with("ЖЖ.docx"), "{name}");
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
    }
}
