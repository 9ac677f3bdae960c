//! One line of a batch save (a batch save, and `validate` of save lines): the web
//! application's save body, checked field by field. Pure: no I/O.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::document::{self, DocumentKind, pointer, strict_json};
use crate::error::Problem;
use crate::model::changes::{Change, RecordChanges, WriteOptions, title_problem};
use crate::model::save::{Refusal, Save, SaveRequest, match_score_problem};

/// The keys a line may have. `id` absent means create.
pub const KEYS: [&str; 11] = [
    "id",
    "title",
    "structured_output",
    "qa_metrics",
    "export_formats",
    "optimized_content",
    "match_score",
    "original_resume_id",
    "job_analysis_id",
    "if_version",
    "note",
];

/// A line that passed every check: a record to create, or the changes to one.
pub type SaveLine = Save;

/// Parses one line strictly and checks every field; every problem is reported at once,
/// each located by its JSON path within the line.
pub fn check(bytes: &[u8]) -> Result<SaveLine, Vec<Problem>> {
    let (value, text) = strict_json::parse_strict(bytes).map_err(|problem| vec![problem])?;
    let Value::Object(object) = &value else {
        return Err(vec![problem(
            "/",
            format!(
                "expected a JSON object (a save body such as {{\"id\":...,\
                 \"structured_output\":{{...}}}}), found {}",
                document::json_type_name(&value)
            ),
        )]);
    };
    // The exact text of each value: what is stored, so every digit survives.
    let raw: BTreeMap<String, &RawValue> =
        serde_json::from_str(text).expect("a strictly parsed object parses again");
    let mut checker = Checker::default();
    for key in object.keys() {
        if !KEYS.contains(&key.as_str()) {
            checker.fail(
                &format!("/{}", pointer::escape(key)),
                format!("unknown key (a line may have: {})", KEYS.join(", ")),
            );
        }
    }
    let id = checker.uuid(object, "id");
    // An empty plain-text resume would blank the record's text without a word.
    if object
        .get("optimized_content")
        .and_then(Value::as_str)
        .is_some_and(|text| text.trim().is_empty())
    {
        checker.fail(
            "/optimized_content",
            "is empty: a record's plain-text resume cannot be blank".into(),
        );
    }
    let creating = id.is_none() && !matches!(object.get("id"), Some(v) if !v.is_null());
    // Checked in the order of the body's fields, so problems are listed in that order.
    let title = checker.title(object);
    let optimized_content = checker.string(object, "optimized_content");
    let match_score = checker.match_score(object);
    let changes = RecordChanges {
        title,
        optimized_content,
        // Its range is the SaveRequest's rule (checked above too, with the others).
        match_score: Change::Keep,
        structured_output: checker.document(object, &raw, DocumentKind::StructuredOutput),
        qa_metrics: checker.document(object, &raw, DocumentKind::QaMetrics),
        export_formats: checker.document(object, &raw, DocumentKind::ExportFormats),
    };
    let original_resume_id = checker.uuid(object, "original_resume_id");
    let job_analysis_id = checker.uuid(object, "job_analysis_id");
    let if_version = checker.version(object);
    let note = checker.string(object, "note");

    if creating {
        if object
            .get("if_version")
            .is_some_and(|value| !value.is_null())
        {
            checker.fail("/if_version", "makes no sense without an id".into());
        }
    } else {
        for key in ["original_resume_id", "job_analysis_id"] {
            if object.get(key).is_some() {
                checker.fail(
                    &format!("/{key}"),
                    "is only for a new record (no id)".into(),
                );
            }
        }
    }
    if !checker.problems.is_empty() {
        return Err(checker.problems);
    }
    let id = match creating {
        true => None,
        // An id that is not a UUID has its problem already (returned above).
        false => Some(id.expect("an id that is not a UUID was reported as a problem")),
    };
    let request = SaveRequest {
        id,
        changes,
        match_score,
        // A title given but refused already has its problem: no second one about it.
        defaults: match object.get("structured_output") {
            Some(document) if creating => document::defaults(document),
            _ => Default::default(),
        },
        original_resume_id,
        job_analysis_id,
        options: WriteOptions {
            if_version,
            note,
            event: None,
        },
    };
    request.check().map_err(|refusal| match refusal {
        Refusal::NothingToSave => vec![problem(
            "/",
            "nothing to save: give at least one of title, structured_output, qa_metrics, \
             export_formats, optimized_content, match_score"
                .into(),
        )],
        Refusal::Problems(problems) => problems,
    })
}

fn problem(path: &str, message: String) -> Problem {
    Problem {
        path: path.to_string(),
        message,
        hint: None,
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
}

type Object = serde_json::Map<String, Value>;

impl Checker {
    fn fail(&mut self, path: &str, message: String) {
        self.problems.push(problem(path, message));
    }

    fn expected(&mut self, key: &str, what: &str, found: &Value) {
        self.fail(
            &format!("/{key}"),
            format!("expected {what}, found {}", document::json_type_name(found)),
        );
    }

    fn uuid(&mut self, object: &Object, key: &str) -> Option<Uuid> {
        match object.get(key)? {
            Value::Null => None,
            Value::String(text) => match Uuid::parse_str(text) {
                Ok(id) => Some(id),
                Err(_) => {
                    self.fail(
                        &format!("/{key}"),
                        format!("'{}' is not a UUID", text.escape_debug()),
                    );
                    None
                }
            },
            other => {
                self.expected(key, "a UUID string", other);
                None
            }
        }
    }

    fn string(&mut self, object: &Object, key: &str) -> Option<String> {
        match object.get(key)? {
            Value::String(text) => Some(text.clone()),
            other => {
                self.expected(key, "a string", other);
                None
            }
        }
    }

    fn title(&mut self, object: &Object) -> Option<String> {
        let title = self.string(object, "title")?;
        match title_problem(&title) {
            Some(message) => {
                self.fail("/title", message);
                None
            }
            None => Some(title),
        }
    }

    fn match_score(&mut self, object: &Object) -> Change<i64> {
        match object.get("match_score") {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(value) => match value.as_i64() {
                Some(score) => {
                    if let Some(problem) = match_score_problem(score) {
                        self.problems.push(problem);
                    }
                    Change::Set(score)
                }
                None => {
                    self.expected("match_score", "a whole number from 0 to 100", value);
                    Change::Keep
                }
            },
        }
    }

    fn version(&mut self, object: &Object) -> Option<i64> {
        let value = object.get("if_version")?;
        match value.as_i64() {
            Some(version) if version >= 0 => Some(version),
            _ if value.is_null() => None,
            _ => {
                self.expected("if_version", "a version number (0 or more)", value);
                None
            }
        }
    }

    /// A JSON column: null clears it, an object is validated against its schema.
    fn document(
        &mut self,
        object: &Object,
        raw: &BTreeMap<String, &RawValue>,
        kind: DocumentKind,
    ) -> Change<String> {
        let key = kind.column();
        match object.get(key) {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(value) => {
                let problems = document::validate(kind, value);
                if problems.is_empty() {
                    Change::Set(raw[key].get().to_string())
                } else {
                    for found in problems {
                        self.problems.push(Problem::at(
                            pointer::within(key, &found.path),
                            found.message,
                        ));
                    }
                    Change::Keep
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::document::example;

    fn paths(result: Result<SaveLine, Vec<Problem>>) -> Vec<String> {
        result
            .expect_err("the line is refused")
            .into_iter()
            .map(|problem| problem.path)
            .collect()
    }

    #[test]
    fn a_line_without_id_creates_and_takes_its_title_from_the_job_title() {
        let line = json!({"structured_output": example()}).to_string();
        let SaveLine::Create { record, .. } = check(line.as_bytes()).unwrap() else {
            panic!("a line without id creates");
        };
        assert_eq!(record.title, "Senior Data Engineer");
    }

    #[test]
    fn the_stored_text_is_the_given_text() {
        let line = r#"{"id":"0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33","qa_metrics":{"coverage": 88.000000000000000001}}"#;
        let SaveLine::Update { changes, .. } = check(line.as_bytes()).unwrap() else {
            panic!("a line with an id updates");
        };
        assert_eq!(
            changes.qa_metrics,
            Change::Set(r#"{"coverage": 88.000000000000000001}"#.to_string())
        );
    }

    #[test]
    fn problems_are_located_inside_the_line() {
        let mut document = example();
        document["qa"]["scores"]["keyword_coverage_0_to_100"] = 140.into();
        let line = json!({"id": "nope", "structured_output": document, "match_score": 101,
                          "colour": "red"});
        let found = paths(check(line.to_string().as_bytes()));
        assert_eq!(
            found,
            vec![
                "/colour",
                "/id",
                "/match_score",
                "/structured_output/qa/scores/keyword_coverage_0_to_100"
            ]
        );
    }

    #[test]
    fn null_clears_and_an_update_needs_a_change() {
        let id = "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33";
        let cleared = check(
            json!({"id": id, "export_formats": null})
                .to_string()
                .as_bytes(),
        );
        let Ok(SaveLine::Update { changes, .. }) = cleared else {
            panic!("an update");
        };
        assert_eq!(changes.export_formats, Change::Clear);
        assert_eq!(
            paths(check(json!({"id": id}).to_string().as_bytes())),
            vec!["/"]
        );
    }

    #[test]
    fn a_blank_job_title_or_text_is_refused_like_a_blank_title() {
        let mut document = example();
        document["analysis"]["job_title"] = "   ".into();
        let line = json!({"structured_output": document}).to_string();
        assert_eq!(
            paths(check(line.as_bytes())),
            vec!["/structured_output/analysis/job_title"]
        );
        let line = json!({"structured_output": example(), "optimized_content": " \n"});
        assert_eq!(
            paths(check(line.to_string().as_bytes())),
            vec!["/optimized_content"]
        );
    }

    #[test]
    fn not_an_object_is_refused() {
        assert_eq!(paths(check(b"[1,2]")), vec!["/"]);
    }
}
