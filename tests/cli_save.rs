//! `save`: validation before any write, update semantics, --new, --clear, round trips.

mod common;

use common::*;
use serde_json::{Value, json};

#[test]
fn save_new_creates_a_record_from_the_document() {
    let env = TestEnv::migrated();
    let assert = env
        .cmd()
        .args(["save", "--new", "--title", "Data Engineer, Acme"])
        .arg(example_path())
        .assert()
        .success();
    let record = json_stdout(&assert);
    assert_eq!(record["title"], "Data Engineer, Acme");
    assert_eq!(record["user_id"], USER);
    assert_eq!(record["structured_output"], example());
    // optimized_content defaults to the document's ATS text.
    assert_eq!(
        record["optimized_content"],
        example()["tailored_resume_text"]["ats_plain_text"]
    );
    let count: i64 = env.sql("SELECT count(*) FROM optimized_resumes");
    assert_eq!(count, 1);
}

#[test]
fn save_new_uses_given_ids() {
    let env = TestEnv::migrated();
    let original = "11111111-2222-3333-4444-555555555555";
    let assert = env
        .cmd()
        .args([
            "save",
            "--new",
            "--title",
            "t",
            "--original-resume-id",
            original,
        ])
        .args(["--job-analysis-id", "66666666-7777-8888-9999-000000000000"])
        .arg(example_path())
        .assert()
        .success();
    let record = json_stdout(&assert);
    assert_eq!(record["original_resume_id"], original);
    assert_eq!(
        record["job_analysis_id"],
        "66666666-7777-8888-9999-000000000000"
    );
}

#[test]
fn round_trip_keeps_the_document_the_same_json_value() {
    let env = TestEnv::migrated();
    for fixture in std::fs::read_dir(fixtures().join("valid")).unwrap() {
        let path = fixture.unwrap().path();
        let id = env.create_record("round trip");
        env.cmd().args(["save", &id]).arg(&path).assert().success();
        let got = env
            .cmd()
            .args(["get", &id, "--field", "structured_output"])
            .assert()
            .success();
        let stored = got.get_output().stdout.clone();
        let given: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let stored_value: Value = serde_json::from_slice(&stored).unwrap();
        assert_eq!(stored_value, given, "{}", path.display());
        // What get prints, save takes back unchanged.
        env.cmd()
            .args(["save", &id, "-"])
            .write_stdin(stored.clone())
            .assert()
            .success();
        let again = env
            .cmd()
            .args(["get", &id, "--field", "structured_output"])
            .assert()
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
    env.cmd()
        .args(["save", &id, "-"])
        .write_stdin(text)
        .assert()
        .success();
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
    env.cmd().args(["save", &id]).arg(&path).assert().success();
    let body: String = env.sql(&format!(
        "SELECT structured_output->'cover_note'->>'body' FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(
        body,
        "Robert'); DROP TABLE optimized_resumes;-- $1 \\x00 ' OR 1=1"
    );
    let count: i64 = env.sql("SELECT count(*) FROM optimized_resumes");
    assert_eq!(count, 1);
}

#[test]
fn update_changes_only_the_given_fields_and_moves_updated_at() {
    let env = TestEnv::migrated();
    let id = env.create_record("partial");
    let metrics = env.write("qa.json", r#"{"coverage": 80, "duplicates": 1}"#);
    env.cmd()
        .args(["save", &id, "--qa-metrics"])
        .arg(&metrics)
        .assert()
        .success();
    let before: String = env.sql(&format!(
        "SELECT updated_at::text FROM optimized_resumes WHERE id = '{id}'"
    ));
    let assert = env
        .cmd()
        .args(["save", &id, "--match-score", "77"])
        .assert()
        .success();
    let record = json_stdout(&assert);
    assert_eq!(record["match_score"], 77);
    assert_eq!(
        record["qa_metrics"],
        json!({"coverage": 80, "duplicates": 1})
    );
    assert_eq!(record["structured_output"], example());
    assert_eq!(record["title"], "partial");
    let after: String = env.sql(&format!(
        "SELECT updated_at::text FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_ne!(before, after, "updated_at must move on every write");
}

#[test]
fn optimized_content_and_export_formats_are_saved() {
    let env = TestEnv::migrated();
    let id = env.create_record("content");
    let exports = env.write(
        "exports.json",
        r#"{"pdf_url": "s3://bucket/a.pdf", "generated_at": "2026-11-25T10:00:00Z"}"#,
    );
    env.cmd()
        .args(["save", &id, "--optimized-content", "-", "--export-formats"])
        .arg(&exports)
        .write_stdin("line one\nline two\n")
        .assert()
        .success();
    let content = env
        .cmd()
        .args(["get", &id, "--field", "optimized_content"])
        .assert()
        .success();
    assert_eq!(content.get_output().stdout, b"line one\nline two\n");
    let exports_back = env
        .cmd()
        .args(["get", &id, "--field", "export_formats"])
        .assert()
        .success();
    assert_eq!(json_stdout(&exports_back)["pdf_url"], "s3://bucket/a.pdf");
}

#[test]
fn clear_sets_a_field_back_to_null() {
    let env = TestEnv::migrated();
    let id = env.create_record("clear");
    env.cmd()
        .args(["save", &id, "--match-score", "50"])
        .assert()
        .success();
    env.cmd()
        .args([
            "save",
            &id,
            "--clear",
            "match_score",
            "--clear",
            "structured_output",
        ])
        .assert()
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
        .cmd()
        .args(["save", &id, "--match-score", "5", "--clear", "match_score"])
        .assert()
        .code(2);
    assert!(error_message(&assert).contains("contradicts"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn save_refuses_an_empty_title() {
    let env = TestEnv::migrated();
    let id = env.create_record("nothing");
    let assert = env
        .cmd()
        .args(["save", &id, "--title", ""])
        .assert()
        .code(5);
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
        let assert = env.cmd().args(["save", &id]).arg(&path).assert().code(5);
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
        .cmd()
        .args(["--format", "table", "save", &id])
        .arg(&path)
        .assert()
        .code(5);
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
        .cmd()
        .args(["--max-input-size", "1KiB", "save", &id])
        .arg(example_path())
        .assert()
        .code(5);
    assert!(stderr_text(&assert).contains("larger than the input limit of 1 KiB"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn missing_file_and_bad_ids_and_scores_are_invalid_input() {
    let env = TestEnv::migrated();
    let id = env.create_record("bad");
    let before = env.table_snapshot();
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
    ];
    for (args, expected) in cases {
        let assert = env.cmd().args(&args).assert().code(5);
        let text = stderr_text(&assert);
        assert!(text.contains(expected), "{args:?}: {text}");
    }
    let bad_metrics = env.write("qa.json", r#"{"coverage": 101}"#);
    let assert = env
        .cmd()
        .args(["save", &id, "--qa-metrics"])
        .arg(&bad_metrics)
        .assert()
        .code(5);
    assert!(stderr_text(&assert).contains("/coverage"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_title_too_long_for_the_column_is_refused_before_the_database() {
    let env = TestEnv::migrated();
    let long = "x".repeat(256);
    let assert = env
        .cmd()
        .args(["save", "--new", "--title", &long])
        .arg(example_path())
        .assert()
        .code(5);
    assert!(stderr_text(&assert).contains("256 characters"));
    let count: i64 = env.sql("SELECT count(*) FROM optimized_resumes");
    assert_eq!(count, 0);
}

#[test]
fn two_inputs_cannot_both_come_from_stdin() {
    let env = TestEnv::migrated();
    let id = env.create_record("stdin");
    env.cmd()
        .args(["save", &id, "-", "--qa-metrics", "-"])
        .write_stdin("{}")
        .assert()
        .code(2);
}

/// The record `save` prints carries the document just written, from a file or from
/// stdin, on one line even when the input was pretty-printed.
#[test]
fn save_prints_the_document_it_wrote_on_one_line() {
    let env = TestEnv::migrated();
    let id = env.create_record("Echo");
    let mut document = example();
    document["targeting"]["summary"] = json!("Pretty \"quoted\"\nand multi-line");
    let pretty = serde_json::to_string_pretty(&document).unwrap();
    let file = env.write("pretty.json", &pretty);
    let from_file = env.cmd().args(["save", &id]).arg(&file).assert().success();
    let from_stdin = env
        .cmd()
        .args(["save", &id, "-"])
        .write_stdin(pretty.clone())
        .assert()
        .success();
    for assert in [from_file, from_stdin] {
        let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        let record: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(record["structured_output"], document);
    }
    let stored = json_stdout(
        &env.cmd()
            .args(["get", &id, "--field", "structured_output"])
            .assert()
            .success(),
    );
    assert_eq!(stored, document);
}
