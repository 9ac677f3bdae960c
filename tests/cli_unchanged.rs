//! A write that would leave every column as it is writes nothing: no version, updated_at
//! as it was, exit 0, and the record printed with `"unchanged": true`. The comparison is
//! of the stored JSONB: the same document re-serialised is unchanged, 1.0 for 1 is not.

mod common;

use common::*;
use serde_json::{Value, json};

/// (version, updated_at, number of version rows) of a record.
fn state(env: &TestEnv, id: &str) -> (i64, String, i64) {
    let text: String = env.sql(&format!(
        "SELECT concat_ws('|', r.version, r.updated_at, \
             (SELECT count(*) FROM optimized_resume_versions v WHERE v.resume_id = r.id)) \
         FROM optimized_resumes r WHERE r.id = '{id}'"
    ));
    let parts: Vec<&str> = text.split('|').collect();
    (
        parts[0].parse().unwrap(),
        parts[1].to_string(),
        parts[2].parse().unwrap(),
    )
}

/// The example pretty-printed with its keys in reverse order: other text, the same JSON.
fn reserialised(document: &Value) -> String {
    fn reversed(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (key, value) in map.iter().rev() {
                    out.insert(key.clone(), reversed(value));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(reversed).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&reversed(document)).unwrap()
}

#[test]
fn saving_what_is_stored_writes_nothing_and_says_unchanged() {
    let env = TestEnv::migrated();
    let id = env.create_record("same");
    let before = state(&env, &id);
    let text = reserialised(&example());
    assert_ne!(text, example().to_string());
    let saved = json_stdout(
        &env.run_with(&["save", &id, "-", "--note", "only a note"], text.clone())
            .success(),
    );
    assert_eq!(saved["unchanged"], true);
    assert_eq!(saved["version"], 1);
    assert_eq!(state(&env, &id), before, "no version, updated_at untouched");
    // A stale --if-version is a conflict even when nothing would change.
    env.run_with(&["save", &id, "-", "--if-version", "0"], text.clone())
        .exits(Exit::Conflict);
    env.run_with(&["save", &id, "-", "--if-version", "1"], text.clone())
        .success();
    // The same title, score and plain text as stored: unchanged too.
    let record = env.get(&id);
    let title = record["title"].as_str().unwrap().to_string();
    let unchanged = env.json(&["save", &id, "--title", &title]);
    assert_eq!(unchanged["unchanged"], true);
    // In a table, the note says so on stderr.
    let table = env
        .run_with(&["--format", "table", "save", &id, "-"], text)
        .success();
    let stderr = String::from_utf8_lossy(&table.get_output().stderr).into_owned();
    assert!(stderr.contains("unchanged"), "{stderr}");
    assert_eq!(state(&env, &id), before);

    // 1.0 for 1 is another stored document: written, and said.
    let document = example_with("/qa/scores/keyword_coverage_0_to_100", json!(88));
    env.save_to(&id, &document, &[]).success();
    let with_point = document.to_string().replace(
        "\"keyword_coverage_0_to_100\":88",
        "\"keyword_coverage_0_to_100\":88.0",
    );
    let saved = json_stdout(&env.run_with(&["save", &id, "-"], with_point).success());
    assert_eq!(saved["unchanged"], false);
    let last = env.history(&id).pop().unwrap();
    // The number is in the document's qa section: that part changed as stored.
    assert_eq!(last["changes_summary"], "qa section edited");
}

#[test]
fn set_qa_qa_write_and_restore_of_the_current_state_write_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("figures");
    let first = env.json(&["set-qa", &id, "--coverage", "80"]);
    assert_eq!(
        (&first["version"], &first["unchanged"]),
        (&json!(2), &json!(false))
    );
    let again = env.json(&["set-qa", &id, "--coverage", "80"]);
    assert_eq!(
        (&again["version"], &again["unchanged"]),
        (&json!(2), &json!(true))
    );
    let metrics = env.write("metrics.json", r#"{ "coverage": 80 }"#);
    let from_file = env.json(&["set-qa", &id, metrics.to_str().unwrap()]);
    assert_eq!(from_file["unchanged"], true);

    let measured = env.json(&["qa", &id, "--write"]);
    assert_eq!(measured["unchanged"], false);
    let version = measured["written_version"].as_i64().unwrap();
    let before = state(&env, &id);
    let remeasured = env.json(&["qa", &id, "--write"]);
    assert_eq!(remeasured["unchanged"], true);
    assert!(remeasured.get("written_version").is_none(), "{remeasured}");
    assert_eq!(state(&env, &id), before);

    let restored = env.json(&["restore", &id, "--version", &version.to_string()]);
    assert_eq!(restored["unchanged"], true);
    assert_eq!(restored["version"], version);
    assert_eq!(state(&env, &id), before);
    // A stale --if-version still conflicts.
    env.run(&["restore", &id, "--version", "1", "--if-version", "1"])
        .exits(Exit::Conflict);
}

#[test]
fn a_batch_line_that_changes_nothing_is_unchanged_and_counted() {
    let env = TestEnv::migrated();
    let id = env.create_record("batch");
    let before = state(&env, &id);
    let title = env.get(&id)["title"].as_str().unwrap().to_string();
    let document: Value = serde_json::from_str(&reserialised(&example())).unwrap();
    let run = |lines: &[Value], atomic: bool| {
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        let mut args = vec!["save", "--ndjson", "-"];
        if atomic {
            args.push("--atomic");
        }
        let reports = json_lines(&env.run_with(&args, text).success());
        let statuses: Vec<String> = reports
            .iter()
            .filter_map(|line| line.get("status").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let summary = reports.last().unwrap()["summary"].clone();
        (statuses, summary)
    };
    let (statuses, summary) = run(
        &[
            json!({"id": id, "structured_output": document}),
            json!({"id": id, "title": title}),
            json!({"title": "new one", "structured_output": example()}),
            json!({"id": id, "title": "changed"}),
        ],
        false,
    );
    assert_eq!(statuses, ["unchanged", "unchanged", "created", "updated"]);
    assert_eq!(
        (&summary["unchanged"], &summary["written"]),
        (&json!(2), &json!(2))
    );
    // All or nothing: an unchanged line is no reason to roll back.
    let (statuses, summary) = run(
        &[
            json!({"id": id, "structured_output": document}),
            json!({"id": id, "title": "changed"}),
            json!({"title": "another", "structured_output": example()}),
        ],
        true,
    );
    assert_eq!(statuses, ["unchanged", "unchanged", "created"]);
    assert_eq!(
        (&summary["unchanged"], &summary["written"]),
        (&json!(2), &json!(1))
    );
    // One write in all: the first run's title change.
    assert_eq!(state(&env, &id).0, before.0 + 1);
    // In a table, the summary has the row.
    let table = env
        .run_with(
            &["--format", "table", "save", "--ndjson", "-"],
            format!("{}\n", json!({"id": id, "title": "changed"})),
        )
        .success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(text.contains("unchanged (nothing to write)"), "{text}");
}

#[test]
fn a_record_from_before_history_saved_as_it_is_stays_at_version_0() {
    let env = TestEnv::migrated();
    env.execute(&format!(
        "INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, title, \
             optimized_content, optimization_summary, structured_output, updated_at) \
         VALUES ('dddddddd-0000-0000-0000-000000000003', '{USER}', gen_random_uuid(), \
                 gen_random_uuid(), 'legacy', 'text', '{{}}', '{}', now() - interval '1 day')",
        example().to_string().replace('\'', "''")
    ));
    let id = "dddddddd-0000-0000-0000-000000000003";
    let before = state(&env, id);
    let saved = json_stdout(
        &env.save_to(id, &example(), &["--if-version", "0"])
            .success(),
    );
    assert_eq!(
        (&saved["version"], &saved["unchanged"]),
        (&json!(0), &json!(true))
    );
    assert_eq!(
        state(&env, id),
        before,
        "no version row, updated_at as it was"
    );
    assert_eq!(before.2, 0);
    let changed = json_stdout(
        &env.save_to(id, &example_with("/targeting/summary", json!("new")), &[])
            .success(),
    );
    assert_eq!(
        (&changed["version"], &changed["unchanged"]),
        (&json!(1), &json!(false))
    );
    assert_eq!(env.versions(id), vec![0, 1]);
}
