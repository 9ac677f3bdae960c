//! Bounds on time and memory (issue 19): every read ends under the statement timeout
//! behind a table lock, directly and through PgBouncer; settings files that never end are
//! refused; `--jq` streams its results; `migrate` says its schema checks in one line; a
//! batch interrupted after its reading says so.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::servers::{Pooler, require_tool};
use common::*;
use serde_json::json;
use sqlx::Connection;

/// Holds `LOCK TABLE optimized_resumes IN ACCESS EXCLUSIVE MODE` in an open transaction
/// of `url`: every statement that reads the table waits. The lock goes with the
/// returned connection.
fn lock_table(url: &str) -> sqlx::PgConnection {
    let mut holder = block_on(sqlx::PgConnection::connect(url)).unwrap();
    block_on(
        sqlx::raw_sql("BEGIN; LOCK TABLE optimized_resumes IN ACCESS EXCLUSIVE MODE")
            .execute(&mut holder),
    )
    .unwrap();
    holder
}

/// Runs `args` with a one-second statement timeout against `url` while the table is
/// locked, and checks that it ends with exit 7, saying why and naming the setting.
fn ends_under_the_timeout(env: &TestEnv, url: &str, args: &[&str]) {
    let holder = lock_table(&env.url);
    let started = Instant::now();
    let assert = env
        .cmd()
        .env("DATABASE_URL", url)
        .args(["--statement-timeout", "1"])
        .args(args)
        .timeout(Duration::from_secs(60))
        .assert()
        .exits(Exit::Database);
    let took = started.elapsed();
    drop(holder);
    assert!(took < Duration::from_secs(30), "{args:?} took {took:?}");
    let message = error_message(&assert);
    assert!(message.contains("statement timeout"), "{args:?}: {message}");
    assert!(
        message.contains("--statement-timeout"),
        "{args:?}: {message}"
    );
}

fn with_record() -> (TestEnv, String) {
    let env = TestEnv::migrated();
    let id = env.create_record("Locked");
    (env, id)
}

#[test]
fn get_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    ends_under_the_timeout(&env, &env.url, &["get", &id]);
}

#[test]
fn get_field_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    ends_under_the_timeout(&env, &env.url, &["get", &id, "--field", "title"]);
}

#[test]
fn history_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    ends_under_the_timeout(&env, &env.url, &["history", &id]);
}

#[test]
fn diff_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    env.run(&["save", &id, "--match-score", "40"]).success();
    ends_under_the_timeout(&env, &env.url, &["diff", &id, "--from", "1", "--to", "2"]);
}

#[test]
fn list_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, _) = with_record();
    ends_under_the_timeout(&env, &env.url, &["list"]);
}

#[test]
fn export_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    let target = env.path("out.txt");
    ends_under_the_timeout(
        &env,
        &env.url,
        &["export", &id, "--to", "txt", "-o", target.to_str().unwrap()],
    );
    assert!(!target.exists(), "nothing is written when the read fails");
}

#[test]
fn qa_behind_a_table_lock_ends_at_the_statement_timeout() {
    let (env, id) = with_record();
    ends_under_the_timeout(&env, &env.url, &["qa", &id]);
}

#[test]
fn completion_behind_a_table_lock_offers_nothing_within_a_second_or_so() {
    let (env, _) = with_record();
    let holder = lock_table(&env.url);
    let started = Instant::now();
    let output = env
        .process()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .args(["--", "resumectl", "get", ""])
        .output()
        .unwrap();
    let took = started.elapsed();
    drop(holder);
    assert!(took < Duration::from_secs(10), "completion took {took:?}");
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn reads_through_pgbouncer_in_transaction_mode_end_at_the_timeout_and_leak_no_setting() {
    if !require_tool("pgbouncer", "pgbouncer", module_path!()) {
        return;
    }
    let (env, id) = with_record();
    let pooler = Pooler::start(&admin_url(), &env.name);
    ends_under_the_timeout(&env, &pooler.url, &["get", &id]);
    ends_under_the_timeout(&env, &pooler.url, &["list"]);
    // The timeout was the transaction's own: the pool's server connections, which other
    // clients get next, still have the server's default.
    for _ in 0..4 {
        env.cmd()
            .env("DATABASE_URL", &pooler.url)
            .args(["--statement-timeout", "7", "get", &id])
            .assert()
            .success();
    }
    let url = pooler.url.clone();
    let seen: Vec<String> = block_on(async move {
        let mut seen = Vec::new();
        let mut clients = Vec::new();
        // PgBouncer refuses the startup parameter sqlx sends by default.
        let options = url
            .parse::<sqlx::postgres::PgConnectOptions>()
            .unwrap()
            .extra_float_digits(None);
        // The pool holds two server connections: two clients in a transaction each see
        // both.
        for _ in 0..2 {
            let mut client = sqlx::PgConnection::connect_with(&options).await.unwrap();
            sqlx::raw_sql("BEGIN").execute(&mut client).await.unwrap();
            let value: String = sqlx::query_scalar("SHOW statement_timeout")
                .fetch_one(&mut client)
                .await
                .unwrap();
            seen.push(value);
            clients.push(client);
        }
        seen
    });
    assert_eq!(seen, vec!["0", "0"], "{}", pooler.log());
}

#[test]
fn a_dotenv_linked_to_dev_zero_is_refused_naming_the_file() {
    let env = TestEnv::migrated();
    std::os::unix::fs::symlink("/dev/zero", env.path(".env")).unwrap();
    let assert = env
        .cmd()
        .arg("list")
        .timeout(Duration::from_secs(30))
        .assert()
        .exits(Exit::NotConfigured);
    let message = error_message(&assert);
    assert!(message.contains(".env"), "{message}");
    assert!(message.contains("not a regular file"), "{message}");
}

#[test]
fn a_dotenv_fifo_is_refused_and_completion_does_not_hang_on_it() {
    let env = TestEnv::migrated();
    let made = env.program("mkfifo").arg(env.path(".env")).status();
    assert!(made.unwrap().success());
    let assert = env
        .cmd()
        .arg("list")
        .timeout(Duration::from_secs(30))
        .assert()
        .exits(Exit::NotConfigured);
    let message = error_message(&assert);
    assert!(message.contains(".env"), "{message}");
    assert!(message.contains("FIFO"), "{message}");

    let started = Instant::now();
    let mut child = env
        .process()
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .args(["--", "resumectl", "get", ""])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("completion hung on a FIFO .env");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_oversized_config_file_is_refused_naming_it() {
    let env = TestEnv::migrated();
    let config = env.write("big.toml", "# padding\n".repeat(200_000));
    let assert = env
        .cmd()
        .env("RESUMECTL_CONFIG", &config)
        .arg("list")
        .assert()
        .exits(Exit::NotConfigured);
    let message = error_message(&assert);
    assert!(message.contains("big.toml"), "{message}");
    assert!(message.contains("larger than"), "{message}");
}

/// Runs `get ID --jq FILTER`, reads `lines` lines of its output, then closes the pipe:
/// the command must end by itself, quietly (a closed stdout is a success).
fn jq_stops_when_the_reader_does(filter: &str, lines: usize) {
    let (env, id) = with_record();
    let mut child = env.spawn(&["get", &id, "--jq", filter]);
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        for _ in 0..lines {
            line.clear();
            reader.read_line(&mut line).unwrap();
        }
        line
    });
    let started = Instant::now();
    while !reader.is_finished() {
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("--jq '{filter}' printed nothing in 20 s: it collects before printing");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let last = reader.join().unwrap();
    assert!(!last.trim().is_empty(), "{filter}: {last:?}");
    // The reader is gone (its end of the pipe closed): the next write fails.
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("--jq '{filter}' went on after its reader closed the pipe");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Exit::Success.of(&status);
}

#[test]
fn jq_with_endless_results_streams_them_and_stops_at_a_closed_pipe() {
    jq_stops_when_the_reader_does("repeat(1)", 1);
}

#[test]
fn jq_with_a_trillion_results_streams_them_in_bounded_memory() {
    jq_stops_when_the_reader_does("range(1e12)", 10_000);
}

#[test]
fn migrate_says_its_schema_checks_in_one_line_and_lists_them_with_verbose() {
    let env = TestEnv::migrated();
    // The table a run prints, once it exited as expected.
    let table = |args: &[&str], exit: Exit| {
        let assert = env
            .run(&[&["--format", "table"], args].concat())
            .exits(exit);
        String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
    };
    let out = table(&["migrate"], Exit::Success);
    let summary = out
        .lines()
        .find(|line| line.ends_with("schema checks pass"))
        .unwrap_or_else(|| panic!("no summary line: {out}"));
    let (passing, total) = summary
        .split_once(" of ")
        .map(|(passing, rest)| (passing.to_string(), rest.split(' ').next().unwrap()))
        .unwrap();
    assert_eq!(passing, total, "{out}");
    assert!(!out.contains("schema check "), "rows printed: {out}");
    // The migrations' table, the summary, how a search is served and "up to date".
    assert!(out.lines().count() <= 16, "{out}");

    let verbose = table(&["migrate", "status", "--verbose"], Exit::Success);
    let rows = verbose
        .lines()
        .filter(|line| line.contains("┆ yes"))
        .count();
    assert_eq!(rows.to_string(), total, "{verbose}");

    // A failing check shows its row, and only that one.
    let index: String = env.sql(
        "SELECT indexname::text FROM pg_indexes WHERE tablename = 'optimized_resumes' \
         AND indexname <> 'optimized_resumes_pkey' AND indexdef NOT LIKE '%gin_trgm_ops%' \
         ORDER BY indexname LIMIT 1",
    );
    env.execute(&format!("DROP INDEX {index}"));
    let out = table(&["migrate", "status"], Exit::Database);
    assert!(!out.contains("┆ yes"), "{out}");
    assert_eq!(
        out.lines()
            .filter(|line| line.contains("schema check "))
            .count(),
        1
    );
    assert!(out.contains("NOT up to date"), "{out}");
}

#[test]
fn a_batch_interrupted_after_its_reading_says_so_not_after_line_0() {
    let env = TestEnv::migrated();
    let id = env.create_record("Held");
    // Hold the record's row: the atomic batch's last line waits behind it, after every
    // line was read and checked.
    let holder = env.hold_row(&id);
    let mut child = env
        .process()
        .args([
            "--statement-timeout",
            "0",
            "save",
            "--ndjson",
            "--atomic",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let new = json!({"structured_output": example()}).to_string();
    writeln!(
        stdin,
        "{new}\n{new}\n{}",
        json!({"id": id, "match_score": 12})
    )
    .unwrap();
    drop(stdin);
    env.wait_for_a_lock_wait();
    let killed = env
        .program("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    drop(holder);
    Exit::Terminated.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    let message = error["error"]["message"].as_str().unwrap();
    assert!(!message.contains("after line 0"), "{message}");
    assert!(
        message.contains("after the whole of <stdin> was read (3 lines)"),
        "{message}"
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn a_refused_dotenv_replaced_by_a_regular_file_is_read() {
    // A refused .env leaves nothing behind: once it is a regular file, it is read.
    let env = TestEnv::migrated();
    std::os::unix::fs::symlink("/dev/zero", env.path(".env")).unwrap();
    env.run(&["list"]).exits(Exit::NotConfigured);
    std::fs::remove_file(env.path(".env")).unwrap();
    let mut file = std::fs::File::create(env.path(".env")).unwrap();
    writeln!(file, "RESUMECTL_USER=someone-else").unwrap();
    env.cmd()
        .env_remove("RESUMECTL_USER")
        .arg("list")
        .assert()
        .success();
}
