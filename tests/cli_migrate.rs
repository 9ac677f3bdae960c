//! `migrate` and `migrate status`: idempotent, concurrent-safe, safe over the web
//! application's own table, bounded waits.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use sqlx::{Connection, PgConnection};

#[test]
fn migrate_twice_is_a_no_op_the_second_time() {
    let env = TestEnv::empty();
    let first = env.json(&["migrate"]);
    assert_eq!(
        first["applied_now"].as_array().unwrap().len(),
        first["migrations"].as_array().unwrap().len()
    );
    let second = env.json(&["migrate"]);
    assert_eq!(second["applied_now"], json!([]));
    assert_eq!(second["up_to_date"], true);
}

#[test]
fn status_exits_7_until_migrated_then_0() {
    let env = TestEnv::empty();
    let pending = env.run(&["migrate", "status"]).exits(Exit::Database);
    let report = json_stdout(&pending);
    assert_eq!(report["up_to_date"], false);
    assert_eq!(report["migrations"][0]["state"], "pending");
    assert!(stderr_text(&pending).contains("resumectl migrate"));
    env.run(&["migrate"]).success();
    let done = env.json(&["migrate", "status"]);
    assert!(
        done["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|check| check["ok"] == true)
    );
}

#[test]
fn status_notices_a_missing_index() {
    let env = TestEnv::migrated();
    env.execute("DROP INDEX optimized_resumes_qa_metrics_gin");
    let report = json_stdout(&env.run(&["migrate", "status"]).exits(Exit::Database));
    let failing: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["ok"] == false)
        .map(|check| check["name"].as_str().unwrap())
        .collect();
    assert_eq!(failing, vec!["gin index on optimized_resumes.qa_metrics"]);
}

#[test]
fn concurrent_migrations_apply_each_migration_once() {
    let env = TestEnv::empty();
    let children: Vec<_> = (0..8).map(|_| env.spawn(&["migrate"])).collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let rows: i64 = env.sql("SELECT count(*) FROM _sqlx_migrations");
    let distinct: i64 = env.sql("SELECT count(DISTINCT version) FROM _sqlx_migrations");
    assert_eq!(rows, distinct);
    let gin: i64 = env.sql(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'optimized_resumes' \
         AND indexdef ILIKE '%USING gin (structured_output)%'",
    );
    assert_eq!(gin, 1);
}

/// The web application's own DDL: foreign keys to its users, resumes and job analyses,
/// an extra column, its own index names, TIMESTAMP without time zone, no export_formats.
const WEB_APP_SCHEMA: &str = "
    CREATE TABLE users (id VARCHAR(255) PRIMARY KEY);
    CREATE TABLE resumes (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                          user_id VARCHAR(255) NOT NULL REFERENCES users(id));
    CREATE TABLE job_analyses (id UUID PRIMARY KEY DEFAULT gen_random_uuid());
    CREATE TABLE optimized_resumes (
        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id VARCHAR(255) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        original_resume_id UUID NOT NULL REFERENCES resumes(id) ON DELETE CASCADE,
        job_analysis_id UUID NOT NULL REFERENCES job_analyses(id) ON DELETE CASCADE,
        title VARCHAR(255) NOT NULL,
        optimized_content TEXT NOT NULL,
        optimization_summary JSONB NOT NULL,
        match_score INTEGER CHECK (match_score >= 0 AND match_score <= 100),
        improvements_made TEXT[],
        keywords_added TEXT[],
        skills_highlighted TEXT[],
        template_id VARCHAR(50) DEFAULT 'modern',
        created_at TIMESTAMP DEFAULT NOW(),
        updated_at TIMESTAMP DEFAULT NOW()
    );
    CREATE INDEX idx_optimized_resumes_user_id ON optimized_resumes(user_id);
    ALTER TABLE optimized_resumes ADD COLUMN structured_output JSONB DEFAULT NULL,
                                  ADD COLUMN qa_metrics JSONB DEFAULT NULL;
    CREATE INDEX idx_optimized_resumes_structured_output
        ON optimized_resumes USING GIN (structured_output);
    INSERT INTO users VALUES ('user-alice');
    INSERT INTO resumes (id, user_id) VALUES ('aaaaaaaa-0000-0000-0000-000000000001', 'user-alice');
    INSERT INTO job_analyses (id) VALUES ('bbbbbbbb-0000-0000-0000-000000000001');
    INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, title,
                                   optimized_content, optimization_summary, match_score,
                                   keywords_added, template_id, qa_metrics)
    VALUES ('cccccccc-0000-0000-0000-000000000001', 'user-alice',
            'aaaaaaaa-0000-0000-0000-000000000001', 'bbbbbbbb-0000-0000-0000-000000000001',
            'Made by the web app', 'plain text', '{\"changes\": 3}', 64, ARRAY['sql'],
            'classic', '{\"coverage\": 70}');
";

#[test]
fn migrate_over_the_web_applications_table_adds_only_what_is_missing() {
    let env = TestEnv::empty();
    env.execute(WEB_APP_SCHEMA);
    let row_before: String = env.sql("SELECT to_jsonb(r)::text FROM optimized_resumes r");
    env.run(&["migrate"]).success();
    env.run(&["migrate"]).success();
    env.run(&["migrate", "status"]).success();

    // The existing row, extra column and foreign keys are untouched.
    let row_after: serde_json::Value = serde_json::from_str(
        &env.sql::<String>("SELECT to_jsonb(r)::text FROM optimized_resumes r"),
    )
    .unwrap();
    let row_before: serde_json::Value = serde_json::from_str(&row_before).unwrap();
    for (key, value) in row_before.as_object().unwrap() {
        assert_eq!(&row_after[key], value, "column {key} changed");
    }
    assert!(row_after["export_formats"].is_null());
    let foreign_keys: i64 = env.sql(
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'optimized_resumes'::regclass AND contype = 'f'",
    );
    assert_eq!(foreign_keys, 3);
    // No second GIN index next to the web application's own.
    let structured_indexes: i64 = env.sql(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'optimized_resumes' \
         AND indexdef ILIKE '%(structured_output)%'",
    );
    assert_eq!(structured_indexes, 1);
    let user_indexes: i64 = env.sql(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'optimized_resumes' AND indexdef ILIKE '%(user_id)%'",
    );
    assert_eq!(user_indexes, 1);

    // And resumectl works on it: read, save, and a foreign-key refusal is exit 5.
    let id = "cccccccc-0000-0000-0000-000000000001";
    assert_eq!(env.get(id)["title"], "Made by the web app");
    env.save_to(id, &example(), &[]).success();
    let template: String = env.sql("SELECT template_id FROM optimized_resumes");
    assert_eq!(template, "classic");
    let refused = env
        .cmd()
        .args(["save", "--new", "--title", "orphan"])
        .arg(example_path())
        .assert()
        .exits(Exit::InvalidInput);
    assert!(
        stderr_text(&refused).contains("foreign key"),
        "{}",
        stderr_text(&refused)
    );
    env.cmd()
        .args(["save", "--new", "--title", "linked"])
        .args([
            "--original-resume-id",
            "aaaaaaaa-0000-0000-0000-000000000001",
        ])
        .args(["--job-analysis-id", "bbbbbbbb-0000-0000-0000-000000000001"])
        .arg(example_path())
        .assert()
        .success();
}

#[test]
fn lock_timeout_names_who_holds_the_migration_lock() {
    let env = TestEnv::empty();
    let url = format!("{}?application_name=blocker", env.url);
    let mut holder = block_on(PgConnection::connect(&url)).unwrap();
    block_on(sqlx::query("SELECT pg_advisory_lock(1919251317)").execute(&mut holder)).unwrap();
    let started = Instant::now();
    let assert = env
        .run(&["migrate", "--lock-timeout", "1"])
        .exits(Exit::Database);
    assert!(started.elapsed() < Duration::from_secs(20));
    let message = error_message(&assert);
    assert!(message.contains("application 'blocker'"), "{message}");
    assert!(message.contains("pid "), "{message}");
    assert!(message.contains("--lock-timeout"), "{message}");
    block_on(holder.close()).unwrap();
    env.run(&["migrate", "--lock-timeout", "1"]).success();
}

/// Forwards one port to the real server, so that a test can make the database "come up".
fn forward(listener: TcpListener, target: String) {
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(server) = TcpStream::connect(&target) else {
                return;
            };
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 16384];
                    while let Ok(read) = from.read(&mut buffer) {
                        if read == 0 || to.write_all(&buffer[..read]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
}

#[test]
fn wait_retries_until_the_database_comes_up() {
    let env = TestEnv::empty();
    let url = url::Url::parse(&env.url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    // Reserve a free port, then leave it closed for a while.
    let port = closed_port();
    let mut late_url = url.clone();
    late_url.set_port(Some(port)).unwrap();
    let child = env
        .process()
        .args(["migrate", "--wait", "30"])
        .env("DATABASE_URL", late_url.as_str())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    forward(TcpListener::bind(("127.0.0.1", port)).unwrap(), target);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tables: i64 = env.sql("SELECT count(*) FROM _sqlx_migrations");
    assert!(tables >= 1);
}

#[test]
fn wait_gives_up_with_exit_7() {
    let env = TestEnv::empty();
    let port = closed_port();
    let started = Instant::now();
    let assert = env
        .cmd()
        .env(
            "DATABASE_URL",
            format!("postgres://nobody:pw@127.0.0.1:{port}/db"),
        )
        .args(["migrate", "--wait", "1"])
        .assert()
        .exits(Exit::Database);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(stderr_text(&assert).contains("gave up after --wait"));
}

/// The tables, sequences and indexes in the database: what a dry run must not change.
fn schema_objects(env: &TestEnv) -> i64 {
    env.sql(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public'",
    )
}

#[test]
fn dry_run_prints_the_pending_sql_and_writes_nothing() {
    let env = TestEnv::empty();
    let plan = env.json(&["migrate", "--dry-run"]);
    assert_eq!(plan["dry_run"], true);
    let pending = plan["pending"].as_array().unwrap();
    let versions: Vec<i64> = pending
        .iter()
        .map(|m| m["version"].as_i64().unwrap())
        .collect();
    // Every migration shipped, in order.
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|entry| {
            let name = entry.as_ref().unwrap().file_name();
            name.to_string_lossy().ends_with(".sql")
        })
        .count() as i64;
    assert!(shipped >= 6, "{shipped}");
    assert_eq!(versions, (1..=shipped).collect::<Vec<_>>());
    assert!(
        pending[0]["sql"]
            .as_str()
            .unwrap()
            .contains("CREATE TABLE IF NOT EXISTS optimized_resumes")
    );
    assert_eq!(schema_objects(&env), 0, "a dry run created something");

    // In table mode, a script to read: each migration's SQL under a comment naming it.
    let assert = env
        .run(&["--format", "table", "migrate", "--dry-run"])
        .success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        text.starts_with("-- migration 1: optimized resumes"),
        "{text}"
    );
    assert!(
        text.contains("-- migration 3: history superseded states"),
        "{text}"
    );
    assert_eq!(schema_objects(&env), 0);

    // Once migrated, nothing is pending.
    env.run(&["migrate"]).success();
    let before = schema_objects(&env);
    assert_eq!(env.json(&["migrate", "--dry-run"])["pending"], json!([]));
    let assert = env
        .run(&["--format", "table", "migrate", "--dry-run"])
        .success();
    assert_eq!(
        String::from_utf8_lossy(&assert.get_output().stdout),
        "-- nothing to apply: the database is up to date\n"
    );
    assert_eq!(schema_objects(&env), before);
}

#[test]
fn dry_run_fails_as_migrate_would_on_tables_it_cannot_use() {
    let env = TestEnv::empty();
    // A table of that name the migrations cannot fix: its id is not a UUID.
    env.execute("CREATE TABLE optimized_resumes (id integer PRIMARY KEY, user_id text)");
    let before = schema_objects(&env);
    let dry = env.run(&["migrate", "--dry-run"]).exits(Exit::Database);
    let real = env.run(&["migrate"]).exits(Exit::Database);
    assert_eq!(error_message(&dry), error_message(&real));
    assert_eq!(schema_objects(&env), before);
}

#[test]
fn dry_run_refuses_a_database_migrated_by_a_newer_build_or_left_half_migrated() {
    let env = TestEnv::migrated();
    env.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from a newer build', true, '\\x00', 0)",
    );
    let dry = env.run(&["migrate", "--dry-run"]).exits(Exit::Database);
    assert!(
        error_message(&dry).contains("does not know"),
        "{}",
        error_message(&dry)
    );
    let real = env.run(&["migrate"]).exits(Exit::Database);
    assert_eq!(error_message(&dry), error_message(&real));

    env.execute("UPDATE _sqlx_migrations SET success = false WHERE version = 99");
    let dry = env.run(&["migrate", "--dry-run"]).exits(Exit::Database);
    assert!(
        error_message(&dry).contains("99"),
        "{}",
        error_message(&dry)
    );
}
