//! `delete`: confirmation rules, all-or-nothing, ownership.

mod common;

use common::*;

#[test]
fn delete_without_a_terminal_and_without_yes_refuses() {
    let env = TestEnv::migrated();
    let id = env.create_record("keep me");
    let assert = env.run(&["delete", &id]).exits(Exit::Usage);
    assert!(stderr_text(&assert).contains("--yes"));
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn delete_yes_deletes_every_given_record() {
    let env = TestEnv::migrated();
    let first = env.create_record("one");
    let second = env.create_record("two");
    let kept = env.create_record("three");
    let output = env.json(&["delete", "--yes", &first, &second]);
    let deleted: Vec<&str> = output["deleted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(deleted.contains(&first.as_str()) && deleted.contains(&second.as_str()));
    assert_eq!(
        env.sql::<String>("SELECT id::text FROM optimized_resumes"),
        kept
    );
}

#[test]
fn delete_with_one_unknown_id_deletes_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("stays");
    let unknown = uuid::Uuid::new_v4().to_string();
    let assert = env
        .run(&["delete", "--yes", &id, &unknown])
        .exits(Exit::NotFound);
    let text = stderr_text(&assert);
    assert!(
        text.contains(&unknown) && text.contains("nothing was deleted"),
        "{text}"
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn ci_true_turns_prompts_off() {
    let env = TestEnv::migrated();
    let id = env.create_record("ci");
    env.cmd()
        .env("CI", "true")
        .args(["delete", &id])
        .assert()
        .exits(Exit::Usage);
    env.run(&["--no-input", "delete", &id]).exits(Exit::Usage);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}
