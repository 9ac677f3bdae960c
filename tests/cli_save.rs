//! `save`: validation before any write, update semantics, --new, --clear, round trips.

mod common;

use std::path::Path;

use common::*;
use serde_json::{Value, json};

/// A path as an argument.
fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

#[test]
fn save_new_creates_a_record_from_the_document() {
    let env = TestEnv::migrated();
    let record = env.json(&[
        "save",
        "--new",
        "--title",
        "Data Engineer, Acme",
        arg(&example_path()),
    ]);
    assert_eq!(record["title"], "Data Engineer, Acme");
    assert_eq!(record["user_id"], USER);
    assert_eq!(record["structured_output"], example());
    // optimized_content defaults to the document's ATS text.
    assert_eq!(
        record["optimized_content"],
        example()["tailored_resume_text"]["ats_plain_text"]
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn save_new_uses_given_ids() {
    let env = TestEnv::migrated();
    let original = "11111111-2222-3333-4444-555555555555";
    let analysis = "66666666-7777-8888-9999-000000000000";
    let record = env.json(&[
        "save",
        "--new",
        "--title",
        "t",
        "--original-resume-id",
        original,
        "--job-analysis-id",
        analysis,
        arg(&example_path()),
    ]);
    assert_eq!(record["original_resume_id"], original);
    assert_eq!(record["job_analysis_id"], analysis);
}

#[test]
fn round_trip_keeps_the_document_the_same_json_value() {
    let env = TestEnv::migrated();
    for fixture in std::fs::read_dir(fixtures().join("valid")).unwrap() {
        let path = fixture.unwrap().path();
        let id = env.create_record("round trip");
        env.run(&["save", &id, arg(&path)]).success();
        let got = env
            .run(&["get", &id, "--field", "structured_output"])
            .success();
        let stored = got.get_output().stdout.clone();
        let given: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let stored_value: Value = serde_json::from_slice(&stored).unwrap();
        assert_eq!(stored_value, given, "{}", path.display());
        // What get prints, save takes back unchanged.
        env.run_with(&["save", &id, "-"], stored.clone()).success();
        let again = env
            .run(&["get", &id, "--field", "structured_output"])
            .success();
        assert_eq!(again.get_output().stdout, stored, "{}", path.display());
    }
}

#[test]
fn big_numbers_are_stored_exactly_as_given() {
    let env = TestEnv::migrated();
    let id = env.create_record("numbers");
    let mut text = example().to_string();
    text.pop();
    text.push_str(r#","exact":123456789012345678901234567890.000000000000000000001}"#);
    env.run_with(&["save", &id, "-"], text).success();
    let exact: String = env.sql(&format!(
        "SELECT structured_output->>'exact' FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(
        exact,
        "123456789012345678901234567890.000000000000000000001"
    );
}

#[test]
fn sql_looking_text_is_stored_verbatim() {
    let env = TestEnv::migrated();
    let id = env.create_record("sql");
    let path = fixtures().join("valid/sql_and_unicode.json");
    env.run(&["save", &id, arg(&path)]).success();
    let body: String = env.sql(&format!(
        "SELECT structured_output->'cover_note'->>'body' FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(
        body,
        "Robert'); DROP TABLE optimized_resumes;-- $1 \\x00 ' OR 1=1"
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn update_changes_only_the_given_fields_and_moves_updated_at() {
    let env = TestEnv::migrated();
    let id = env.create_record("partial");
    let metrics = env.write("qa.json", r#"{"coverage": 80, "duplicates": 1}"#);
    env.run(&["save", &id, "--qa-metrics", arg(&metrics)])
        .success();
    let updated_at = || -> String {
        env.sql(&format!(
            "SELECT updated_at::text FROM optimized_resumes WHERE id = '{id}'"
        ))
    };
    let before = updated_at();
    let record = env.json(&["save", &id, "--match-score", "77"]);
    assert_eq!(record["match_score"], 77);
    assert_eq!(
        record["qa_metrics"],
        json!({"coverage": 80, "duplicates": 1})
    );
    assert_eq!(record["structured_output"], example());
    assert_eq!(record["title"], "partial");
    assert_ne!(before, updated_at(), "updated_at must move on every write");
}

#[test]
fn optimized_content_and_export_formats_are_saved() {
    let env = TestEnv::migrated();
    let id = env.create_record("content");
    let exports = env.write(
        "exports.json",
        r#"{"pdf_url": "s3://bucket/a.pdf", "generated_at": "2026-11-25T10:00:00Z"}"#,
    );
    env.run_with(
        &[
            "save",
            &id,
            "--optimized-content",
            "-",
            "--export-formats",
            arg(&exports),
        ],
        "line one\nline two\n",
    )
    .success();
    let content = env
        .run(&["get", &id, "--field", "optimized_content"])
        .success();
    assert_eq!(content.get_output().stdout, b"line one\nline two\n");
    assert_eq!(
        env.json(&["get", &id, "--field", "export_formats"])["pdf_url"],
        "s3://bucket/a.pdf"
    );
}

#[test]
fn clear_sets_a_field_back_to_null() {
    let env = TestEnv::migrated();
    let id = env.create_record("clear");
    env.run(&["save", &id, "--match-score", "50"]).success();
    env.run(&[
        "save",
        &id,
        "--clear",
        "match_score",
        "--clear",
        "structured_output",
    ])
    .success();
    let nulls: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resumes WHERE id = '{id}' \
         AND match_score IS NULL AND structured_output IS NULL"
    ));
    assert_eq!(nulls, 1);
}

#[test]
fn clear_and_a_value_for_the_same_field_is_a_usage_error() {
    let env = TestEnv::migrated();
    let id = env.create_record("clear");
    let before = env.table_snapshot();
    let assert = env
        .run(&["save", &id, "--match-score", "5", "--clear", "match_score"])
        .exits(Exit::Usage);
    assert!(error_message(&assert).contains("contradicts"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn save_refuses_an_empty_title() {
    let env = TestEnv::migrated();
    let id = env.create_record("nothing");
    let assert = env
        .run(&["save", &id, "--title", ""])
        .exits(Exit::InvalidInput);
    assert!(stderr_text(&assert).contains("--title: the title is empty"));
}

/// Every invalid fixture: its exit code, a message naming the file and the place, and
/// not one byte written.
#[test]
fn invalid_documents_are_refused_with_their_location_and_nothing_is_written() {
    let env = TestEnv::migrated();
    let id = env.create_record("target");
    let expectations = [
        (
            "score_over_100.json",
            "/qa/scores/keyword_coverage_0_to_100: 140 is greater than the maximum of 100",
        ),
        ("missing_and_wrong_types.json", "3 problems"),
        ("array.json", "expected a JSON object"),
        ("empty.json", "empty input"),
        ("trailing_garbage.json", "trailing data"),
        ("duplicate_key.json", "/analysis/seniority: duplicate key"),
        ("nul_escape.json", "/analysis/job_title: \\u0000 (NUL)"),
        ("nul_byte.json", "NUL byte"),
        ("invalid_utf8.json", "invalid UTF-8"),
        ("too_deep.json", "nesting deeper than 128"),
        ("syntax_error.json", "line 4 column 3"),
    ];
    let before = env.table_snapshot();
    for (file, expected) in expectations {
        let path = fixtures().join("invalid").join(file);
        let assert = env
            .run(&["save", &id, arg(&path)])
            .exits(Exit::InvalidInput);
        let error = json_error(&assert);
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(file),
            "{file}: message does not name the file: {message}"
        );
        let mut everything = message.to_string();
        for problem in error["error"]["problems"].as_array().into_iter().flatten() {
            everything.push_str(&format!(
                "\n{}: {}",
                problem["path"].as_str().unwrap(),
                problem["message"].as_str().unwrap()
            ));
        }
        assert!(
            everything.contains(expected),
            "{file}: expected {expected:?} in {everything}"
        );
        assert_eq!(error["error"]["kind"], "invalid_input");
        assert!(
            assert.get_output().stdout.is_empty(),
            "{file}: stdout not empty"
        );
    }
    assert_eq!(
        env.table_snapshot(),
        before,
        "a refused save wrote something"
    );
}

#[test]
fn every_failing_path_is_listed_in_one_run() {
    let env = TestEnv::migrated();
    let id = env.create_record("paths");
    let path = fixtures().join("invalid/missing_and_wrong_types.json");
    let assert = env
        .run(&["--format", "table", "save", &id, arg(&path)])
        .exits(Exit::InvalidInput);
    let text = stderr_text(&assert);
    for expected in [
        "/analysis: required key is missing",
        "/qa/format_checks: required key is missing",
        "/ui/work_experience/items/0/bullets/primary: expected array, found string",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn input_over_the_size_limit_is_refused() {
    let env = TestEnv::migrated();
    let id = env.create_record("big");
    let before = env.table_snapshot();
    let assert = env
        .run(&[
            "--max-input-size",
            "1KiB",
            "save",
            &id,
            arg(&example_path()),
        ])
        .exits(Exit::InvalidInput);
    assert!(stderr_text(&assert).contains("larger than the input limit of 1 KiB"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn missing_file_and_bad_ids_and_scores_are_invalid_input() {
    let env = TestEnv::migrated();
    let id = env.create_record("bad");
    let before = env.table_snapshot();
    let bad_metrics = env.write("qa.json", r#"{"coverage": 101}"#);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["save", &id, "no-such-file.json"],
            "cannot read no-such-file.json: no such file",
        ),
        (
            vec!["save", "not-a-uuid", "x.json"],
            "'not-a-uuid' is not a record id",
        ),
        (
            vec!["save", &id, "--match-score", "101"],
            "--match-score 101 is out of range",
        ),
        (vec!["save", &id, "--match-score", "-1"], "out of range"),
        (
            vec!["save", &id, "--match-score", "high"],
            "not a whole number",
        ),
        (
            vec!["save", &id, "--qa-metrics", arg(&bad_metrics)],
            "/coverage",
        ),
    ];
    for (args, expected) in cases {
        let assert = env.run(&args).exits(Exit::InvalidInput);
        let text = stderr_text(&assert);
        assert!(text.contains(expected), "{args:?}: {text}");
    }
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_title_too_long_for_the_column_is_refused_before_the_database() {
    let env = TestEnv::migrated();
    let long = "x".repeat(256);
    let assert = env
        .run(&["save", "--new", "--title", &long, arg(&example_path())])
        .exits(Exit::InvalidInput);
    assert!(stderr_text(&assert).contains("256 characters"));
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 0);
}

#[test]
fn two_inputs_cannot_both_come_from_stdin() {
    let env = TestEnv::migrated();
    let id = env.create_record("stdin");
    env.run_with(&["save", &id, "-", "--qa-metrics", "-"], "{}")
        .exits(Exit::Usage);
}

/// The record `save` prints carries the document just written, from a file or from
/// stdin, on one line even when the input was pretty-printed.
#[test]
fn save_prints_the_document_it_wrote_on_one_line() {
    let env = TestEnv::migrated();
    let id = env.create_record("Echo");
    let document = example_with(
        "/targeting/summary",
        json!("Pretty \"quoted\"\nand multi-line"),
    );
    let pretty = serde_json::to_string_pretty(&document).unwrap();
    let file = env.write("pretty.json", &pretty);
    let from_file = env.run(&["save", &id, arg(&file)]).success();
    let from_stdin = env.run_with(&["save", &id, "-"], pretty.clone()).success();
    for assert in [from_file, from_stdin] {
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        let record: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(record["structured_output"], document);
    }
    assert_eq!(
        env.json(&["get", &id, "--field", "structured_output"]),
        document
    );
}
