//! `save --ndjson`: batch loads, line by line or all at once.

mod common;

use common::*;
use serde_json::{Value, json};

fn count(env: &TestEnv) -> i64 {
    env.sql("SELECT count(*) FROM optimized_resumes")
}

/// 10,000 documents with bad lines among them: the count written is the count read less
/// the bad lines, and each bad line is named with its number.
#[test]
fn batch_of_10000_documents_writes_every_good_line_and_names_the_bad_ones() {
    let env = TestEnv::migrated();
    let mut document = example();
    let mut text = String::new();
    let bad_lines = [17u64, 5000, 9999];
    for line in 1..=10_000u64 {
        if bad_lines.contains(&line) {
            let mut bad = document.clone();
            bad["qa"]["scores"]["keyword_coverage_0_to_100"] = json!(100 + line);
            text.push_str(&json!({ "structured_output": bad }).to_string());
        } else {
            document["analysis"]["job_title"] = json!(format!("Job {line}"));
            text.push_str(&json!({ "structured_output": document }).to_string());
        }
        text.push('\n');
    }
    let file = env.write("batch.ndjson", text);
    let assert = env
        .cmd()
        .args(["save", "--ndjson"])
        .arg(&file)
        .assert()
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["read"], 10_000);
    assert_eq!(summary["written"], 10_000 - bad_lines.len());
    assert_eq!(summary["skipped"], bad_lines.len());
    assert_eq!(count(&env), 10_000 - bad_lines.len() as i64);
    let skipped: Vec<u64> = lines
        .iter()
        .filter(|line| line["status"] == "skipped")
        .map(|line| line["line"].as_u64().unwrap())
        .collect();
    assert_eq!(skipped, bad_lines);
    let message = error_message(&assert);
    assert!(message.contains("3 bad lines"), "{message}");
    let problems = json_error(&assert)["error"]["problems"].clone();
    assert_eq!(
        problems[0]["path"],
        format!(
            "{} line 17: /structured_output/qa/scores/keyword_coverage_0_to_100",
            file.display()
        )
    );
    // Each new record got its version and its title from the document's job title.
    let versions: i64 = env.sql("SELECT count(*) FROM optimized_resume_versions");
    assert_eq!(versions, 10_000 - bad_lines.len() as i64);
    let title: String = env.sql("SELECT title::text FROM optimized_resumes WHERE title = 'Job 1'");
    assert_eq!(title, "Job 1");
}

#[test]
fn batch_updates_clear_and_report_refused_lines() {
    let env = TestEnv::migrated();
    let id = env.create_record("Mine");
    let bobs = env.create_record_as(OTHER_USER, "Bob's", &example());
    let text = [
        json!({"id": id, "match_score": 80, "qa_metrics": {"coverage": 90}}),
        json!({"id": id, "qa_metrics": null, "if_version": 2, "note": "cleared"}),
        json!({"id": id, "match_score": 1, "if_version": 2}),
        json!({"id": bobs, "match_score": 1}),
    ]
    .iter()
    .map(Value::to_string)
    .collect::<Vec<_>>()
    .join("\n");
    let assert = env
        .run_with(&["save", "--ndjson", "-"], text)
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    assert_eq!(lines[0]["status"], "updated");
    assert_eq!(lines[0]["version"], 2);
    assert_eq!(lines[1]["status"], "updated");
    assert_eq!(lines[2]["status"], "failed");
    assert_eq!(lines[2]["error"]["kind"], "conflict");
    assert_eq!(lines[3]["status"], "failed");
    assert_eq!(lines[3]["error"]["kind"], "not_found");
    let record = env.get(&id);
    assert_eq!(record["match_score"], 80);
    assert_eq!(record["qa_metrics"], Value::Null);
    assert_eq!(record["version"], 3);
    let bob_score: Option<i32> = env.sql(&format!(
        "SELECT match_score FROM optimized_resumes WHERE id = '{bobs}'"
    ));
    assert_eq!(bob_score, None, "another user's record was written");
    let note: String = env.sql(&format!(
        "SELECT note FROM optimized_resume_versions WHERE resume_id = '{id}' AND version = 3"
    ));
    assert_eq!(note, "cleared");
}

#[test]
fn atomic_batch_writes_all_or_nothing() {
    let env = TestEnv::migrated();
    let good = json!({"structured_output": example()}).to_string();
    let text = format!("{good}\n{good}\n{{\"structured_output\": 1}}\n{good}\n");
    let assert = env
        .run_with(&["save", "--ndjson", "--atomic", "-"], text)
        .exits(Exit::InvalidInput);
    assert_eq!(count(&env), 0);
    let lines = json_lines(&assert);
    // Lines that would have been written are not reported as written.
    assert!(
        lines.iter().all(|line| line["status"] != "created"),
        "{lines:?}"
    );
    // Every valid line (1, 2 and 4) is counted and reported as not kept.
    assert_eq!(lines.last().unwrap()["summary"]["rolled_back"], 3);
    let statuses: Vec<&str> = lines[..lines.len() - 1]
        .iter()
        .map(|line| line["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec!["rolled_back", "rolled_back", "skipped", "rolled_back"]
    );
    assert!(error_message(&assert).contains("nothing was written (--atomic)"));

    let assert = env
        .run_with(
            &["save", "--ndjson", "--atomic", "-"],
            format!("{good}\n{good}\n"),
        )
        .success();
    assert_eq!(count(&env), 2);
    let lines = json_lines(&assert);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["status"], "created");
}

/// A line that resumectl itself refuses (an unknown id, a stale version) leaves the
/// transaction healthy: it is rolled back all the same, with the lines before it.
#[test]
fn atomic_batch_refused_by_resumectl_keeps_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("kept as it was");
    let mut changed = example();
    changed["ui"]["professional_summary"]["primary"] = json!("A different summary.");
    let text = format!(
        "{}\n{}\n",
        json!({"id": id, "structured_output": changed}),
        json!({"id": "00000000-0000-4000-8000-000000000000", "structured_output": example()}),
    );
    let assert = env
        .run_with(&["save", "--ndjson", "--atomic", "-"], text)
        .exits(Exit::InvalidInput);
    assert!(error_message(&assert).contains("nothing was written (--atomic)"));
    let version: i64 = env.sql(&format!(
        "SELECT version FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(version, 1, "the first line was committed");
    let versions: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resume_versions WHERE resume_id = '{id}'"
    ));
    assert_eq!(versions, 1);
}

#[test]
fn bad_batch_input_is_refused_before_anything_is_written() {
    let env = TestEnv::migrated();
    env.create_record("Existing");
    let before = env.table_snapshot();
    for (args, exit) in [
        (vec!["save", "--ndjson", "--title", "x", "-"], Exit::Usage),
        (
            vec!["save", "--ndjson", "missing.ndjson"],
            Exit::InvalidInput,
        ),
        (vec!["save", "--atomic", "-"], Exit::Usage),
    ] {
        let assert = env.run_with(&args, "").exits(exit);
        assert!(!error_message(&assert).is_empty());
    }
    let lines = [
        "{\"colour\": \"red\"}",
        "{\"id\": \"not-a-uuid\", \"match_score\": 1}",
        "{\"structured_output\": {\"analysis\": {}}, \"structured_output\": {}}",
        "{\"title\": \"no document\"}",
        "\"just a string\"",
    ];
    let assert = env
        .run_with(&["save", "--ndjson", "-"], lines.join("\n"))
        .exits(Exit::InvalidInput);
    let out = json_lines(&assert);
    assert!(
        out[..5].iter().all(|line| line["status"] == "skipped"),
        "{out:?}"
    );
    assert_eq!(out[0]["error"]["problems"][0]["path"], "/colour");
    assert_eq!(out[1]["error"]["problems"][0]["path"], "/id");
    assert!(
        out[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("duplicate key")
    );
    assert_eq!(out[3]["error"]["problems"][0]["path"], "/optimized_content");
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn batch_table_output_is_a_summary_with_problems_on_stderr() {
    let env = TestEnv::migrated();
    let text = format!("{}\n[]\n", json!({"structured_output": example()}));
    let assert = env
        .run_with(&["save", "--ndjson", "--format", "table", "-"], text)
        .exits(Exit::InvalidInput);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("written"), "{stdout}");
    let stderr = stderr_text(&assert);
    assert!(
        stderr.contains("<stdin> line 2: /: expected a JSON object"),
        "{stderr}"
    );
    assert!(stderr.contains("error: 1 bad line ("), "{stderr}");
}

/// Lines written on several connections at once are still reported in input order, and
/// lines for one record are applied in theirs.
#[test]
fn parallel_writers_report_in_input_order_and_keep_each_records_order() {
    let env = TestEnv::migrated();
    let id = env.create_record("Ordered");
    let mut text = String::new();
    for line in 1..=60 {
        let body = match line % 3 {
            0 => json!({"id": id, "match_score": line}),
            1 => json!({"structured_output": example()}),
            _ if line == 20 => json!({"nope": true}),
            _ => json!({"optimized_content": format!("text {line}"), "title": "t"}),
        };
        text.push_str(&body.to_string());
        text.push('\n');
    }
    let assert = env
        .run_with(&["save", "--ndjson", "--jobs", "4", "-"], text)
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    let numbers: Vec<u64> = lines
        .iter()
        .filter_map(|line| line["line"].as_u64())
        .collect();
    assert_eq!(numbers, (1..=60).collect::<Vec<_>>());
    assert_eq!(lines[19]["status"], "skipped");
    // The last update of the record wins: line 60 set 60.
    let score: Option<i32> = env.sql(&format!(
        "SELECT match_score FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(score, Some(60));
    let versions: i64 = env.sql(&format!(
        "SELECT max(version) FROM optimized_resume_versions WHERE resume_id = '{id}'"
    ));
    assert_eq!(versions, 1 + 20);
    assert_eq!(count(&env), 1 + 20 + 19);
}

/// New records go in by COPY, a chunk at a time; a line the server refuses (here a
/// constraint validation cannot know) sends its chunk back line by line, so that the
/// report still names it, and every other line is written.
#[test]
fn a_line_the_server_refuses_in_a_copied_chunk_is_named_and_the_rest_written() {
    let env = TestEnv::migrated();
    env.execute(
        "ALTER TABLE optimized_resumes ADD CONSTRAINT no_forbidden CHECK (title <> 'Forbidden')",
    );
    let mut text = String::new();
    for line in 1..=200u64 {
        let title = if line == 120 {
            "Forbidden".to_string()
        } else {
            // Tabs, backslashes and newlines in a value: COPY's text format escapes them.
            format!("Line {line}\twith\\a\nbreak")
        };
        text.push_str(&json!({ "title": title, "structured_output": example() }).to_string());
        text.push('\n');
    }
    let file = env.write("chunked.ndjson", text);
    let assert = env
        .cmd()
        .args(["save", "--ndjson", "--jobs", "1"])
        .arg(&file)
        .assert()
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    let refused: Vec<&Value> = lines
        .iter()
        .filter(|line| line.get("status").is_some_and(|status| status != "created"))
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0]["line"], 120);
    let why = refused[0]["error"]["message"].as_str().unwrap_or_default();
    assert!(why.contains("no_forbidden"), "{:?}", refused[0]);
    assert!(error_message(&assert).contains("1 refused by the database"));
    assert_eq!(count(&env), 199);
    let title: String = env.sql("SELECT title::text FROM optimized_resumes ORDER BY title LIMIT 1");
    assert_eq!(title, "Line 1\twith\\a\nbreak");
    // Each got its first version, noted as created; the document is stored once.
    let versions: i64 = env.sql(
        "SELECT count(*) FROM optimized_resume_versions \
         WHERE version = 1 AND note = 'created' AND structured_output IS NULL",
    );
    assert_eq!(versions, 199);
    let stored: Value = env.sql("SELECT structured_output FROM optimized_resumes LIMIT 1");
    assert_eq!(stored, example());
}
