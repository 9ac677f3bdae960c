//! Signals and long waits: a batch stopped after its reading is over, a second signal,
//! an `--atomic` batch that holds no lock while its input is slow, and `edit` keeping the
//! text whatever ends it.

mod common;

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};
use sqlx::Connection;

fn signal(env: &TestEnv, child: &Child, name: &str) {
    let sent = env
        .program("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Starts the binary with `args`, fed through a pipe; its stdout and stderr captured.
fn fed(env: &TestEnv, args: &[&str]) -> Child {
    env.process()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn lines_of(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn signals_after_the_reading_are_still_the_batchs_and_a_second_one_rolls_back() {
    let env = TestEnv::migrated();
    let id = env.create_record("Locked");
    // Hold the record's row, so that the batch's one line waits behind it.
    let holder = env.hold_row(&id);
    let mut child = fed(&env, &["--statement-timeout", "0", "save", "--ndjson", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", json!({"id": id, "match_score": 12})).unwrap();
    drop(stdin);
    env.wait_for_a_lock_wait();
    // The first signal: the line in flight may finish; the batch goes on waiting.
    signal(&env, &child, "INT");
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        child.try_wait().unwrap().is_none(),
        "one signal lets the line finish"
    );
    // The second: roll back what is in flight, now.
    let started = Instant::now();
    signal(&env, &child, "INT");
    let output = child.wait_with_output().unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    Exit::Interrupted.of_output(&output);
    let lines = lines_of(&output);
    assert_eq!(lines[0]["status"], "failed", "{lines:?}");
    assert_eq!(lines[0]["error"]["kind"], "interrupted");
    assert!(lines.last().unwrap().get("summary").is_some());
    block_on(holder.close()).unwrap();
    assert_eq!(
        env.sql::<Option<i32>>("SELECT match_score FROM optimized_resumes"),
        None
    );
}

#[test]
fn an_atomic_batch_holds_no_lock_while_its_input_is_slow() {
    let env = TestEnv::migrated();
    let id = env.create_record("Busy");
    let mut child = fed(&env, &["save", "--ndjson", "--atomic", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", json!({"id": id, "match_score": 40})).unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    // The batch has read its first line and waits for more: the record is free.
    env.run(&[
        "--statement-timeout",
        "2",
        "save",
        &id,
        "--match-score",
        "9",
    ])
    .success();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    Exit::Success.of_output(&output);
    assert_eq!(
        env.sql::<i32>("SELECT match_score FROM optimized_resumes"),
        40
    );
}

#[test]
fn an_interrupted_atomic_batch_reports_every_line_and_writes_nothing() {
    let env = TestEnv::migrated();
    let mut child = fed(&env, &["save", "--ndjson", "--atomic", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let line = json!({"structured_output": example()}).to_string();
    for _ in 0..3 {
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(700));
    signal(&env, &child, "TERM");
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    Exit::Terminated.of_output(&output);
    let lines = lines_of(&output);
    let statuses: Vec<&str> = lines[..lines.len() - 1]
        .iter()
        .map(|line| line["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["rolled_back"; 3]);
    assert_eq!(lines.last().unwrap()["summary"]["rolled_back"], 3);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 0);
}

fn kept_text(message: &str) -> String {
    let path = message.rsplit("kept in ").next().unwrap().trim();
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn an_edit_whose_record_went_away_keeps_the_text() {
    let env = TestEnv::migrated();
    let id = env.create_record("Gone");
    let script = env.editor(&format!(
            "{} delete {id} --yes >/dev/null 2>&1\nsed -i 's/Senior Data Engineer/Staff Data Engineer/' \"$1\"",
            bin_path().display()
        ),
    );
    let assert = env
        .cmd()
        .env("EDITOR", script)
        .args(["edit", &id])
        .assert()
        .exits(Exit::NotFound);
    assert!(kept_text(&error_message(&assert)).contains("Staff Data Engineer"));
}

#[test]
fn sigterm_while_the_editor_is_open_ends_the_edit_and_keeps_the_text() {
    let env = TestEnv::migrated();
    let id = env.create_record("Terminated");
    // The editor edits, then resumectl (the parent of the shell running it) is terminated.
    let script = env.editor(
        "sed -i 's/Senior Data Engineer/Staff Data Engineer/' \"$1\"\n\
         kill -TERM \"$(ps -o ppid= -p $PPID | tr -d ' ')\"\nsleep 5",
    );
    let assert = env
        .cmd()
        .env("EDITOR", script)
        .args(["edit", &id])
        .timeout(Duration::from_secs(20))
        .assert()
        .exits(Exit::Terminated);
    assert!(kept_text(&error_message(&assert)).contains("Staff Data Engineer"));
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 1);
}

#[test]
fn sigint_stops_a_waiting_save_with_130_and_its_write_rolls_back() {
    let env = TestEnv::migrated();
    let id = env.create_record("Before");
    let changed = example_with("/resume_json/name", json!("Changed Name"));
    let file = env.write("changed.json", changed.to_string());
    // Hold the record's row, so that the save waits inside its transaction.
    let holder = env.hold_row(&id);
    let file = file.display().to_string();
    let child = env.spawn(&["--statement-timeout", "0", "save", &id, &file]);
    env.wait_for_a_lock_wait();
    signal(&env, &child, "INT");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    Exit::Interrupted.of_output(&output);
    assert!(output.stdout.is_empty());
    let report: Value = serde_json::from_str(stderr.trim()).unwrap();
    assert_eq!(report["error"]["kind"], "interrupted");
    assert!(
        report["error"]["message"]
            .as_str()
            .unwrap()
            .contains("stopped by SIGINT"),
        "{report}"
    );
    // The lock goes; the server finds the client gone before its COMMIT ever came.
    block_on(holder.close()).unwrap();
    let started = Instant::now();
    while env.sql::<i64>(&format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid()",
        env.name
    )) > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "a backend stayed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 1);
    assert_eq!(
        env.sql::<i64>("SELECT count(*) FROM optimized_resume_versions"),
        1
    );
    assert_eq!(
        env.sql::<String>(
            "SELECT structured_output #>> '{resume_json,name}' FROM optimized_resumes"
        ),
        example()["resume_json"]["name"].as_str().unwrap()
    );
}

#[test]
fn sigint_ends_a_command_stuck_in_a_blocking_read_too() {
    let env = TestEnv::migrated();
    let id = env.create_record("Waiting for stdin");
    // stdin stays open and silent: the read blocks outside the async runtime's reach.
    let mut child = fed(&env, &["save", &id, "-"]);
    let _stdin = child.stdin.take();
    std::thread::sleep(Duration::from_millis(500));
    signal(&env, &child, "INT");
    let output = child.wait_with_output().unwrap();
    Exit::Interrupted.of_output(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("SIGINT"));
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 1);
}
