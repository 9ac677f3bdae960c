//! `set-qa`: flags merge into the stored object, a file replaces it.

mod common;

use common::*;
use serde_json::json;

#[test]
fn flags_merge_into_the_existing_metrics() {
    let env = TestEnv::migrated();
    let id = env.create_record("qa");
    let metrics = env.write(
        "qa.json",
        r#"{"coverage": 10, "readability": 20, "qa": {"warnings": []}}"#,
    );
    env.run(&["set-qa", &id, metrics.to_str().unwrap()])
        .success();
    let record = env.json(&[
        "set-qa",
        &id,
        "--coverage",
        "88",
        "--duplicates",
        "0",
        "--format-compliance",
        "99.5",
    ]);
    assert_eq!(
        record["qa_metrics"],
        json!({"coverage": 88, "readability": 20, "duplicates": 0,
               "format_compliance": 99.5, "qa": {"warnings": []}})
    );
}

#[test]
fn flags_on_a_record_without_metrics_start_a_new_object() {
    let env = TestEnv::migrated();
    let id = env.create_record("qa");
    assert_eq!(
        env.json(&["set-qa", &id, "--readability", "92"])["qa_metrics"],
        json!({"readability": 92})
    );
}

#[test]
fn a_file_replaces_the_metrics() {
    let env = TestEnv::migrated();
    let id = env.create_record("qa");
    env.run(&["set-qa", &id, "--coverage", "1"]).success();
    let assert = env
        .run_with(&["set-qa", &id, "-"], r#"{"readability": 50}"#)
        .success();
    assert_eq!(
        json_stdout(&assert)["qa_metrics"],
        json!({"readability": 50})
    );
}

#[test]
fn out_of_range_or_malformed_metrics_are_refused_and_nothing_changes() {
    let env = TestEnv::migrated();
    let id = env.create_record("qa");
    let before = env.table_snapshot();
    for (args, expected) in [
        (vec!["--coverage", "140"], "--coverage 140 is out of range"),
        (vec!["--readability", "-3"], "out of range"),
        (
            vec!["--duplicates", "1.5"],
            "--duplicates '1.5' is not a count",
        ),
        (vec!["--format-compliance", "NaN"], "not a number"),
    ] {
        let assert = env
            .run(&[&["set-qa", id.as_str()], &args[..]].concat())
            .exits(Exit::InvalidInput);
        assert!(stderr_text(&assert).contains(expected), "{args:?}");
    }
    let assert = env
        .run_with(&["set-qa", &id, "-"], r#"{"duplicates": -1}"#)
        .exits(Exit::InvalidInput);
    assert!(stderr_text(&assert).contains("/duplicates"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn flags_and_a_file_together_are_a_usage_error() {
    let env = TestEnv::migrated();
    let id = env.create_record("qa");
    env.run(&["set-qa", &id, "x.json", "--coverage", "3"])
        .exits(Exit::Usage);
}
