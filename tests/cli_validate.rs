//! `validate` and `schema`: offline checks with the validator `save` uses.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::{Value, json};

fn corpus() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in ["valid", "invalid"] {
        for entry in std::fs::read_dir(fixtures().join(folder)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    files.push(example_path());
    files.sort();
    files
}

#[test]
fn validate_and_save_agree_on_every_document_of_the_corpus() {
    let env = TestEnv::migrated();
    for file in corpus() {
        let path = file.to_str().unwrap();
        let validated = env.run(&["validate", path]);
        let validated = validated.get_output();
        let item: Value = serde_json::from_slice(&validated.stdout).expect("one JSON item");
        let saved = env.run(&["save", "--new", "--title", "t", path]);
        let saved = saved.get_output();
        let save_code = saved.status.code().unwrap();
        assert_eq!(validated.status.code(), Some(save_code), "{path}");
        assert_eq!(item["valid"], save_code == Exit::Success.code(), "{path}");
        if save_code != Exit::Success.code() {
            assert_eq!(save_code, Exit::InvalidInput.code(), "{path}");
            let error: Value = serde_json::from_slice(&saved.stderr).unwrap();
            let from_save = error["error"]["problems"].clone();
            assert_eq!(item["problems"], from_save, "{path}");
        }
    }
}

#[test]
fn validate_needs_no_database_and_no_user() {
    let env = TestEnv::empty();
    env.cmd()
        .env_remove("DATABASE_URL")
        .env_remove("RESUMECTL_USER")
        .args(["validate", example_path().to_str().unwrap()])
        .assert()
        .success();
}

#[test]
fn validate_reports_every_file_and_exits_5_when_any_is_invalid() {
    let env = TestEnv::empty();
    let bad = fixtures().join("invalid/score_over_100.json");
    let assert = env
        .run(&[
            "validate",
            example_path().to_str().unwrap(),
            bad.to_str().unwrap(),
            "missing.json",
        ])
        .exits(Exit::InvalidInput);
    let items = json_lines(&assert);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["valid"], true);
    assert_eq!(items[1]["valid"], false);
    assert_eq!(
        items[1]["problems"][0]["path"],
        "/qa/scores/keyword_coverage_0_to_100"
    );
    assert!(
        items[2]["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no such file")
    );
    assert!(error_message(&assert).contains("2 of 3 documents are invalid"));
}

#[test]
fn validate_ndjson_names_the_bad_lines() {
    let env = TestEnv::empty();
    let bad = example_with("/qa/scores/keyword_coverage_0_to_100", json!(140));
    let text = format!("{}\n\n{}\n{{\"a\":\n", example(), bad);
    let assert = env
        .run_with(&["validate", "--ndjson", "-"], text)
        .exits(Exit::InvalidInput);
    let items = json_lines(&assert);
    let lines: Vec<(u64, bool)> = items
        .iter()
        .map(|item| {
            (
                item["line"].as_u64().unwrap(),
                item["valid"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, vec![(1, true), (3, false), (4, false)]);
    assert_eq!(items[2]["problems"][0]["path"], "column 5");
    let error = json_error(&assert);
    assert_eq!(
        error["error"]["problems"][0]["path"],
        "<stdin> line 3: /qa/scores/keyword_coverage_0_to_100"
    );
}

#[test]
fn validate_table_output_names_problems_on_stderr() {
    let env = TestEnv::empty();
    let file = fixtures().join("invalid/missing_and_wrong_types.json");
    let assert = env
        .run(&["validate", "--format", "table", file.to_str().unwrap()])
        .exits(Exit::InvalidInput);
    let stderr = stderr_text(&assert);
    assert!(
        stderr.contains("missing_and_wrong_types.json: /analysis: required key is missing"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: 1 of 1 document is invalid"),
        "{stderr}"
    );
}

#[test]
fn validate_kinds_check_qa_metrics_and_save_lines() {
    let env = TestEnv::empty();
    env.run_with(
        &["validate", "--kind", "qa-metrics", "-"],
        r#"{"coverage": 101}"#,
    )
    .exits(Exit::InvalidInput);
    let line = json!({"id": "nope", "structured_output": example()}).to_string();
    let assert = env
        .run_with(&["validate", "--kind", "save-line", "-"], line)
        .exits(Exit::InvalidInput);
    let stderr = stderr_text(&assert);
    assert!(stderr.contains("/id"), "{stderr}");
}

#[test]
fn schema_prints_the_schema_the_validator_uses() {
    let env = TestEnv::empty();
    let assert = env.run(&["schema"]).success();
    let printed = assert.get_output().stdout.clone();
    let kept = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("schema/structured_output.schema.json"),
    )
    .unwrap();
    assert_eq!(printed, kept);
    let schema: Value = serde_json::from_slice(&printed).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(env.json(&["schema", "qa-metrics"])["title"], "qa_metrics");
    env.run(&["schema", "nope"]).exits(Exit::Usage);
}
