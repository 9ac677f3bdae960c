//! Hardening, hangs and wrong outcomes: every TLS mode, FIFOs and endless inputs, numeric
//! flags at their limits, failing editors, a foreign history table, stdout that is closed
//! or full, and signals sent to a running batch.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::servers::{TlsServer, require_tool};
use common::*;
use serde_json::{Value, json};

#[test]
fn every_documented_tls_mode_connects_and_verify_ca_does_not_panic() {
    if !require_tool("openssl", "openssl", "TLS modes test") {
        return;
    }
    let server = TlsServer::start();
    let env = TestEnv::empty();
    let ca = server.ca.display().to_string();
    for (host, query) in [
        ("localhost", "sslmode=disable".to_string()),
        ("localhost", "sslmode=allow".to_string()),
        ("localhost", "sslmode=prefer".to_string()),
        ("localhost", "sslmode=require".to_string()),
        // verify-ca checks the CA but not the name: 127.0.0.1 is fine.
        ("127.0.0.1", format!("sslmode=verify-ca&sslrootcert={ca}")),
        ("localhost", format!("sslmode=verify-full&sslrootcert={ca}")),
    ] {
        let assert = env
            .cmd()
            .env("DATABASE_URL", server.url(host, &query))
            .args(["migrate", "status"])
            .timeout(Duration::from_secs(30))
            .assert()
            .exits(Exit::Database);
        // Connected: status then says the database is behind.
        let message = error_message(&assert);
        assert!(message.contains("not up to date"), "{query}: {message}");
    }
    let wrong_ca = env
        .cmd()
        .env(
            "DATABASE_URL",
            server.url(
                "127.0.0.1",
                &format!(
                    "sslmode=verify-ca&sslrootcert={}",
                    server.other_ca.display()
                ),
            ),
        )
        .args(["migrate", "status"])
        .assert()
        .exits(Exit::Database);
    assert!(error_message(&wrong_ca).contains("certificate"));
}

#[test]
fn a_missing_root_certificate_is_named_and_never_waited_for() {
    let env = TestEnv::empty();
    let started = Instant::now();
    let assert = env
        .cmd()
        .env(
            "DATABASE_URL",
            format!(
                "postgres://app@127.0.0.1:{}/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
                closed_port()
            ),
        )
        .args(["migrate", "--wait", "20"])
        .assert()
        .exits(Exit::NotConfigured);
    assert!(started.elapsed() < Duration::from_secs(5));
    let message = error_message(&assert);
    assert!(message.contains("/nonexistent/ca.pem"), "{message}");
    assert!(!message.contains("is the server running"), "{message}");
}

/// A document over 1 MiB: the example with a large extra key.
fn large_document() -> String {
    let mut document = example();
    document["x_padding"] = json!("x".repeat(1_500_000));
    document.to_string()
}

#[test]
fn saving_a_large_document_from_a_fifo_finishes_and_prints_it() {
    let env = TestEnv::migrated();
    let id = env.create_record("From a FIFO");
    let fifo = env.path("document.fifo");
    assert!(env.program("mkfifo").arg(&fifo).status().unwrap().success());
    let text = large_document();
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || std::fs::write(fifo, text).unwrap())
    };
    let assert = env
        .cmd()
        .args(["save", &id])
        .arg(&fifo)
        .timeout(Duration::from_secs(30))
        .assert()
        .success();
    writer.join().unwrap();
    let printed = json_stdout(&assert);
    assert_eq!(printed["version"], 2);
    assert_eq!(
        printed["structured_output"]["x_padding"]
            .as_str()
            .map(str::len),
        Some(1_500_000)
    );
}

#[test]
fn an_endless_line_ends_a_batch_and_a_validation_at_once() {
    let env = TestEnv::migrated();
    for args in [
        vec!["save", "--ndjson", "/dev/zero"],
        vec!["validate", "--ndjson", "/dev/zero"],
    ] {
        let assert = env
            .cmd()
            .args(["--max-input-size", "1MiB"])
            .args(&args)
            .timeout(Duration::from_secs(20))
            .assert()
            .exits(Exit::InvalidInput);
        let text = format!(
            "{}{}",
            stderr_text(&assert),
            String::from_utf8_lossy(&assert.get_output().stdout)
        );
        assert!(
            text.contains("longer than the input limit of 1 MiB"),
            "{args:?}: {text}"
        );
        // The line's own report says how to raise the limit.
        let line = json_lines(&assert)
            .into_iter()
            .find(|line| line["line"] == 1)
            .unwrap_or_else(|| panic!("{args:?}: no report for line 1: {text}"));
        assert!(
            line.to_string()
                .contains("(raise it with --max-input-size)"),
            "{args:?}: {line}"
        );
    }
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 0);
}

#[test]
fn numeric_flags_are_bounded_when_parsed() {
    let env = TestEnv::empty();
    // Nothing listens here: a flag that got as far as connecting would exit 7, not 2.
    let unreachable = format!("postgres://app@127.0.0.1:{}/db", closed_port());
    for args in [
        vec!["--max-input-size", "18446744073709551615", "validate", "-"],
        vec!["migrate", "--lock-timeout", "9223372036854775807"],
        vec!["migrate", "--wait", "9223372036854775807"],
        vec![
            "--statement-timeout",
            "3000000",
            "get",
            "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
        ],
        vec![
            "--connect-timeout",
            "0",
            "get",
            "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
        ],
    ] {
        let assert = env
            .cmd()
            .env("DATABASE_URL", &unreachable)
            .args(&args)
            .write_stdin("{}")
            .assert()
            .exits(Exit::Usage);
        let message = error_message(&assert);
        assert!(
            message.contains("not in") || message.contains("range"),
            "{args:?}: {message}"
        );
    }
    env.write(".env", "RESUMECTL_STATEMENT_TIMEOUT=3000000\n");
    let assert = env
        .cmd()
        .env("DATABASE_URL", &unreachable)
        .args(["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"])
        .assert()
        .exits(Exit::NotConfigured);
    assert!(error_message(&assert).contains("out of range"));
}

/// The path of the kept file named in a message ("... kept in PATH").
fn kept_file(message: &str) -> String {
    message
        .rsplit("kept in ")
        .next()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn an_editor_that_fails_saves_nothing_and_keeps_the_text() {
    let env = TestEnv::migrated();
    let id = env.create_record("Edited");
    let script = env.editor("sed -i 's/Senior Data Engineer/Staff Data Engineer/' \"$1\"\nexit 1");
    let assert = env
        .cmd()
        .env("EDITOR", script)
        .args(["edit", &id])
        .assert()
        .exits(Exit::InvalidInput);
    let message = error_message(&assert);
    assert!(message.contains("exited with status 1"), "{message}");
    let kept = std::fs::read_to_string(kept_file(&message)).unwrap();
    assert!(kept.contains("Staff Data Engineer"));
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 1);
}

#[test]
fn an_editor_that_keeps_writing_new_invalid_documents_is_stopped() {
    let env = TestEnv::migrated();
    let id = env.create_record("Looping");
    // Each round a different invalid document.
    let script = env.editor("echo \"{\\\"broken\\\": $(date +%N)\" > \"$1\"");
    let assert = env
        .cmd()
        .env("EDITOR", script)
        .args(["edit", &id])
        .timeout(Duration::from_secs(60))
        .assert()
        .exits(Exit::InvalidInput);
    let message = error_message(&assert);
    assert!(
        message.contains("still invalid after 5 rounds"),
        "{message}"
    );
    assert_eq!(env.editor_runs(), 5);
    assert!(std::path::Path::new(&kept_file(&message)).exists());
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 1);
}

#[test]
fn a_foreign_history_table_is_refused_by_migrate_and_named_by_status() {
    let env = TestEnv::empty();
    env.execute("CREATE TABLE optimized_resume_versions (id serial PRIMARY KEY, payload text)");
    let assert = env.run(&["migrate"]).exits(Exit::Database);
    let message = error_message(&assert);
    assert!(message.contains("optimized_resume_versions"), "{message}");
    assert!(message.contains("rename"), "{message}");
    assert!(message.contains("nothing was migrated"), "{message}");
    assert!(!env.sql::<bool>("SELECT to_regclass('optimized_resumes') IS NOT NULL"));

    let status = env.run(&["migrate", "status"]).exits(Exit::Database);
    let report = json_stdout(&status);
    let failing: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["ok"] == false)
        .map(|check| check["name"].as_str().unwrap().to_string())
        .collect();
    assert!(
        failing
            .iter()
            .any(|name| name.starts_with("column optimized_resume_versions.note")),
        "{failing:?}"
    );
}

/// Runs the binary with stdout the write end of a pipe whose read end is already closed.
fn with_closed_stdout(command: &mut Command) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_is_a_quiet_success_and_a_committed_write_stays() {
    let env = TestEnv::migrated();
    let id = env.create_record("Piped");
    let cases: Vec<Vec<&str>> = vec![
        vec!["get", &id],
        vec!["list"],
        vec!["history", &id],
        vec!["migrate", "status"],
        vec!["set-qa", &id, "--coverage", "70"],
        vec!["restore", &id, "--version", "1"],
        vec!["save", &id, "--match-score", "80"],
    ];
    for args in &cases {
        let output = with_closed_stdout(env.process().args(args));
        assert_eq!(
            output.status.code(),
            Some(Exit::Success.code()),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // set-qa, restore and save each committed a version.
    assert_eq!(env.sql::<i64>("SELECT version FROM optimized_resumes"), 4);
}

#[test]
fn a_full_stdout_is_said_and_a_full_stderr_does_not_panic() {
    let env = TestEnv::migrated();
    let id = env.create_record("Full");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let output = env
        .process()
        .args(["get", &id])
        .stdout(full())
        .output()
        .unwrap();
    Exit::Output.of(&output.status);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("writing stdout failed"), "{stderr}");

    // An error to report, with stderr full: the exit code still says what happened.
    let output = env
        .process()
        .args([
            "--format",
            "table",
            "get",
            "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
        ])
        .stderr(full())
        .output()
        .unwrap();
    Exit::NotFound.of(&output.status);
}

/// A batch fed through stdin that is kept open, interrupted after some lines are written.
fn interrupted_batch(signal: &str) -> (std::process::Output, TestEnv) {
    let env = TestEnv::migrated();
    let mut child = env
        .process()
        .args(["save", "--ndjson", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let line = json!({"structured_output": example()}).to_string() + "\n";
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..40 {
        stdin.write_all(line.as_bytes()).unwrap();
    }
    stdin.flush().unwrap();
    // Wait until some are written, then signal while stdin is still open.
    let started = Instant::now();
    while env.sql::<i64>("SELECT count(*) FROM optimized_resumes") < 10 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the batch made no progress"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = env
        .program("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    drop(stdin);
    (output, env)
}

#[test]
fn sigint_during_a_batch_reports_every_written_line_and_exits_130() {
    for (signal, exit) in [("INT", Exit::Interrupted), ("TERM", Exit::Terminated)] {
        let (output, env) = interrupted_batch(signal);
        exit.of_output(&output);
        let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let summary = lines.last().expect("a summary line");
        assert!(summary.get("summary").is_some(), "{summary}");
        let created = lines
            .iter()
            .filter(|line| line["status"] == "created")
            .count() as i64;
        let stored = env.sql::<i64>("SELECT count(*) FROM optimized_resumes");
        assert_eq!(created, stored, "every written line is reported");
        assert_eq!(summary["summary"]["written"], stored);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("SIG{signal} received")),
            "{stderr}"
        );
    }
}
