//! `resumectl browse` as a person meets it: the real binary on a pseudo-terminal, its
//! screen read back through a terminal emulator, keys typed, the database checked after.

mod common;

use common::*;
use serde_json::json;

const SMALL: (u16, u16) = (80, 24);

/// Three records, created in this order (the newest is listed first).
fn three(env: &TestEnv) -> [String; 3] {
    ["Alpha analyst", "Beta builder", "Gamma grower"].map(|title| env.create_record(title))
}

fn at(screen: &str, text: &str) -> usize {
    screen
        .find(text)
        .unwrap_or_else(|| panic!("no {text:?} on:\n{screen}"))
}

#[test]
fn the_list_filters_as_typed_opens_a_record_and_q_leaves_the_terminal_restored() {
    let env = TestEnv::migrated();
    three(&env);
    env.create_record_as(OTHER_USER, "Someone else's", &example());
    let mut console = env.console(&["browse"], SMALL, &[]);
    let screen = console.wait_for("Alpha analyst");
    assert!(
        at(&screen, "Gamma grower") < at(&screen, "Alpha analyst"),
        "newest first"
    );
    assert!(
        screen.contains("user user-alice") && screen.contains("Records (3)"),
        "{screen}"
    );
    assert!(
        !screen.contains("Someone else's"),
        "another user's record is not listed"
    );
    console.keys("/");
    console.keys("grow");
    let screen = console.wait_until("only Gamma grower", |screen| {
        screen.contains("Gamma grower") && !screen.contains("Alpha analyst")
    });
    assert!(
        !screen.contains("Beta builder") && screen.contains("/grow"),
        "{screen}"
    );
    console.keys("\r");
    console.keys("\r");
    let screen = console.wait_for("SUMMARY");
    assert!(screen.contains("/grow › Gamma grower › Resume"), "{screen}");
    assert!(
        screen.contains("Jane Doe"),
        "the resume as a person reads it: {screen}"
    );
    console.keys("q");
    console.wait_for("Records");
    console.wait_gone("SUMMARY");
    console.keys("\x1b");
    let screen = console.wait_for("Alpha analyst");
    assert!(
        !screen.contains("/grow"),
        "Esc cleared the filter: {screen}"
    );
    console.keys("q");
    assert_eq!(console.exit_code(), 0);
    assert!(
        console.left_restored(),
        "the alternate screen left, the cursor shown"
    );
}

#[test]
fn history_shows_actor_and_note_and_enter_diffs_a_version_against_the_current() {
    let env = TestEnv::migrated();
    let id = env.create_record("Diffed");
    let changed = example_with("/resume_json/headline", json!("Principal Data Engineer"));
    env.cmd()
        .env("RESUMECTL_ACTOR", "agent-7@support")
        .args(["save", &id, "--note", "sharper headline", "-"])
        .write_stdin(changed.to_string())
        .assert()
        .success();
    let mut console = env.console(&["browse"], (120, 40), &[]);
    console.wait_for("Diffed");
    console.keys("\r");
    console.wait_for("SUMMARY");
    console.keys("h");
    let screen = console.wait_for("agent-7@support");
    assert!(
        screen.contains("sharper headline") && screen.contains("created"),
        "{screen}"
    );
    // What each version changed, then its note when it says more.
    assert!(
        screen.contains("headline edited — sharper headline"),
        "{screen}"
    );
    assert!(
        at(&screen, "sharper headline") < at(&screen, "created"),
        "newest first"
    );
    console.keys("\x1b[B");
    console.keys("\r");
    let screen = console.wait_for("changed /resume_json/headline");
    assert!(screen.contains("diff 1 → 2"), "{screen}");
    let old = at(&screen, "- \"Senior Data Engineer, Payments\"");
    assert!(
        old < at(&screen, "+ \"Principal Data Engineer\""),
        "{screen}"
    );
    console.keys("\x1b");
    console.wait_for("sharper headline");
    console.keys("\x03");
    assert_eq!(console.exit_code(), 0, "Ctrl-C quits from anywhere");
    assert!(console.left_restored());
}

#[test]
fn delete_asks_first_n_keeps_the_record_and_y_moves_it_to_the_trash() {
    let env = TestEnv::migrated();
    let [_, id, _] = three(&env);
    let before = env.state(&id);
    let mut console = env.console(&["browse"], SMALL, &[]);
    console.wait_for("Beta builder");
    console.keys("j");
    console.keys("\r");
    console.wait_for("SUMMARY");
    console.keys("D");
    let screen = console.wait_for("Move \"Beta builder\"");
    assert!(
        screen.contains("Beta builder") && screen.contains(&id),
        "names what it deletes: {screen}"
    );
    console.keys("n");
    console.wait_for("cancelled");
    assert_eq!(env.state(&id), before, "n wrote nothing");
    console.keys("D");
    console.wait_for("Move \"Beta builder\"");
    console.keys("y");
    let screen = console.wait_for("moved to the trash");
    assert!(
        screen.contains(&format!("resumectl undelete {id}")),
        "{screen}"
    );
    assert!(
        !screen.contains("Records › Beta builder"),
        "back on the list: {screen}"
    );
    let trashed: i64 = env.sql(&format!(
        "SELECT count(*) FROM resumectl_trash WHERE id = '{id}'"
    ));
    let live: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resumes WHERE id = '{id}'"
    ));
    assert_eq!((trashed, live), (1, 0));
    console.keys("q");
    assert_eq!(console.exit_code(), 0);
}

#[test]
fn read_only_refuses_every_write_key_and_writes_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("Looked at");
    env.save_to(
        &id,
        &example_with("/resume_json/headline", json!("Two")),
        &[],
    )
    .success();
    let before = env.state(&id);
    let editor = env.editor("echo edited >> \"$1\"");
    let mut console = env.console(&["browse", "--read-only"], SMALL, &[("EDITOR", &editor)]);
    let screen = console.wait_for("Looked at");
    assert!(screen.contains("READ-ONLY"), "{screen}");
    for keys in ["D", "e"] {
        console.keys(keys);
        console.wait_for("read-only: started with --read-only");
        assert!(!console.screen().contains("Confirm"));
    }
    console.keys("\r");
    console.wait_for("SUMMARY");
    console.keys("h");
    console.wait_for("created");
    console.keys("\x1b[B");
    for keys in ["r", "D", "e"] {
        console.keys("R");
        console.keys(keys);
        console.wait_for("read-only: started with --read-only");
    }
    console.keys("q");
    console.keys("q");
    assert_eq!(console.exit_code(), 0);
    assert_eq!(env.state(&id), before);
    assert_eq!(env.editor_runs(), 0);
}

#[test]
fn edit_hands_the_terminal_to_the_editor_and_restore_makes_an_old_version_current() {
    let env = TestEnv::migrated();
    let id = env.create_record("Edited here");
    let editor = env.editor("sed -i 's/Senior Data Engineer, Payments/Edited Headline/' \"$1\"");
    let mut console = env.console(
        &["--actor", "desk-1", "browse"],
        SMALL,
        &[("EDITOR", &editor)],
    );
    console.wait_for("Edited here");
    console.keys("\r");
    console.wait_for("SUMMARY");
    console.keys("e");
    console.wait_for("Edit the document in $EDITOR?");
    console.keys("y");
    console.wait_for("saved as version 2");
    console.wait_for("Edited Headline");
    assert_eq!(env.editor_runs(), 1);
    console.keys("h");
    console.wait_for("desk-1");
    console.keys("\x1b[B");
    console.keys("r");
    console.wait_for("Restore version 1 as a new version");
    console.keys("y");
    console.wait_for("restored version 1 as version 3");
    assert_eq!(env.versions(&id), [1, 2, 3]);
    let record = env.get(&id);
    assert_eq!(
        record["structured_output"]["resume_json"]["headline"],
        "Senior Data Engineer, Payments"
    );
    console.keys("q");
    console.keys("q");
    assert_eq!(console.exit_code(), 0);
    assert!(console.left_restored());
}

#[test]
fn the_screen_is_redrawn_at_each_new_size() {
    let env = TestEnv::migrated();
    env.create_record("Resized");
    let mut console = env.console(&["browse"], SMALL, &[]);
    console.wait_for("Resized");
    for (cols, rows) in [(160u16, 48u16), (80, 24), (120, 40)] {
        console.resize(cols, rows);
        let bottom = rows as usize - 1;
        let start = std::time::Instant::now();
        loop {
            let screen = console.screen();
            let lines: Vec<&str> = screen.lines().collect();
            if lines.len() > bottom && lines[bottom].contains("q quit") {
                break;
            }
            assert!(
                start.elapsed().as_secs() < 30,
                "not redrawn at {cols}x{rows}:\n{screen}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    console.keys("q");
    assert_eq!(console.exit_code(), 0);
}

#[test]
fn all_users_lists_everyones_records_with_a_user_column() {
    let env = TestEnv::migrated();
    env.create_record("Mine");
    env.create_record_as(OTHER_USER, "Bob's", &example());
    let mut console = env.console(&["browse", "--all-users"], (120, 40), &[]);
    let screen = console.wait_for("Bob's");
    assert!(
        screen.contains("Mine") && screen.contains(OTHER_USER) && screen.contains("all users"),
        "{screen}"
    );
    console.keys("\r");
    console.wait_for("› Bob's › Resume");
    console.wait_for("SUMMARY");
    console.keys("\x03");
    assert_eq!(console.exit_code(), 0);
}

#[test]
fn sigterm_ends_it_with_143_and_the_terminal_put_back() {
    let env = TestEnv::migrated();
    env.create_record("Terminated");
    let mut console = env.console(&["browse"], SMALL, &[]);
    console.wait_for("Terminated");
    let pid = console.pid();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert_eq!(console.exit_code(), Exit::Terminated.code() as u32);
    assert!(console.left_restored());
}

#[test]
fn without_a_terminal_it_refuses_and_names_list_and_get() {
    let env = TestEnv::migrated();
    let assert = env.run(&["browse"]).exits(Exit::Usage);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("resumectl list") && stderr.contains("resumectl get"),
        "{stderr}"
    );
    assert!(assert.get_output().stdout.is_empty());
}

#[test]
fn a_database_it_cannot_reach_is_the_usual_error_before_the_screen_is_taken() {
    let env = TestEnv::migrated();
    let url = "postgres://nobody:s3cret-word@127.0.0.1:1/none";
    let mut console = env.console(&["browse"], SMALL, &[("DATABASE_URL", url)]);
    assert_eq!(console.exit_code(), Exit::Database.code() as u32);
    let screen = console.screen();
    assert!(
        screen.contains("127.0.0.1:1"),
        "the error names the server: {screen}"
    );
    assert!(
        !screen.contains("s3cret-word"),
        "never the password: {screen}"
    );
    assert!(!console.entered(), "the screen was never taken");
}

#[test]
fn no_color_sends_no_colour_to_the_terminal() {
    let env = TestEnv::migrated();
    env.create_record("Plain");
    for (no_color, coloured) in [(true, false), (false, true)] {
        let extra: &[(&str, &str)] = if no_color { &[("NO_COLOR", "1")] } else { &[] };
        let mut console = env.console(&["browse"], SMALL, extra);
        console.wait_for("Plain");
        console.keys("q");
        assert_eq!(console.exit_code(), 0);
        // A foreground colour is ESC [ 38;... m (or 30-37): none with NO_COLOR.
        let output = console.output();
        let sets_colour = output.contains("\x1b[38;")
            || (30..=37).any(|code| output.contains(&format!("\x1b[{code}m")));
        assert_eq!(sets_colour, coloured, "NO_COLOR={no_color}");
    }
}
