//! Version history, conflict detection, restore and diff (edit: cli_edit.rs).

mod common;

use common::*;
use serde_json::{Value, json};

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
    assert_eq!(env.versions(&id), vec![1, 2, 3]);
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
    let before = env.state(&id);
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
    assert_eq!(env.state(&id), before, "a refused write changed something");
    env.run(&["set-qa", &id, "--coverage", "5", "--if-version", "1"])
        .exits(Exit::Conflict);
    env.run(&["restore", &id, "--version", "1", "--if-version", "1"])
        .exits(Exit::Conflict);
    assert_eq!(env.state(&id), before);
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
        let saved = env
            .run_with(&["save", &id, "-"], got.get_output().stdout.clone())
            .success();
        let saved: Value = serde_json::from_slice(&saved.get_output().stdout).unwrap();
        assert_eq!(saved["unchanged"], true);
        assert_eq!(saved["version"], 1);
    }
    let last = env.json(&["get", &id, "--field", "structured_output"]);
    assert_eq!(last, example());
    // What came back is what is stored: no save made a version.
    assert_eq!(env.history(&id).len(), 1);
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
    assert_eq!(env.versions(id), vec![0, 1]);
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
    // Restoring the current version finds it so already; an old one is a new version.
    let restored = env.json(&["restore", &id, "--version", "3"]);
    assert_eq!(
        restored["structured_output"],
        example_with("/targeting/summary", json!("third"))
    );
    assert_eq!(
        (&restored["version"], &restored["unchanged"]),
        (&json!(3), &json!(true))
    );
    let restored = env.json(&["restore", &id, "--version", "1"]);
    assert_eq!(restored["version"], 4);
    assert_eq!(restored["unchanged"], false);
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

#[test]
fn history_pages_back_from_the_newest_versions() {
    let env = TestEnv::migrated();
    let id = env.save(&example());
    for score in 1..=54 {
        env.run(&["save", &id, "--match-score", &score.to_string()])
            .success();
    }
    // 55 versions: the default page is the newest 50, and a note names the older ones.
    let out = env.run(&["history", &id]).success();
    let page = json_stdout(&out);
    let versions: Vec<i64> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|version| version["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, (6..=55).collect::<Vec<_>>());
    assert!(
        stderr_text(&out).contains("--before 6"),
        "{}",
        stderr_text(&out)
    );
    let older = env.json(&["history", &id, "--before", "6"]);
    let older: Vec<i64> = older
        .as_array()
        .unwrap()
        .iter()
        .map(|version| version["version"].as_i64().unwrap())
        .collect();
    assert_eq!(older, (1..=5).collect::<Vec<_>>());
    let last = env
        .run(&["history", &id, "--limit", "3", "--before", "4"])
        .success();
    assert!(
        !stderr_text(&last).contains("--before"),
        "the first versions: no note"
    );
    assert_eq!(json_stdout(&last).as_array().unwrap().len(), 3);
}
