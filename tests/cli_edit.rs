//! `edit`: a document changed in $EDITOR, validated, saved as a new version; kept when it
//! cannot be saved.

mod common;

use common::*;
use serde_json::json;

/// The text of the file an edit kept (named at the end of its error message), removed.
fn take_kept_file(message: &str) -> String {
    let path = message.rsplit("kept in ").next().unwrap();
    let text = std::fs::read_to_string(path).expect("the kept file exists");
    std::fs::remove_file(path).unwrap();
    text
}

/// `edit ID` with `editor` as $EDITOR, run to the end.
fn edit(env: &TestEnv, editor: &str, id: &str) -> assert_cmd::assert::Assert {
    env.cmd().env("EDITOR", editor).args(["edit", id]).assert()
}

#[test]
fn edit_saves_a_changed_document_as_a_new_version() {
    let env = TestEnv::migrated();
    let id = env.create_record("edit");
    let script =
        env.editor(r#"sed -i 's/"Senior Data Engineer, Payments"/"Staff Data Engineer"/' "$1""#);
    let record = json_stdout(&edit(&env, &script, &id).success());
    assert_eq!(record["version"], 2);
    assert_eq!(
        record["structured_output"]["targeting"]["target_headline"],
        "Staff Data Engineer"
    );
    assert_eq!(env.history(&id)[1]["note"], "edited");
}

#[test]
fn edit_left_unchanged_or_emptied_saves_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("noop");
    let before = env.state(&id);
    let unchanged = env.editor("true");
    assert_eq!(
        json_stdout(&edit(&env, &unchanged, &id).success())["saved"],
        false
    );
    let emptied = env.editor(": > \"$1\"");
    env.cmd()
        .env("VISUAL", &emptied)
        .args(["edit", &id])
        .assert()
        .success();
    assert_eq!(env.state(&id), before);
}

#[test]
fn edit_reopens_an_invalid_document_with_its_problems_listed() {
    let env = TestEnv::migrated();
    let id = env.create_record("invalid edit");
    // First pass breaks the score; the second sees the problem header and fixes it.
    let script = env.editor(
        r#"if grep -q '^// resumectl' "$1"; then
  grep -q 'keyword_coverage_0_to_100: 140 is greater' "$1"
  sed -i 's/"keyword_coverage_0_to_100": 140/"keyword_coverage_0_to_100": 95/' "$1"
else
  sed -i 's/"keyword_coverage_0_to_100": 88/"keyword_coverage_0_to_100": 140/' "$1"
fi"#,
    );
    assert_eq!(
        json_stdout(&edit(&env, &script, &id).success())["structured_output"]["qa"]["scores"]["keyword_coverage_0_to_100"],
        95
    );
}

#[test]
fn edit_that_stays_invalid_gives_up_keeping_the_text() {
    let env = TestEnv::migrated();
    let id = env.create_record("stubborn");
    let before = env.state(&id);
    let script = env.editor(
        r#"grep -q '^// resumectl' "$1" || sed -i 's/"keyword_coverage_0_to_100": 88/"keyword_coverage_0_to_100": 140/' "$1""#,
    );
    let assert = edit(&env, &script, &id).exits(Exit::InvalidInput);
    assert!(take_kept_file(&error_message(&assert)).contains("140"));
    assert_eq!(env.state(&id), before);
}

#[test]
fn edit_conflicting_with_a_concurrent_save_exits_6_and_keeps_the_edit() {
    let env = TestEnv::migrated();
    let id = env.create_record("conflict");
    let other = env.write(
        "other.json",
        example_with("/targeting/summary", json!("someone else's change")).to_string(),
    );
    // While "the user" edits, another writer saves the same record.
    let script = env.editor(&format!(
        "{} save {id} {} >/dev/null\nsed -i 's/\"Senior Data Engineer, Payments\"/\"Mine\"/' \"$1\"",
        bin_path().display(),
        other.display()
    ));
    let assert = edit(&env, &script, &id).exits(Exit::Conflict);
    let message = error_message(&assert);
    assert!(message.contains("at version 2, not 1"), "{message}");
    assert!(take_kept_file(&message).contains("\"Mine\""));
    assert_eq!(
        env.get(&id)["structured_output"]["targeting"]["summary"],
        "someone else's change"
    );
}

#[test]
fn edit_without_an_editor_or_terminal_is_a_usage_error() {
    let env = TestEnv::migrated();
    let id = env.create_record("no editor");
    env.run(&["edit", &id]).exits(Exit::Usage);
    env.cmd()
        .env("EDITOR", "true")
        .args(["--no-input", "edit", &id])
        .assert()
        .exits(Exit::Usage);
}
