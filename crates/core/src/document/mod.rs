//! The JSON documents resumectl stores: strict parsing, then validation against the
//! JSON Schemas kept in `schema/` (the single source of truth for their shape).

pub mod diff;
pub mod fast;
pub mod kind;
pub mod pointer;
pub mod qa;
pub mod save_line;
pub mod strict_json;
pub mod summary;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

pub use kind::DocumentKind;

use crate::error::Problem;
use crate::model::changes::DocumentDefaults;

/// How many problems one report lists before it summarises the rest.
pub const MAX_PROBLEMS: usize = 50;

/// Past this size a document is worth not holding twice: memory freed after validating
/// it is returned to the system at once, and `save` reads it back from the database
/// rather than keep a copy while it is sent.
pub const LARGE_DOCUMENT: usize = 1 << 20;

/// The sections of the document's `ui` form, in the order a resume shows them.
pub const UI_SECTIONS: [&str; 8] = [
    "contact_information",
    "target_title",
    "professional_summary",
    "work_experience",
    "education",
    "certifications",
    "skills",
    "interests_or_extras",
];

/// A document that parsed strictly and passed its schema. `text` is the input exactly as
/// given (less a byte-order mark): that is what gets stored, so numbers and keys survive.
#[derive(Debug, Clone)]
pub struct CheckedDocument {
    pub text: String,
    /// What a new record made from it defaults to.
    pub defaults: DocumentDefaults,
}

/// A new record's defaults from a structured_output: its job title and ATS text.
pub fn defaults(document: &Value) -> DocumentDefaults {
    let text = |pointer: &str| {
        document
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    DocumentDefaults {
        job_title: text("/analysis/job_title"),
        ats_plain_text: text("/tailored_resume_text/ats_plain_text"),
    }
}

/// Parses and validates one document; on failure returns every problem found (capped).
pub fn check(kind: DocumentKind, bytes: &[u8]) -> Result<CheckedDocument, Vec<Problem>> {
    check_owned(kind, bytes.to_vec())
}

/// `check`, keeping the input's own buffer as the text: a large document is held once,
/// not copied, and its parsed tree is freed before this returns.
pub fn check_owned(kind: DocumentKind, bytes: Vec<u8>) -> Result<CheckedDocument, Vec<Problem>> {
    if bytes.len() > LARGE_DOCUMENT {
        crate::memory::return_freed_at_once();
    }
    let fast = crate::timings::time("validate", || {
        fast::accepted(kind, &bytes).map(|found| (offset(&bytes, found.text), found.defaults))
    });
    let (start, defaults) = if let Some(found) = fast {
        found
    } else {
        let (tree, text) = parse_and_validate(kind, &bytes)?;
        let defaults = match kind {
            DocumentKind::StructuredOutput => defaults(&tree),
            _ => DocumentDefaults::default(),
        };
        (offset(&bytes, text), defaults)
    };
    if bytes.len() > LARGE_DOCUMENT {
        // The tree of a large document took many small blocks; hand them back to the
        // system now, before the database buffers need as much again.
        crate::memory::release_freed();
    }
    let mut text = String::from_utf8(bytes).expect("parse_strict checked the UTF-8");
    text.drain(..start);
    Ok(CheckedDocument { text, defaults })
}

/// Where `text`, a part of `bytes`, starts in it.
fn offset(bytes: &[u8], text: &str) -> usize {
    text.as_ptr() as usize - bytes.as_ptr() as usize
}

/// A JSON value as PostgreSQL stored it. The web application may have written what
/// resumectl would refuse as input (deeper nesting, 1e400): it is read whatever its depth
/// (the stack grows as needed) and every number keeps its exact text.
pub fn parse_stored(text: &str) -> Result<Value, serde_json::Error> {
    use serde::Deserialize;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let value = Value::deserialize(serde_stacker::Deserializer::new(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// What `check` (or, for a save line, `save_line::check`) finds wrong with a document,
/// without keeping it: `validate`.
pub fn problems(kind: DocumentKind, bytes: &[u8]) -> Vec<Problem> {
    match kind {
        DocumentKind::SaveLine => save_line::check(bytes).err().unwrap_or_default(),
        kind if fast::accepted(kind, bytes).is_some() => Vec::new(),
        kind => parse_and_validate(kind, bytes).err().unwrap_or_default(),
    }
}

fn parse_and_validate(kind: DocumentKind, bytes: &[u8]) -> Result<(Value, &str), Vec<Problem>> {
    let (value, text) = crate::timings::time("parse", || strict_json::parse_strict(bytes))
        .map_err(|problem| vec![problem])?;
    let problems = crate::timings::time("validate", || validate(kind, &value));
    if problems.is_empty() {
        Ok((value, text))
    } else {
        Err(problems)
    }
}

/// Validates a parsed value against its schema. Pure: no I/O. An empty list means valid.
pub fn validate(kind: DocumentKind, value: &Value) -> Vec<Problem> {
    if !value.is_object() {
        return vec![Problem {
            path: "/".into(),
            message: format!(
                "expected a JSON object for {}, found {}",
                kind.column(),
                json_type_name(value)
            ),
            hint: None,
        }];
    }
    let Some(validator) = kind.validator() else {
        return Vec::new();
    };
    validate_with(validator, value)
}

/// Every problem `validator` finds in `value`, located and capped at `MAX_PROBLEMS`.
pub fn validate_with(validator: &jsonschema::Validator, value: &Value) -> Vec<Problem> {
    // The yes-or-no answer is several times cheaper than collecting errors, and almost
    // every document is valid.
    if validator.is_valid(value) {
        return Vec::new();
    }
    let mut problems = Vec::new();
    let mut total = 0usize;
    for error in validator.iter_errors(value) {
        total += 1;
        if problems.len() < MAX_PROBLEMS {
            problems.push(describe(&error));
        }
    }
    if total > problems.len() {
        problems.push(Problem {
            path: String::new(),
            message: format!("... and {} more problems", total - problems.len()),
            hint: None,
        });
    }
    problems
}

/// One schema error as a path and a short message that never echoes a long value.
fn describe(error: &jsonschema::ValidationError) -> Problem {
    let path = error.instance_path().to_string();
    let at = if path.is_empty() {
        "/".to_string()
    } else {
        path
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let parent = if at == "/" { String::new() } else { at };
            Problem {
                path: format!("{parent}/{}", pointer::escape(name)),
                message: "required key is missing".into(),
                hint: None,
            }
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(single) => single.to_string(),
                TypeKind::Multiple(many) => many
                    .iter()
                    .map(|one| one.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            Problem {
                path: at,
                message: format!(
                    "expected {expected}, found {}",
                    json_type_name(error.instance())
                ),
                hint: None,
            }
        }
        ValidationErrorKind::Maximum { .. }
        | ValidationErrorKind::Minimum { .. }
        | ValidationErrorKind::ExclusiveMaximum { .. }
        | ValidationErrorKind::ExclusiveMinimum { .. }
        | ValidationErrorKind::Format { .. } => Problem {
            path: at,
            message: error.to_string(),
            hint: None,
        },
        _ => Problem {
            path: at,
            message: error.masked().to_string(),
            hint: None,
        },
    }
}

pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        // Numbers keep their text: an integer is one that fits a 64-bit integer.
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The bundled example document, for unit tests.
#[cfg(test)]
pub fn example() -> Value {
    serde_json::from_str(include_str!("../../../../examples/structured_output.json")).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_example_is_valid() {
        assert_eq!(validate(DocumentKind::StructuredOutput, &example()), vec![]);
    }

    #[test]
    fn out_of_range_score_names_its_path_and_bound() {
        let mut document = example();
        document["qa"]["scores"]["keyword_coverage_0_to_100"] = 140.into();
        let problems = validate(DocumentKind::StructuredOutput, &document);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "/qa/scores/keyword_coverage_0_to_100");
        assert!(problems[0].message.contains("140"), "{problems:?}");
        assert!(problems[0].message.contains("100"), "{problems:?}");
    }

    #[test]
    fn every_missing_key_and_wrong_type_is_reported_in_one_run() {
        let mut document = example();
        let object = document.as_object_mut().unwrap();
        object.remove("analysis");
        object.remove("cover_note");
        document["ui"]["target_title"]["include"] = "yes".into();
        let problems = validate(DocumentKind::StructuredOutput, &document);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"/analysis"), "{paths:?}");
        assert!(paths.contains(&"/cover_note"), "{paths:?}");
        assert!(paths.contains(&"/ui/target_title/include"), "{paths:?}");
    }

    #[test]
    fn unknown_keys_are_allowed() {
        let mut document = example();
        document["x_extra"] = serde_json::json!({"anything": [1, 2]});
        assert!(validate(DocumentKind::StructuredOutput, &document).is_empty());
    }

    #[test]
    fn problem_list_is_capped() {
        let document = serde_json::json!({"analysis": 1, "ui": {"contact_information": 1}});
        let mut many = document.clone();
        many["requirement_evidence_map"] = Value::Array(vec![Value::Null; 200]);
        let problems = validate(DocumentKind::StructuredOutput, &many);
        assert_eq!(problems.len(), MAX_PROBLEMS + 1);
        assert!(problems.last().unwrap().message.contains("more problems"));
    }

    #[test]
    fn qa_metrics_bounds_are_checked() {
        let problems = validate(
            DocumentKind::QaMetrics,
            &serde_json::json!({"coverage": 101, "duplicates": -1, "qa": {}}),
        );
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["/coverage", "/duplicates"]);
    }

    #[test]
    fn numbers_are_checked_against_their_exact_decimal_text() {
        let refused = |kind: DocumentKind, text: &str| !problems(kind, text.as_bytes()).is_empty();
        let mut document = example();
        document["qa"]["scores"]["keyword_coverage_0_to_100"] = 1.into();
        let text = document.to_string().replace(
            "\"keyword_coverage_0_to_100\":1",
            "\"keyword_coverage_0_to_100\":100.0000000000000000001",
        );
        assert!(refused(DocumentKind::StructuredOutput, &text));
        assert!(!refused(
            DocumentKind::StructuredOutput,
            &text.replace("100.0000000000000000001", "99.99999999999999999999")
        ));
        assert!(refused(
            DocumentKind::QaMetrics,
            r#"{"duplicates": 1.0000000000000000001}"#
        ));
        assert!(refused(DocumentKind::QaMetrics, r#"{"coverage": 1e400}"#));
        assert!(refused(
            DocumentKind::QaMetrics,
            r#"{"coverage": -0.0000000000000000000001}"#
        ));
        assert!(!refused(
            DocumentKind::QaMetrics,
            r#"{"duplicates": 3, "coverage": 1e2}"#
        ));
    }

    #[test]
    fn export_formats_timestamps_must_be_rfc3339() {
        let problems = validate(
            DocumentKind::ExportFormats,
            &serde_json::json!({"generated_at": "yesterday"}),
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "/generated_at");
    }
}
