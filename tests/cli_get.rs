//! `get`, and the ownership rule every command shares: another user's record is "not
//! found", exactly like a missing one.

mod common;

use common::*;

#[test]
fn get_prints_the_whole_record_as_json() {
    let env = TestEnv::migrated();
    let id = env.create_record("Get me");
    let record = env.get(&id);
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["title"], "Get me");
    assert_eq!(record["structured_output"], example());
    assert!(record["created_at"].is_string());
}

#[test]
fn get_table_format_summarises_the_record() {
    let env = TestEnv::migrated();
    let id = env.create_record("Tabled");
    let assert = env.run(&["--format", "table", "get", &id]).success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(text.contains("Tabled"), "{text}");
    assert!(text.contains("job title: Senior Data Engineer"), "{text}");
}

#[test]
fn get_field_prints_text_columns_raw_and_json_columns_as_json() {
    let env = TestEnv::migrated();
    let id = env.create_record("Field: \"quoted\"");
    let title = env.run(&["get", &id, "--field", "title"]).success();
    assert_eq!(title.get_output().stdout, b"Field: \"quoted\"");
    let score = env.run(&["get", &id, "--field", "match_score"]).success();
    assert_eq!(score.get_output().stdout, b"null\n");
}

#[test]
fn another_users_record_is_not_found_like_a_missing_one() {
    let env = TestEnv::migrated();
    let id = env.create_record_as(OTHER_USER, "Bob's", &example());
    let missing = uuid::Uuid::new_v4().to_string();
    let before = env.table_snapshot();
    let example = example_path().display().to_string();
    for target in [&id, &missing] {
        let get = env.run(&["get", target]).exits(Exit::NotFound);
        assert_eq!(json_error(&get)["error"]["kind"], "not_found");
        env.run(&["save", target, &example]).exits(Exit::NotFound);
        env.run(&["set-qa", target, "--coverage", "1"])
            .exits(Exit::NotFound);
        env.run(&["delete", "--yes", target]).exits(Exit::NotFound);
    }
    // Same words for both, apart from the id.
    let words = |target: &str| {
        stderr_text(&env.run(&["get", target]).exits(Exit::NotFound)).replace(target, "ID")
    };
    assert_eq!(words(&id), words(&missing));
    assert_eq!(
        env.table_snapshot(),
        before,
        "another user's record was changed"
    );
    // Bob still sees his record.
    env.cmd()
        .env("RESUMECTL_USER", OTHER_USER)
        .args(["get", &id])
        .assert()
        .success();
}

#[test]
fn get_with_a_non_uuid_id_is_invalid_input() {
    let env = TestEnv::migrated();
    let assert = env.run(&["get", "42"]).exits(Exit::InvalidInput);
    assert!(stderr_text(&assert).contains("'42' is not a record id"));
}

#[test]
fn get_before_migrating_says_to_migrate() {
    let env = TestEnv::empty();
    let assert = env
        .run(&["get", &uuid::Uuid::new_v4().to_string()])
        .exits(Exit::Database);
    assert!(stderr_text(&assert).contains("resumectl migrate"));
}

#[test]
fn a_closed_stdout_is_a_quiet_success() {
    let env = TestEnv::migrated();
    let id = env.create_record("pipe");
    let mut child = env.spawn(&["get", &id, "--field", "structured_output"]);
    drop(child.stdout.take()); // the reader goes away before anything is written
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn times_without_a_time_zone_read_as_utc_whatever_the_servers_zone() {
    let env = TestEnv::migrated();
    let id = env.create_record("Zoned");
    // The database's own default zone is far from UTC; the web application stored UTC
    // wall-clock times in a TIMESTAMP without time zone.
    env.execute(&format!(
        "ALTER DATABASE {} SET timezone = 'Asia/Kolkata'; \
         ALTER TABLE optimized_resumes ALTER COLUMN created_at TYPE timestamp \
             USING created_at AT TIME ZONE 'UTC'; \
         UPDATE optimized_resumes SET created_at = '2026-01-02 03:04:05' WHERE id = '{id}'",
        env.name
    ));
    let record = env.get(&id);
    assert_eq!(record["created_at"], "2026-01-02T03:04:05Z", "{record}");
    // A write keeps reading it the same way.
    let written = env.json(&["set-qa", &id, "--coverage", "70"]);
    assert_eq!(written["created_at"], "2026-01-02T03:04:05Z", "{written}");
}
