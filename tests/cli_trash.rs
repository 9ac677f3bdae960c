//! Delete that can be undone: `delete` moves a record (with its history and export notes)
//! to the trash, `undelete` puts it back exactly, `delete --permanent` and `trash purge`
//! remove for good; every step scoped by the user.

mod common;

use common::*;
use serde_json::Value;

/// The trash's row of `id`, as JSON text ("" when it is not there).
fn trashed(env: &TestEnv, id: &str) -> String {
    env.sql::<Option<String>>(&format!(
        "SELECT (SELECT to_jsonb(t)::text FROM resumectl_trash t WHERE id = '{id}')"
    ))
    .unwrap_or_default()
}

fn trash_ids(env: &TestEnv, args: &[&str]) -> Vec<String> {
    env.json(&[&["trash", "list"], args].concat())
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn delete_moves_to_the_trash_and_undelete_puts_back_the_record_its_history_and_exports() {
    let env = TestEnv::migrated();
    let id = env.create_record("Kept in the trash");
    env.run(&["set-qa", &id, "--coverage", "70"]).success();
    env.run(&["export", &id, "--to", "md"]).success();
    let before = env.state(&id);
    assert!(before.contains("resumectl_exports"), "{before}");

    let assert = env
        .run(&["--actor", "ana", "delete", &id, "--yes"])
        .success();
    let output = json_stdout(&assert);
    assert_eq!(output["deleted"][0], id.as_str());
    assert_eq!(output["permanent"], false);
    let note: Value = serde_json::from_str(stderr_text(&assert).trim()).unwrap();
    assert!(
        note["note"]
            .as_str()
            .unwrap()
            .contains(&format!("resumectl undelete {id}")),
        "{note}"
    );
    env.run(&["get", &id]).exits(Exit::NotFound);
    assert_eq!(
        env.sql::<i64>(&format!(
            "SELECT count(*) FROM optimized_resume_versions WHERE resume_id = '{id}'"
        )),
        0
    );
    let listed = env.json(&["trash", "list"]);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["title"], "Kept in the trash");
    assert_eq!(listed[0]["version"], 2);
    assert_eq!(listed[0]["actor"], "ana");
    assert!(listed[0]["deleted_at"].is_string());

    let back = env.json(&["--actor", "bea", "undelete", &id]);
    assert_eq!(back["id"], id.as_str());
    assert_eq!(back["version"], 2);
    assert_eq!(env.state(&id), before, "not put back exactly");
    // Out of the trash; who put it back is kept, without a copy of the record.
    assert!(trash_ids(&env, &[]).is_empty());
    let marker = env.json(&["trash", "list", "--undeleted"]);
    assert_eq!(marker[0]["id"], id.as_str());
    assert_eq!(marker[0]["actor"], "ana");
    assert_eq!(marker[0]["undeleted_by"], "bea");
    assert!(marker[0]["undeleted_at"].is_string());
    assert_eq!(
        env.sql::<String>(&format!(
            "SELECT record::text FROM resumectl_trash WHERE id = '{id}'"
        )),
        "null"
    );
    let again = env.run(&["undelete", &id]).exits(Exit::NotFound);
    assert!(error_message(&again).contains("already undeleted"));
    // History works on it as before.
    env.run(&["diff", &id, "--from", "1", "--to", "2"])
        .success();
    let restored = env.json(&["restore", &id, "--version", "1"]);
    assert_eq!(restored["version"], 3);
}

#[test]
fn undelete_is_only_for_the_owner_and_never_over_a_live_record() {
    let env = TestEnv::migrated();
    let id = env.create_record("Alice's");
    env.run(&["delete", &id, "--yes"]).success();
    let in_trash = trashed(&env, &id);
    // Another user cannot put it back, nor see it in their trash.
    let bob = |args: &[&str]| {
        env.cmd()
            .env("RESUMECTL_USER", OTHER_USER)
            .args(args)
            .assert()
    };
    bob(&["undelete", &id]).exits(Exit::NotFound);
    assert!(
        json_stdout(&bob(&["trash", "list"]).success())
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(trashed(&env, &id), in_trash);
    // A live record took its id meanwhile: nothing is undeleted.
    env.execute(&format!(
        "INSERT INTO optimized_resumes \
         SELECT (jsonb_populate_record(NULL::optimized_resumes, record)).* \
         FROM resumectl_trash WHERE id = '{id}'; \
         UPDATE optimized_resumes SET title = 'squatter' WHERE id = '{id}'"
    ));
    let assert = env.run(&["undelete", &id]).exits(Exit::Conflict);
    assert!(error_message(&assert).contains("a live record has the id"));
    assert_eq!(trashed(&env, &id), in_trash);
    assert_eq!(env.get(&id)["title"], "squatter");
    // An id live under another user says nothing of that user: not in this one's trash.
    let bobs = env.create_record_as(OTHER_USER, "Bob's", &example());
    env.run(&["undelete", &bobs]).exits(Exit::NotFound);
    // Unknown ids and ids never deleted are not found.
    let unknown = uuid::Uuid::new_v4().to_string();
    env.run(&["undelete", &unknown]).exits(Exit::NotFound);
}

#[test]
fn delete_permanent_removes_for_good_and_asks_first() {
    let env = TestEnv::migrated();
    let id = env.create_record("Gone for good");
    env.run(&["delete", &id, "--permanent"]).exits(Exit::Usage);
    assert_eq!(env.get(&id)["id"], id.as_str());
    let output = env.json(&["--actor", "cleo", "delete", &id, "--permanent", "--yes"]);
    assert_eq!(output["permanent"], true);
    // No copy is kept; a marker says who removed it and when.
    assert!(trash_ids(&env, &[]).is_empty());
    let marker = env.json(&["trash", "list", "--purged"]);
    assert_eq!(marker[0]["id"], id.as_str());
    assert_eq!(marker[0]["purged_by"], "cleo");
    assert!(marker[0]["purged_at"].is_string());
    assert_eq!(
        env.sql::<String>(&format!(
            "SELECT record::text || versions::text FROM resumectl_trash WHERE id = '{id}'"
        )),
        "null[]"
    );
    env.run(&["undelete", &id]).exits(Exit::NotFound);
    assert_eq!(env.table_snapshot(), "[]");
}

#[test]
fn trash_list_is_the_users_own_and_all_users_shows_everyones_with_a_user_column() {
    let env = TestEnv::migrated();
    let mine = env.create_record("Mine");
    let theirs = env.create_record_as(OTHER_USER, "Theirs", &example());
    env.run(&["delete", &mine, "--yes"]).success();
    env.cmd()
        .env("RESUMECTL_USER", OTHER_USER)
        .args(["delete", &theirs, "--yes"])
        .assert()
        .success();
    assert_eq!(trash_ids(&env, &[]), vec![mine.clone()]);
    let mut everyone = trash_ids(&env, &["--all-users"]);
    everyone.sort();
    let mut expected = vec![mine.clone(), theirs.clone()];
    expected.sort();
    assert_eq!(everyone, expected);
    let table = env
        .run(&["--format", "table", "trash", "list", "--all-users"])
        .success();
    let shown = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    let header = shown.lines().find(|line| line.contains("title")).unwrap();
    for column in ["id", "version", "deleted", "actor", "user"] {
        assert!(header.contains(column), "{column}: {shown}");
    }
    assert!(
        shown.contains(OTHER_USER) && shown.contains(USER),
        "{shown}"
    );
    let own = env.run(&["--format", "table", "trash", "list"]).success();
    let own = String::from_utf8_lossy(&own.get_output().stdout).into_owned();
    let header = own.lines().find(|line| line.contains("title")).unwrap();
    let columns: Vec<&str> = header
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|cell| !cell.is_empty())
        .collect();
    assert_eq!(
        columns,
        ["id", "title", "version", "deleted", "actor"],
        "{own}"
    );
    assert!(!own.contains(&theirs), "{own}");
}

#[test]
fn trash_purge_removes_only_the_users_records_deleted_before_the_retention() {
    let env = TestEnv::migrated();
    let old = env.create_record("Old");
    let recent = env.create_record("Recent");
    let theirs = env.create_record_as(OTHER_USER, "Theirs, old", &example());
    env.run(&["delete", &old, &recent, "--yes"]).success();
    env.cmd()
        .env("RESUMECTL_USER", OTHER_USER)
        .args(["delete", &theirs, "--yes"])
        .assert()
        .success();
    env.execute(&format!(
        "UPDATE resumectl_trash SET deleted_at = now() - interval '40 days' \
         WHERE id IN ('{old}', '{theirs}')"
    ));
    // Asks first: without a terminal, --yes is needed.
    env.run(&["trash", "purge"]).exits(Exit::Usage);
    assert_eq!(trash_ids(&env, &["--all-users"]).len(), 3);
    // The default retention is 30 days.
    let purged = env.json(&["trash", "purge", "--yes"]);
    assert_eq!(purged["purged"], serde_json::json!([old]));
    let mut left = trash_ids(&env, &["--all-users"]);
    left.sort();
    let mut expected = vec![recent.clone(), theirs.clone()];
    expected.sort();
    assert_eq!(left, expected);
    env.run(&["undelete", &old]).exits(Exit::NotFound);
    let purged = env.json(&["trash", "list", "--purged"]);
    assert_eq!(purged[0]["id"], old.as_str());
    assert!(purged[0]["purged_by"].is_string());
    // Nothing due: nothing asked, nothing purged.
    let none = env.json(&["trash", "purge"]);
    assert_eq!(none["purged"], serde_json::json!([]));
    // A shorter retention reaches the recent one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let purged = env.json(&["trash", "purge", "--older-than", "1s", "--yes"]);
    assert_eq!(purged["purged"], serde_json::json!([recent]));
    assert_eq!(trash_ids(&env, &["--all-users"]), vec![theirs]);
}

#[test]
fn undelete_puts_back_a_row_with_generated_identity_and_later_added_columns() {
    let env = TestEnv::migrated();
    env.execute(
        "ALTER TABLE optimized_resumes \
             ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY, \
             ADD COLUMN shout TEXT GENERATED ALWAYS AS (upper(title)) STORED",
    );
    let id = env.create_record("Shaped");
    let before = env.state(&id);
    env.run(&["delete", &id, "--yes"]).success();
    // A column the web application added while it was in the trash takes its default.
    env.execute("ALTER TABLE optimized_resumes ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT false");
    env.run(&["undelete", &id]).success();
    let after: Value = serde_json::from_str(&env.sql::<String>(&format!(
        "SELECT (to_jsonb(r) - 'flagged')::text FROM optimized_resumes r WHERE id = '{id}'"
    )))
    .unwrap();
    let before_row: Value =
        serde_json::from_str(&before[..before.find("}[").map_or(before.len(), |end| end + 1)])
            .unwrap();
    assert_eq!(after, before_row);
    assert_eq!(after["shout"], "SHAPED");
    assert!(!env.sql::<bool>(&format!(
        "SELECT flagged FROM optimized_resumes WHERE id = '{id}'"
    )));
}

#[test]
fn the_way_back_repeats_a_user_given_as_a_flag() {
    let env = TestEnv::migrated();
    let id = env.create_record_as("ana o'hara", "Quoted", &example());
    let assert = env
        .cmd()
        .env_remove("RESUMECTL_USER")
        .args(["--user", "ana o'hara", "delete", &id, "--yes"])
        .assert()
        .success();
    let note: Value = serde_json::from_str(stderr_text(&assert).trim()).unwrap();
    let said = note["note"].as_str().unwrap();
    let command = said.split('`').nth(1).unwrap_or_else(|| panic!("{said}"));
    assert_eq!(
        command,
        format!("resumectl --user 'ana o'\\''hara' undelete {id}")
    );
    // As it is said, it works (run through a shell, as a person would paste it).
    let script = command.replacen("resumectl", &bin_path().display().to_string(), 1);
    let output = env.program("sh").args(["-c", &script]).output().unwrap();
    Exit::Success.of_output(&output);
}
