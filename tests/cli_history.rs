//! Version history, conflict detection, restore, diff and edit.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use sqlx::Connection;

/// The record and its history, as one JSON text.
fn state(env: &TestEnv, id: &str) -> String {
    env.sql(&format!(
        "SELECT (SELECT to_jsonb(r)::text FROM optimized_resumes r WHERE id = '{id}') || \
         coalesce((SELECT jsonb_agg(to_jsonb(v) ORDER BY version)::text \
                   FROM optimized_resume_versions v WHERE resume_id = '{id}'), '[]')"
    ))
}

/// The version numbers `history` lists.
fn version_numbers(env: &TestEnv, id: &str) -> Vec<i64> {
    env.history(id)
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect()
}

#[test]
fn every_write_adds_a_version_and_get_shows_old_ones() {
    let env = TestEnv::migrated();
    let id = env.create_record("versions");
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("second")),
        &["--note", "tightened summary"],
    )
    .success();
    env.run(&["set-qa", &id, "--coverage", "90"]).success();
    assert_eq!(env.get(&id)["version"], 3);
    assert_eq!(version_numbers(&env, &id), vec![1, 2, 3]);
    let versions = env.history(&id);
    assert_eq!(versions[0]["note"], "created");
    assert_eq!(versions[1]["note"], "tightened summary");
    assert_eq!(versions[1]["keyword_coverage"], 88);
    assert!(versions[1]["document_bytes"].as_i64().unwrap() > 1000);
    let old = env.json(&["get", &id, "--version", "1"]);
    assert_eq!(old["structured_output"], example());
    assert_eq!(old["version"], 1);
    let missing = env
        .run(&["get", &id, "--version", "9"])
        .exits(Exit::NotFound);
    assert!(stderr_text(&missing).contains("no version 9"));
}

#[test]
fn if_version_refuses_a_stale_write_with_exit_6() {
    let env = TestEnv::migrated();
    let id = env.create_record("stale");
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("v2")),
        &["--if-version", "1"],
    )
    .success();
    let before = state(&env, &id);
    let assert = env
        .save_to(
            &id,
            &example_with("/targeting/summary", json!("v3 from a stale copy")),
            &["--if-version", "1"],
        )
        .exits(Exit::Conflict);
    let error = json_error(&assert);
    assert_eq!(error["error"]["kind"], "conflict");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("at version 2, not 1")
    );
    assert_eq!(
        state(&env, &id),
        before,
        "a refused write changed something"
    );
    env.run(&["set-qa", &id, "--coverage", "5", "--if-version", "1"])
        .exits(Exit::Conflict);
    env.run(&["restore", &id, "--version", "1", "--if-version", "1"])
        .exits(Exit::Conflict);
    assert_eq!(state(&env, &id), before);
}

fn spawn_saves(env: &TestEnv, id: &str, count: usize, extra: &[&str]) -> Vec<std::process::Output> {
    let children: Vec<_> = (0..count)
        .map(|index| {
            let path = env.write(
                &format!("doc{index}.json"),
                example_with("/targeting/summary", json!(&format!("writer {index}"))).to_string(),
            );
            let path = path.display().to_string();
            env.spawn(&[&["save", id, &path], extra].concat())
        })
        .collect();
    children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect()
}

#[test]
fn twenty_concurrent_saves_all_land_as_distinct_versions() {
    let env = TestEnv::migrated();
    let id = env.create_record("busy");
    for output in spawn_saves(&env, &id, 20, &[]) {
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(version_numbers(&env, &id), (1..=21).collect::<Vec<_>>());
    // The record is version 21; versions 2 to 20 hold the states it passed through: the
    // twenty writers' documents appear exactly once among them and the record.
    let version: i64 = env.sql(&format!(
        "SELECT version FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!(version, 21);
    let mut summaries: Vec<String> = env
        .sql::<Value>(&format!(
            "SELECT jsonb_agg(s) FROM ( \
                 SELECT structured_output #>> '{{targeting,summary}}' AS s \
                 FROM optimized_resume_versions \
                 WHERE resume_id = '{id}' AND version BETWEEN 2 AND 20 \
                 UNION ALL \
                 SELECT structured_output #>> '{{targeting,summary}}' \
                 FROM optimized_resumes WHERE id = '{id}') states"
        ))
        .as_array()
        .unwrap()
        .iter()
        .map(|summary| summary.as_str().unwrap().to_string())
        .collect();
    summaries.sort();
    let mut writers: Vec<String> = (0..20).map(|index| format!("writer {index}")).collect();
    writers.sort();
    assert_eq!(summaries, writers, "the record is not its last version");
}

#[test]
fn twenty_concurrent_saves_at_one_version_let_exactly_one_through() {
    let env = TestEnv::migrated();
    let id = env.create_record("race");
    let outputs = spawn_saves(&env, &id, 20, &["--if-version", "1"]);
    let codes: Vec<i32> = outputs.iter().map(|o| o.status.code().unwrap()).collect();
    let count = |exit: Exit| codes.iter().filter(|&&code| code == exit.code()).count();
    assert_eq!(count(Exit::Success), 1, "{codes:?}");
    assert_eq!(count(Exit::Conflict), 19, "{codes:?}");
    let versions: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resume_versions WHERE resume_id = '{id}'"
    ));
    assert_eq!(versions, 2);
}

/// Starts a save that blocks on its version rows (the test holds a lock that conflicts
/// with them) inside its one statement, with the record's row already locked, and
/// returns the child, its backend pid and the connection holding the lock.
fn start_blocked_save(env: &TestEnv, id: &str) -> (std::process::Child, i32, sqlx::PgConnection) {
    let mut blocker = block_on(sqlx::PgConnection::connect(&env.url)).unwrap();
    block_on(
        sqlx::raw_sql("BEGIN; LOCK TABLE optimized_resume_versions IN SHARE MODE")
            .execute(&mut blocker),
    )
    .unwrap();
    let path = env.write(
        "interrupted.json",
        example_with("/targeting/summary", json!("never lands")).to_string(),
    );
    let child = env.spawn(&["save", id, &path.display().to_string()]);
    let started = Instant::now();
    let pid = loop {
        let waiting: Option<i32> = env.sql(
            "SELECT max(pid) FROM pg_stat_activity WHERE application_name = 'resumectl' \
             AND datname = current_database() AND wait_event_type = 'Lock' \
             AND query LIKE 'WITH locked AS%'",
        );
        if let Some(pid) = waiting {
            break pid;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the save never blocked"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // Its statement is under way inside the open transaction.
    (child, pid, blocker)
}

#[test]
fn a_write_whose_backend_is_terminated_leaves_everything_as_before() {
    let env = TestEnv::migrated();
    let id = env.create_record("interrupted");
    let before = state(&env, &id);
    let (mut child, pid, mut blocker) = start_blocked_save(&env, &id);
    let _: bool = env.sql(&format!("SELECT pg_terminate_backend({pid})"));
    // Bounded: if the wrong backend were terminated, this save would wait forever.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the save did not end after its backend was terminated");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    Exit::Database.of_output(&output);
    block_on(sqlx::raw_sql("ROLLBACK").execute(&mut blocker)).unwrap();
    assert_eq!(state(&env, &id), before);
}

#[test]
fn a_write_whose_process_is_killed_leaves_everything_as_before() {
    let env = TestEnv::migrated();
    let id = env.create_record("killed");
    let before = state(&env, &id);
    let (mut child, pid, mut blocker) = start_blocked_save(&env, &id);
    child.kill().unwrap();
    child.wait().unwrap();
    block_on(sqlx::raw_sql("ROLLBACK").execute(&mut blocker)).unwrap();
    // The orphaned backend finishes its statement, finds its client gone, and rolls back.
    let started = Instant::now();
    while env.sql::<i64>(&format!(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}"
    )) > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "backend {pid} lingers"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(state(&env, &id), before);
}

#[test]
fn restore_makes_an_old_version_current_as_a_new_version() {
    let env = TestEnv::migrated();
    let id = env.create_record("restore");
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("changed")),
        &[],
    )
    .success();
    let restored = env.json(&["restore", &id, "--version", "1"]);
    assert_eq!(restored["version"], 3);
    assert_eq!(restored["structured_output"], example());
    let diff = env.json(&["diff", &id, "--from", "1", "--to", "3"]);
    assert_eq!(diff["changes"], json!([]));
    assert_eq!(env.history(&id)[2]["note"], "restored version 1");
    env.run(&["restore", &id, "--version", "7"])
        .exits(Exit::NotFound);
}

#[test]
fn diff_names_changed_paths_with_old_and_new_values() {
    let env = TestEnv::migrated();
    let id = env.create_record("diff");
    let mut document = example_with("/targeting/summary", json!("new summary"));
    document["qa"]["warnings"] = json!([]);
    document["x_added"] = json!(true);
    env.save_to(&id, &document, &[]).success();
    let report = env.json(&["diff", &id]);
    assert_eq!(
        (report["from"].as_i64(), report["to"].as_i64()),
        (Some(1), Some(2))
    );
    let changes = report["changes"].as_array().unwrap();
    assert!(
        changes.contains(&json!({"op": "changed", "path": "/targeting/summary",
        "old": example()["targeting"]["summary"], "new": "new summary"})),
        "{changes:?}"
    );
    assert!(
        changes.contains(
            &json!({"op": "removed", "path": "/qa/warnings/0", "old": "Kafka not evidenced"})
        ),
        "{changes:?}"
    );
    assert!(
        changes.contains(&json!({"op": "added", "path": "/x_added", "new": true})),
        "{changes:?}"
    );
    let table = env.run(&["--format", "table", "diff", &id]).success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(text.contains("~ /targeting/summary:"), "{text}");
}

#[test]
fn round_trip_across_versions_keeps_the_document() {
    let env = TestEnv::migrated();
    let id = env.create_record("trip");
    for _ in 0..3 {
        let got = env
            .run(&["get", &id, "--field", "structured_output"])
            .success();
        env.run_with(&["save", &id, "-"], got.get_output().stdout.clone())
            .success();
    }
    let last = env.json(&["get", &id, "--field", "structured_output"]);
    assert_eq!(last, example());
    assert_eq!(env.history(&id).len(), 4);
}

#[test]
fn a_record_from_before_history_keeps_its_original_as_version_0() {
    let env = TestEnv::migrated();
    env.execute(&format!(
        "INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, title, \
             optimized_content, optimization_summary, structured_output) \
         VALUES ('dddddddd-0000-0000-0000-000000000001', '{USER}', gen_random_uuid(), \
                 gen_random_uuid(), 'legacy', 'text', '{{}}', '{}')",
        example().to_string().replace('\'', "''")
    ));
    let id = "dddddddd-0000-0000-0000-000000000001";
    env.save_to(
        id,
        &example_with("/targeting/summary", json!("first resumectl edit")),
        &["--if-version", "0"],
    )
    .success();
    assert_eq!(version_numbers(&env, id), vec![0, 1]);
    let original = env.json(&["get", id, "--version", "0"]);
    assert_eq!(original["structured_output"], example());
}

#[test]
fn delete_takes_the_history_with_it() {
    let env = TestEnv::migrated();
    let id = env.create_record("gone");
    env.save_to(&id, &example_with("/targeting/summary", json!("v2")), &[])
        .success();
    env.run(&["delete", "--yes", &id]).success();
    let left: i64 = env.sql("SELECT count(*) FROM optimized_resume_versions");
    assert_eq!(left, 0);
}

/// The text of the file an edit kept (named at the end of its error message), removed.
fn take_kept_file(message: &str) -> String {
    let path = message.rsplit("kept in ").next().unwrap();
    let text = std::fs::read_to_string(path).expect("the kept file exists");
    std::fs::remove_file(path).unwrap();
    text
}

/// `edit ID` with `editor` as $EDITOR, run to the end.
fn edit(env: &TestEnv, editor: &str, id: &str) -> assert_cmd::assert::Assert {
    env.cmd().env("EDITOR", editor).args(["edit", id]).assert()
}

#[test]
fn edit_saves_a_changed_document_as_a_new_version() {
    let env = TestEnv::migrated();
    let id = env.create_record("edit");
    let script =
        env.editor(r#"sed -i 's/"Senior Data Engineer, Payments"/"Staff Data Engineer"/' "$1""#);
    let record = json_stdout(&edit(&env, &script, &id).success());
    assert_eq!(record["version"], 2);
    assert_eq!(
        record["structured_output"]["targeting"]["target_headline"],
        "Staff Data Engineer"
    );
    assert_eq!(env.history(&id)[1]["note"], "edited");
}

#[test]
fn edit_left_unchanged_or_emptied_saves_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("noop");
    let before = state(&env, &id);
    let unchanged = env.editor("true");
    assert_eq!(
        json_stdout(&edit(&env, &unchanged, &id).success())["saved"],
        false
    );
    let emptied = env.editor(": > \"$1\"");
    env.cmd()
        .env("VISUAL", &emptied)
        .args(["edit", &id])
        .assert()
        .success();
    assert_eq!(state(&env, &id), before);
}

#[test]
fn edit_reopens_an_invalid_document_with_its_problems_listed() {
    let env = TestEnv::migrated();
    let id = env.create_record("invalid edit");
    // First pass breaks the score; the second sees the problem header and fixes it.
    let script = env.editor(
        r#"if grep -q '^// resumectl' "$1"; then
  grep -q 'keyword_coverage_0_to_100: 140 is greater' "$1"
  sed -i 's/"keyword_coverage_0_to_100": 140/"keyword_coverage_0_to_100": 95/' "$1"
else
  sed -i 's/"keyword_coverage_0_to_100": 88/"keyword_coverage_0_to_100": 140/' "$1"
fi"#,
    );
    assert_eq!(
        json_stdout(&edit(&env, &script, &id).success())["structured_output"]["qa"]["scores"]["keyword_coverage_0_to_100"],
        95
    );
}

#[test]
fn edit_that_stays_invalid_gives_up_keeping_the_text() {
    let env = TestEnv::migrated();
    let id = env.create_record("stubborn");
    let before = state(&env, &id);
    let script = env.editor(
        r#"grep -q '^// resumectl' "$1" || sed -i 's/"keyword_coverage_0_to_100": 88/"keyword_coverage_0_to_100": 140/' "$1""#,
    );
    let assert = edit(&env, &script, &id).exits(Exit::InvalidInput);
    assert!(take_kept_file(&error_message(&assert)).contains("140"));
    assert_eq!(state(&env, &id), before);
}

#[test]
fn edit_conflicting_with_a_concurrent_save_exits_6_and_keeps_the_edit() {
    let env = TestEnv::migrated();
    let id = env.create_record("conflict");
    let other = env.write(
        "other.json",
        example_with("/targeting/summary", json!("someone else's change")).to_string(),
    );
    // While "the user" edits, another writer saves the same record.
    let script = env.editor(&format!(
        "{} save {id} {} >/dev/null\nsed -i 's/\"Senior Data Engineer, Payments\"/\"Mine\"/' \"$1\"",
        bin_path().display(),
        other.display()
    ));
    let assert = edit(&env, &script, &id).exits(Exit::Conflict);
    let message = error_message(&assert);
    assert!(message.contains("at version 2, not 1"), "{message}");
    assert!(take_kept_file(&message).contains("\"Mine\""));
    assert_eq!(
        env.get(&id)["structured_output"]["targeting"]["summary"],
        "someone else's change"
    );
}

#[test]
fn edit_without_an_editor_or_terminal_is_a_usage_error() {
    let env = TestEnv::migrated();
    let id = env.create_record("no editor");
    env.run(&["edit", &id]).exits(Exit::Usage);
    env.cmd()
        .env("EDITOR", "true")
        .args(["--no-input", "edit", &id])
        .assert()
        .exits(Exit::Usage);
}

/// A document is stored once: the record holds the current state, and a version's row
/// takes its state only when the version is superseded (copied on the server).
#[test]
fn history_holds_superseded_states_only_and_every_version_stays_readable() {
    let env = TestEnv::migrated();
    let id = env.create_record("stored once");
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("second")),
        &[],
    )
    .success();
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("third")),
        &["--note", "third"],
    )
    .success();
    let stored: Vec<(i64, bool, Option<String>)> = env
        .sql::<Value>(&format!(
            "SELECT jsonb_agg(jsonb_build_array(version, structured_output IS NOT NULL, note) \
             ORDER BY version) FROM optimized_resume_versions WHERE resume_id = '{id}'"
        ))
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row[0].as_i64().unwrap(),
                row[1].as_bool().unwrap(),
                row[2].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        stored,
        vec![
            (1, true, Some("created".into())),
            (2, true, None),
            (3, false, Some("third".into())),
        ]
    );
    for (version, text) in [(1, None), (2, Some("second")), (3, Some("third"))] {
        let old = env.json(&["get", &id, "--version", &version.to_string()]);
        assert_eq!(old["version"], version);
        let expected = text.map_or_else(example, |text| {
            example_with("/targeting/summary", json!(text))
        });
        assert_eq!(old["structured_output"], expected, "version {version}");
    }
    let notes: Vec<Value> = env.history(&id).iter().map(|v| v["note"].clone()).collect();
    assert_eq!(notes, vec![json!("created"), Value::Null, json!("third")]);
    // Restoring the current version, or an old one, works from either place.
    let restored = env.json(&["restore", &id, "--version", "3"]);
    assert_eq!(
        restored["structured_output"],
        example_with("/targeting/summary", json!("third"))
    );
    let restored = env.json(&["restore", &id, "--version", "1"]);
    assert_eq!(restored["version"], 5);
    assert_eq!(restored["structured_output"], example());
}

/// Migration 0003 turns the old layout (every version's state in its row, the current
/// one's too) into the new one, and every version reads the same before and after.
#[test]
fn the_history_migration_keeps_every_version_readable() {
    let env = TestEnv::migrated();
    let id = env.create_record("old layout");
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("second")),
        &[],
    )
    .success();
    // The old layout: the current version's row holds the state too; 0003 not applied.
    env.execute(&format!(
        "UPDATE optimized_resume_versions v SET structured_output = r.structured_output, \
             qa_metrics = r.qa_metrics, export_formats = r.export_formats, \
             optimized_content = r.optimized_content, match_score = r.match_score \
         FROM optimized_resumes r WHERE v.resume_id = r.id AND v.version = r.version \
           AND r.id = '{id}'; \
         DELETE FROM _sqlx_migrations WHERE version = 3"
    ));
    let read =
        |version: &str| env.json(&["get", &id, "--version", version])["structured_output"].clone();
    let before = (read("1"), read("2"));
    env.run(&["migrate"]).success();
    assert_eq!((read("1"), read("2")), before);
    assert_eq!(
        before.1,
        example_with("/targeting/summary", json!("second"))
    );
    let current_state: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resume_versions \
         WHERE resume_id = '{id}' AND version = 2 AND structured_output IS NOT NULL"
    ));
    assert_eq!(current_state, 0);
}
