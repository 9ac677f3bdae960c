//! `qa`'s bounds: near-duplicates found by a similarity join and listed up to 100 with
//! their total, and a large document measured in seconds.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{Value, json};

fn with_bullets(bullets: &[String]) -> Value {
    let mut document = example();
    document["resume_json"]["experience"][0]["bullets"] = json!(bullets);
    document
}

fn measure_file(env: &TestEnv, document: &Value) -> Value {
    let path = env.write("doc.json", document.to_string());
    let assert = env
        .cmd()
        .timeout(Duration::from_secs(120))
        .args(["qa", "--document"])
        .arg(path)
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
    let duplicates = &measure_file(&env, &with_bullets(&bullets))["duplicates"];
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

    let path = env.write("alike.json", with_bullets(&bullets).to_string());
    let table = env
        .cmd()
        .args(["--format", "table", "qa", "--document"])
        .arg(path)
        .assert()
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
    let report = measure_file(&env, &with_bullets(&bullets));
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert!(report["duplicates"]["near_duplicates_total"].is_u64());
}
