//! Writers at once: concurrent saves each land as their own version, or exactly one
//! gets through at a shared `--if-version`; a write cut off mid-statement (its backend
//! terminated, its process killed) leaves everything as it was.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use sqlx::Connection;

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
    assert_eq!(env.versions(&id), (1..=21).collect::<Vec<_>>());
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
    let before = env.state(&id);
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
    assert_eq!(env.state(&id), before);
}

#[test]
fn a_write_whose_process_is_killed_leaves_everything_as_before() {
    let env = TestEnv::migrated();
    let id = env.create_record("killed");
    let before = env.state(&id);
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
    assert_eq!(env.state(&id), before);
}
