//! Where real deployments run: TLS, a transaction-mode pooler, timeouts, and inputs near
//! the limits.

mod common;

use std::time::{Duration, Instant};

use common::servers::{Pooler, TlsServer, require_tool};
use common::*;
use serde_json::{Value, json};

/// Every record subcommand through PgBouncer in transaction mode; migrations refused
/// there, clearly and at once, and run through --migration-database-url.
#[test]
fn every_record_subcommand_works_through_pgbouncer_in_transaction_mode() {
    if !require_tool("pgbouncer", "pgbouncer", "pgbouncer test") {
        return;
    }
    let env = TestEnv::empty();
    let pooler = Pooler::start(&admin_url(), &env.name);
    let pooled = || {
        let mut command = env.cmd();
        command
            .env("DATABASE_URL", &pooler.url)
            .timeout(Duration::from_secs(60));
        command
    };

    let refused = pooled().arg("migrate").assert().exits(Exit::NotConfigured);
    let message = error_message(&refused);
    assert!(message.contains("--migration-database-url"), "{message}");
    assert!(message.contains("pooler"), "{message}");
    let migrated: bool = env.sql("SELECT to_regclass('optimized_resumes') IS NOT NULL");
    assert!(!migrated, "a refused migration wrote something");
    pooled()
        .args(["migrate", "--migration-database-url", &env.url])
        .assert()
        .success();
    pooled()
        .env("MIGRATION_DATABASE_URL", &env.url)
        .args(["migrate", "status"])
        .assert()
        .success();

    let record = json_stdout(
        &pooled()
            .args(["save", "--new", "--title", "Pooled"])
            .arg(example_path())
            .assert()
            .success(),
    );
    let id = record["id"].as_str().unwrap().to_string();
    pooled().args(["get", &id]).assert().success();
    pooled()
        .args(["save", &id, "--match-score", "70"])
        .assert()
        .success();
    pooled()
        .args(["set-qa", &id, "--coverage", "80"])
        .assert()
        .success();
    pooled().args(["history", &id]).assert().success();
    pooled().args(["diff", &id]).assert().success();
    pooled()
        .args(["restore", &id, "--version", "1"])
        .assert()
        .success();
    pooled()
        .args(["list", "--search", "Pooled"])
        .assert()
        .success();
    pooled()
        .args(["export", &id, "--to", "md", "-o", "-"])
        .assert()
        .success();
    pooled()
        .env("EDITOR", "true")
        .args(["edit", &id])
        .assert()
        .success();
    pooled()
        .args(["save", "--ndjson", "-"])
        .write_stdin(json!({"structured_output": example()}).to_string())
        .assert()
        .success();

    // 200 writes from two parallel runs, through a pool of two server connections.
    let lines: String = (0..100)
        .map(|score| format!("{}\n", json!({"id": id, "match_score": score})))
        .collect();
    let file = env.write("writes.ndjson", lines);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            env.process()
                .env("DATABASE_URL", &pooler.url)
                .args(["save", "--ndjson"])
                .arg(&file)
                .output()
                .unwrap()
        })
        .collect::<Vec<_>>();
    for run in &runs {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(run.status.success(), "{text}");
        assert!(!text.contains("prepared statement"), "{text}");
    }
    let versions: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resume_versions WHERE resume_id = '{id}'"
    ));
    assert_eq!(versions, 4 + 200);
    assert!(
        !pooler.log().contains("prepared statement"),
        "{}",
        pooler.log()
    );
    pooled().args(["delete", &id, "--yes"]).assert().success();
}

#[test]
fn tls_require_and_verify_full_connect_and_a_wrong_ca_or_host_fails_clearly() {
    if !require_tool("openssl", "openssl", "TLS test") {
        return;
    }
    let server = TlsServer::start();
    let env = TestEnv::empty();
    let run = |url: &str| {
        let mut command = env.cmd();
        command
            .env("DATABASE_URL", url)
            .args(["migrate", "status"])
            .timeout(Duration::from_secs(30));
        command.assert()
    };
    let ca = server.ca.display().to_string();
    // Not migrated: status answers 7 "not up to date", but only after connecting.
    let connected = |assert: assert_cmd::assert::Assert| {
        let message = error_message(&assert.exits(Exit::Database));
        assert!(message.contains("not up to date"), "{message}");
    };
    connected(run(&server.url("localhost", "sslmode=require")));
    connected(run(&server.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    )));

    let wrong_ca = run(&server.url(
        "localhost",
        &format!(
            "sslmode=verify-full&sslrootcert={}",
            server.other_ca.display()
        ),
    ))
    .exits(Exit::Database);
    let message = error_message(&wrong_ca);
    assert!(message.contains("TLS"), "{message}");
    assert!(message.contains("certificate"), "{message}");

    let wrong_host = run(&server.url(
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ))
    .exits(Exit::Database);
    let message = error_message(&wrong_host);
    assert!(message.contains("TLS"), "{message}");
    assert!(message.contains("127.0.0.1"), "{message}");

    // channel_binding is not supported by the driver: said on stderr, not silently.
    let bound = run(&server.url("localhost", "sslmode=require&channel_binding=require"));
    let stderr = stderr_text(&bound);
    assert!(stderr.contains("channel_binding"), "{stderr}");

    // TLS required of a server without it.
    let plain = env.url.clone() + "?sslmode=require";
    let refused = run(&plain).exits(Exit::Database);
    assert!(
        error_message(&refused).contains("TLS"),
        "{}",
        error_message(&refused)
    );
}

#[test]
fn statement_timeout_ends_a_write_stuck_behind_a_lock_with_a_clear_message() {
    let env = TestEnv::migrated();
    let id = env.create_record("Locked");
    let lock_holder = env.hold_row(&id);
    let before = env.table_snapshot();
    let started = Instant::now();
    let assert = env
        .cmd()
        .args([
            "save",
            &id,
            "--match-score",
            "5",
            "--statement-timeout",
            "1",
        ])
        .timeout(Duration::from_secs(30))
        .assert()
        .exits(Exit::Database);
    assert!(started.elapsed() < Duration::from_secs(20));
    let message = error_message(&assert);
    assert!(message.contains("statement timeout"), "{message}");
    assert!(message.contains("--statement-timeout"), "{message}");
    drop(lock_holder);
    assert_eq!(env.table_snapshot(), before);
}

fn saved_back(env: &TestEnv, document: &Value) -> Value {
    let file = env.write("big.json", document.to_string());
    let record = json_stdout(
        &env.cmd()
            .args(["save", "--new", "--title", "Big"])
            .arg(&file)
            .timeout(Duration::from_secs(120))
            .assert()
            .success(),
    );
    let id = record["id"].as_str().unwrap();
    env.json(&["get", id, "--field", "structured_output"])
}

#[test]
fn inputs_near_the_limits_are_accepted_or_refused_clearly() {
    let env = TestEnv::migrated();
    // 10,000 bullets.
    let mut bullets = example();
    let many: Vec<String> = (0..10_000).map(|n| format!("Bullet number {n}")).collect();
    bullets["resume_json"]["experience"][0]["bullets"] = json!(many);
    bullets["ui"]["work_experience"]["items"][0]["bullets"]["primary"] = json!(many);
    assert_eq!(saved_back(&env, &bullets), bullets);

    // 100 levels of nesting in an unknown extra key.
    let mut nested = json!("bottom");
    for _ in 0..100 {
        nested = json!({ "level": nested });
    }
    let mut deep = example();
    deep["x_extra"] = nested;
    assert_eq!(saved_back(&env, &deep), deep);

    // A long string (4 MiB), and a document of about 10 MB.
    let long = example_with("/targeting/summary", json!("x".repeat(4 << 20)));
    assert_eq!(saved_back(&env, &long), long);
    let mut ten = example();
    ten["x_padding"] = json!(
        (0..105_000)
            .map(|n| format!("{n:0>95}"))
            .collect::<Vec<_>>()
    );
    assert!(ten.to_string().len() > 10_000_000);
    assert_eq!(saved_back(&env, &ten), ten);

    // Past the limits: refused with a message naming the limit, nothing written.
    let before = env.table_snapshot();
    let refused_with = |name: &str, document: &Value, expected: &str| {
        let file = env.write(name, document.to_string());
        let assert = env
            .cmd()
            .args(["save", "--new", "--title", "t"])
            .arg(&file)
            .assert()
            .exits(Exit::InvalidInput);
        let message = error_message(&assert);
        assert!(message.contains(expected), "{name}: {message}");
    };
    let mut too_deep = json!(1);
    for _ in 0..200 {
        too_deep = json!([too_deep]);
    }
    let mut deeper = example();
    deeper["x_extra"] = too_deep;
    refused_with("deep.json", &deeper, "nesting deeper than 128");
    let mut huge = example();
    huge["x_padding"] = json!("y".repeat(17 << 20));
    refused_with("huge.json", &huge, "input limit of 16 MiB");
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn many_large_rows_over_tls_arrive_intact() {
    if !require_tool("openssl", "openssl", "TLS test") {
        return;
    }
    let server = TlsServer::start();
    let env = TestEnv::empty();
    let url = server.url("localhost", "sslmode=require");
    let cmd = || {
        let mut command = env.cmd();
        command
            .env("DATABASE_URL", &url)
            .timeout(Duration::from_secs(120));
        command
    };
    cmd().arg("migrate").assert().success();
    // Each document is larger than the connection's 8 KiB read buffer, and one connection
    // reads them all, one after another: the buffer grows and shrinks between reads.
    let mut document = example();
    let mut lines = String::new();
    for line in 1..=40 {
        document["analysis"]["job_title"] = json!(format!("Job {line}"));
        lines.push_str(&json!({ "structured_output": document }).to_string());
        lines.push('\n');
    }
    let file = env.write("batch.ndjson", lines);
    cmd()
        .args(["save", "--ndjson", "--jobs", "1"])
        .arg(&file)
        .assert()
        .success();
    let measured = json_lines(&cmd().args(["qa", "--all"]).assert().success());
    assert_eq!(measured.len(), 41, "40 documents and the summary");
    let ids: Vec<String> = measured[..40]
        .iter()
        .map(|line| line["id"].as_str().unwrap().to_string())
        .collect();
    for id in ids.iter().take(5) {
        let record = json_stdout(&cmd().args(["get", id]).assert().success());
        let title = record["structured_output"]["analysis"]["job_title"].clone();
        let mut expected = example();
        expected["analysis"]["job_title"] = title;
        assert_eq!(record["structured_output"], expected);
    }
}
