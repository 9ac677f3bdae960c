//! `list`: scoped to the user, search, --contains through the GIN index, --all-users.

mod common;

use common::*;
use serde_json::{Value, json};

fn ids(listing: &Value) -> Vec<String> {
    listing
        .as_array()
        .expect("list prints a JSON array")
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_shows_only_the_users_records_newest_first() {
    let env = TestEnv::migrated();
    let first = env.create_record("First");
    let second = env.create_record("Second");
    env.create_record_as(OTHER_USER, "Bob's", &example());
    let listing = env.json(&["list"]);
    assert_eq!(ids(&listing), vec![second.clone(), first]);
    let row = &listing[0];
    assert_eq!(row["title"], "Second");
    assert_eq!(row["version"], 1);
    assert_eq!(
        row["keyword_coverage"],
        example()["qa"]["scores"]["keyword_coverage_0_to_100"]
    );
    assert!(row.get("user_id").is_none(), "no user column: {row}");
}

#[test]
fn search_matches_title_and_plain_text_case_insensitively_and_literally() {
    let env = TestEnv::migrated();
    let by_title = env.create_record("Platform Engineer at ACME");
    let other = env.create_record("Something else");
    env.run_with(
        &["save", &other, "--optimized-content", "-"],
        "Worked at Acme Corp on 100% uptime",
    )
    .success();
    let plain = env.create_record("Third");
    let listing = env.json(&["list", "--search", "acme"]);
    let mut found = ids(&listing);
    found.sort();
    let mut expected = vec![by_title, other.clone()];
    expected.sort();
    assert_eq!(found, expected);
    // % is a character to find, not a wildcard.
    assert_eq!(ids(&env.json(&["list", "--search", "100%"])), vec![other]);
    let none = env.json(&["list", "--search", "1_0"]);
    assert!(ids(&none).is_empty(), "{none}");
    assert!(!ids(&listing).contains(&plain));
}

#[test]
fn contains_finds_documents_by_their_contents() {
    let env = TestEnv::migrated();
    let skill = |name: &str| example_with("/analysis/must_have_skills", json!([name]));
    let kafka = env.save(&skill("Kafka"));
    env.save(&skill("Rust"));
    env.create_record_as(OTHER_USER, "Bob's Kafka", &skill("Kafka"));
    let listing = env.json(&[
        "list",
        "--contains",
        r#"{"analysis":{"must_have_skills":["Kafka"]}}"#,
    ]);
    assert_eq!(ids(&listing), vec![kafka]);
}

#[test]
fn all_users_adds_the_user_column_and_says_so_on_stderr() {
    let env = TestEnv::migrated();
    env.create_record("Alice's");
    env.create_record_as(OTHER_USER, "Bob's", &example());
    // Support staff need no user id of their own for it.
    let assert = env
        .cmd()
        .env_remove("RESUMECTL_USER")
        .args(["list", "--all-users"])
        .assert()
        .success();
    let listing = json_stdout(&assert);
    let mut users: Vec<&str> = listing
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["user_id"].as_str().unwrap())
        .collect();
    users.sort();
    assert_eq!(users, vec![USER, OTHER_USER]);
    let stderr = stderr_text(&assert);
    assert!(stderr.contains("every user"), "{stderr}");
}

#[test]
fn pages_follow_limit_and_offset() {
    let env = TestEnv::migrated();
    for title in ["a", "b", "c"] {
        env.create_record(title);
    }
    let all = ids(&env.json(&["list"]));
    let first = env.run(&["list", "--limit", "2"]).success();
    assert_eq!(ids(&json_stdout(&first)), all[..2]);
    let stderr = stderr_text(&first);
    assert!(stderr.contains("--offset 2"), "{stderr}");
    let second = env.json(&["list", "--limit", "2", "--offset", "2"]);
    assert_eq!(ids(&second), all[2..]);
}

#[test]
fn cursors_page_through_every_record_once_in_order() {
    let env = TestEnv::migrated();
    for title in ["a", "b", "c", "d", "e"] {
        env.create_record(title);
    }
    // Two records without updated_at (the web application's table allows it): listed
    // last, reached by the same cursors.
    env.execute(
        "ALTER TABLE optimized_resumes ALTER COLUMN updated_at DROP NOT NULL; \
         UPDATE optimized_resumes SET updated_at = NULL WHERE title IN ('b', 'd')",
    );
    let all = ids(&env.json(&["list"]));
    assert_eq!(all.len(), 5);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..5 {
        let mut args = vec!["list", "--limit", "2"];
        if let Some(cursor) = &after {
            args.extend(["--after", cursor.as_str()]);
        }
        let out = env.run(&args).success();
        let page = json_stdout(&out);
        seen.extend(ids(&page));
        let notes = stderr_text(&out);
        // The note names the cursor of the page's last record: the same as its field.
        after = match page.as_array().unwrap().last() {
            Some(last) if notes.contains("--after") => {
                let cursor = last["cursor"].as_str().unwrap().to_string();
                assert!(notes.contains(&cursor), "{notes}");
                Some(cursor)
            }
            _ => None,
        };
        if after.is_none() {
            break;
        }
    }
    assert_eq!(seen, all);
    env.run(&["list", "--after", "yesterday/nobody"])
        .exits(Exit::Usage);
    env.run(&["list", "--after", &after_of(&env), "--offset", "1"])
        .exits(Exit::Usage);
}

#[test]
fn cursors_page_through_records_that_share_one_time() {
    // A batch's records share their transaction's updated_at: cursors order them by id.
    let env = TestEnv::migrated();
    for title in ["a", "b", "c", "d", "e", "f", "g"] {
        env.create_record(title);
    }
    env.execute("UPDATE optimized_resumes SET updated_at = '2026-01-01T00:00:00Z'");
    let all = ids(&env.json(&["list"]));
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut args = vec!["list", "--limit", "3"];
        if let Some(cursor) = &after {
            args.extend(["--after", cursor.as_str()]);
        }
        let page = env.json(&args);
        let page = page.as_array().unwrap();
        seen.extend(
            page.iter()
                .map(|row| row["id"].as_str().unwrap().to_string()),
        );
        if page.len() < 3 {
            break;
        }
        after = Some(page[2]["cursor"].as_str().unwrap().to_string());
    }
    assert_eq!(seen, all);
}

fn after_of(env: &TestEnv) -> String {
    env.json(&["list", "--limit", "1"])[0]["cursor"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn bad_list_arguments_are_refused_clearly() {
    let env = TestEnv::migrated();
    for (contains, expected) in [
        ("[\"Kafka\"]", "must be a JSON object"),
        ("{\"a\":1,\"a\":2}", "duplicate key"),
        ("{nope", "--contains"),
    ] {
        let assert = env
            .run(&["list", "--contains", contains])
            .exits(Exit::InvalidInput);
        let message = error_message(&assert);
        assert!(message.contains(expected), "{contains}: {message}");
        assert!(assert.get_output().stdout.is_empty());
    }
    env.run(&["list", "--limit", "0"]).exits(Exit::Usage);
    env.cmd()
        .env_remove("RESUMECTL_USER")
        .arg("list")
        .assert()
        .exits(Exit::NotConfigured);
}

/// 100,000 records of 101 users: `--contains` is answered through the GIN index, and
/// the answer holds the user's matching records and no one else's.
#[test]
fn contains_on_100k_records_uses_the_gin_index_and_stays_in_the_users_records() {
    let env = TestEnv::migrated();
    env.execute(&format!(
        "INSERT INTO optimized_resumes (user_id, original_resume_id, job_analysis_id, title, \
             optimized_content, structured_output, version) \
         SELECT CASE WHEN g % 101 = 0 THEN '{USER}' ELSE 'user-' || (g % 101) END, \
             gen_random_uuid(), gen_random_uuid(), 'Record ' || g, 'text', \
             jsonb_build_object('analysis', jsonb_build_object( \
                 'job_title', 'Job ' || g, \
                 'must_have_skills', jsonb_build_array('skill-' || (g % 997)))), 1 \
         FROM generate_series(1, 100000) g; \
         ANALYZE optimized_resumes;"
    ));
    let filter = r#"{"analysis":{"must_have_skills":["skill-7"]}}"#;
    let plan = env
        .run(&["list", "--explain", "--contains", filter])
        .success();
    let plan = String::from_utf8_lossy(&plan.get_output().stdout).into_owned();
    assert!(
        plan.contains("Bitmap Index Scan on optimized_resumes_structured_output_gin"),
        "the plan does not use the GIN index:\n{plan}"
    );
    let listing = env.json(&["list", "--limit", "10000", "--contains", filter]);
    let expected: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resumes WHERE user_id = '{USER}' \
         AND structured_output @> '{filter}'"
    ));
    assert!(expected > 0);
    assert_eq!(listing.as_array().unwrap().len() as i64, expected);
    let found = ids(&listing);
    let owners: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resumes WHERE id::text = ANY('{{{}}}') \
         AND user_id <> '{USER}'",
        found.join(",")
    ));
    assert_eq!(owners, 0, "another user's record was listed");
}
