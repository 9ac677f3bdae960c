//! `qa`'s bounds: near-duplicates found by a similarity join and listed up to 100 with
//! their total, a large document measured in seconds, and stored documents that are not
//! valid (or missing) refused or skipped with the reason, nothing stored for them.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

fn measure_file(env: &TestEnv, document: &Value) -> Value {
    let path = env.write("doc.json", document.to_string());
    let assert = env
        .cmd()
        .timeout(Duration::from_secs(120))
        .args(["qa", "--document", path.to_str().unwrap()])
        .assert()
        .success();
    json_lines(&assert).remove(0)
}

#[test]
fn near_duplicates_and_repeats_are_listed_up_to_100_with_their_totals() {
    let env = TestEnv::empty();
    let baseline = measure_file(&env, &example())["duplicates"].clone();
    assert_eq!(baseline["near_duplicates_total"], 0, "{baseline}");
    // 300 bullets alike (the same twenty words and one of their own), then one bullet
    // and 150 repeats of it.
    let shared: Vec<String> = (0..20).map(|word| format!("word{word}")).collect();
    let shared = shared.join(" ");
    let mut bullets: Vec<String> = (0..300).map(|own| format!("{shared} own{own}")).collect();
    bullets.extend((0..151).map(|_| "Repeated the same bullet.".to_string()));
    let alike = example_with("/resume_json/experience/0/bullets", json!(bullets));
    let duplicates = &measure_file(&env, &alike)["duplicates"];
    assert_eq!(duplicates["value"], 150);
    assert_eq!(duplicates["duplicates"].as_array().unwrap().len(), 100);
    assert_eq!(duplicates["near_duplicates_total"], 300 * 299 / 2);
    let near = duplicates["near_duplicates"].as_array().unwrap();
    assert_eq!(near.len(), 100);
    // The first pairs, in order: bullet 1 with 0, bullet 2 with 0 and 1, ...
    let bullet = |index: u32| format!("/resume_json/experience/0/bullets/{index}");
    assert_eq!(near[0]["path"], bullet(1));
    assert_eq!(near[0]["similar_to"], bullet(0));
    assert_eq!(near[0]["similarity"], 0.91);
    assert_eq!(near[99]["path"], bullet(14));
    assert_eq!(near[99]["similar_to"], bullet(8));

    let path = env.write("alike.json", alike.to_string());
    let table = env
        .run(&[
            "--format",
            "table",
            "qa",
            "--document",
            path.to_str().unwrap(),
        ])
        .success();
    let shown = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(shown.contains("and 50 more repeats"), "{shown}");
    assert!(
        shown.contains("and 44750 more near-duplicate pairs"),
        "{shown}"
    );
}

#[test]
fn a_document_of_30000_bullets_is_measured_in_seconds() {
    // Before the similarity join this compared 450 million pairs: many minutes.
    let env = TestEnv::empty();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    let bullets: Vec<String> = (0..30_000)
        .map(|_| {
            let words: Vec<String> = (0..12).map(|_| format!("term{}", next(2000))).collect();
            words.join(" ")
        })
        .collect();
    let started = std::time::Instant::now();
    let many = example_with("/resume_json/experience/0/bullets", json!(bullets));
    let report = measure_file(&env, &many);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert!(report["duplicates"]["near_duplicates_total"].is_u64());
}

/// Sets a record's stored document behind resumectl's back, as the web application can.
fn store_raw(env: &TestEnv, id: &str, document: &str) {
    env.execute(&format!(
        "UPDATE optimized_resumes SET structured_output = {document} WHERE id = '{id}'"
    ));
}

#[test]
fn qa_all_write_refuses_invalid_stored_documents_and_skips_missing_ones() {
    let env = TestEnv::migrated();
    let good = env.create_record("Good");
    let empty = env.create_record("Empty object");
    let array = env.create_record("Array");
    let missing = env.create_record("No document");
    store_raw(&env, &empty, "'{}'");
    store_raw(&env, &array, "'[1,2]'");
    store_raw(&env, &missing, "NULL");
    let assert = env
        .run(&["qa", "--all", "--write"])
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    assert_eq!(lines.len(), 5, "{lines:?}");
    let line = |id: &str| lines.iter().find(|line| line["id"] == id).unwrap().clone();
    assert_eq!(line(&good)["written_version"], 2);
    for id in [&empty, &array] {
        let refused = line(id);
        assert_eq!(refused["status"], "refused", "{refused}");
        let reason = refused["reason"].as_str().unwrap();
        assert!(reason.contains("not a valid document"), "{reason}");
        assert!(!refused["problems"].as_array().unwrap().is_empty());
        assert!(refused.get("coverage").is_none());
    }
    let skipped = line(&missing);
    assert_eq!(skipped["status"], "skipped", "{skipped}");
    assert!(
        skipped["reason"]
            .as_str()
            .unwrap()
            .contains("no structured_output")
    );
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["documents"], 1);
    assert_eq!(summary["written"], 1);
    assert_eq!(summary["refused"], 2);
    assert_eq!(summary["skipped"], 1);
    let message = error_message(&assert);
    assert!(message.contains("2 records were not measured"), "{message}");
    assert!(
        message.contains(&empty) && message.contains(&array),
        "{message}"
    );
    // Nothing stored for the three: no figures, no new version.
    let untouched: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resumes WHERE qa_metrics IS NULL AND version = 1 \
         AND id IN ('{empty}', '{array}', '{missing}')"
    ));
    assert_eq!(untouched, 3);

    // Named by id: refused (a NULL document too), the others still measured.
    let named = env
        .run(&["qa", &missing, &good, &empty])
        .exits(Exit::InvalidInput);
    let lines = json_lines(&named);
    assert_eq!(lines[0]["status"], "refused");
    assert!(lines[1]["coverage"]["value"].is_u64());
    assert_eq!(lines[2]["status"], "refused");
    // For people: the reason on stderr, stdout keeping the reports.
    let table = env
        .run(&["--format", "table", "qa", "--all"])
        .exits(Exit::InvalidInput);
    let errors = stderr_text(&table);
    assert!(
        errors.contains(&format!("{empty}  Empty object: refused:")),
        "{errors}"
    );
    assert!(errors.contains("No document: skipped:"), "{errors}");
}
