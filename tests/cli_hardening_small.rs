//! Hardening, the smaller defects: what a docx cannot hold, stored documents past the
//! input limits, blank titles and texts, offline commands with a broken configuration, a
//! user id too long for its column, and a terminal that reports no width.

mod common;

use std::io::Read;

use common::*;
use serde_json::json;

#[test]
fn characters_xml_forbids_never_reach_a_docx() {
    let env = TestEnv::migrated();
    let id = env.save(&example_with(
        "/resume_json/experience/0/bullets/0",
        json!("Built\u{fffe} pipelines\u{ffff} and \u{1} more"),
    ));
    env.run(&["export", &id, "--to", "docx", "-o", "cv.docx"])
        .success();
    let file = std::fs::File::open(env.path("cv.docx")).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("Built pipelines and  more") || xml.contains("Built pipelines and more"));
    assert!(!xml.contains(['\u{fffe}', '\u{ffff}', '\u{1}']));
}

#[test]
fn a_stored_document_past_the_input_limits_is_still_read() {
    let env = TestEnv::migrated();
    let id = env.create_record("Stored by the web app");
    env.run(&["save", &id, "--match-score", "50"]).success();
    // What the web application can write and resumectl would refuse as input.
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    env.execute(&format!(
        "UPDATE optimized_resumes SET structured_output = structured_output \
             || jsonb_build_object('x_big', '1e400'::jsonb, 'x_deep', '{deep}'::jsonb)"
    ));
    let got = env.run(&["get", &id]).success();
    let text = String::from_utf8_lossy(&got.get_output().stdout).into_owned();
    assert!(text.contains("1e400") || text.contains("1E+400") || text.contains("10000000000"));
    env.run(&["export", &id, "--to", "md", "-o", "-"]).success();
    env.run(&["--format", "table", "get", &id]).success();
    // Version 2 is the record as it now stands: diff reads it against version 1.
    let diff = env
        .run(&["diff", &id, "--from", "1", "--to", "2"])
        .success();
    let text = String::from_utf8_lossy(&diff.get_output().stdout).into_owned();
    assert!(
        text.contains("/x_deep") && text.contains("/x_big"),
        "{text}"
    );
}

#[test]
fn an_empty_plain_text_file_is_refused_and_nothing_is_written() {
    let env = TestEnv::migrated();
    let id = env.create_record("Text");
    let before = env.table_snapshot();
    let empty = env.write("empty.txt", "");
    let assert = env
        .cmd()
        .args(["save", &id, "--optimized-content"])
        .arg(&empty)
        .assert()
        .exits(Exit::InvalidInput);
    assert!(error_message(&assert).contains("is empty"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_batch_line_whose_job_title_is_blank_is_skipped_not_created_untitled() {
    let env = TestEnv::migrated();
    let document = example_with("/analysis/job_title", json!("   "));
    let path = env.write(
        "blank.ndjson",
        json!({"structured_output": document}).to_string() + "\n",
    );
    let assert = env
        .cmd()
        .args(["save", "--ndjson"])
        .arg(path)
        .assert()
        .exits(Exit::InvalidInput);
    let lines = json_lines(&assert);
    assert_eq!(lines[0]["status"], "skipped");
    assert!(
        lines[0]["error"]["problems"][0]["path"] == "/structured_output/analysis/job_title",
        "{}",
        lines[0]
    );
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 0);
}

#[test]
fn offline_commands_work_despite_a_broken_configuration() {
    let env = TestEnv::empty();
    env.write(".env", "THIS IS NOT A DOTENV LINE ===\n");
    let config = env.write("config.toml", "database_url = [broken");
    for args in [
        vec!["validate"],
        vec!["schema"],
        vec!["completions", "bash"],
    ] {
        let mut command = env.cmd();
        command.env("RESUMECTL_CONFIG", &config).args(&args);
        if args[0] == "validate" {
            command.arg(example_path());
        }
        let assert = command.assert().success();
        // JSON output: the note is a JSON line too.
        let note: serde_json::Value = serde_json::from_str(stderr_text(&assert).trim())
            .unwrap_or_else(|_| panic!("{args:?}: {}", stderr_text(&assert)));
        let said = note["note"].as_str().unwrap_or_default();
        assert!(
            said.starts_with("left out the .env and config files"),
            "{args:?}: {note}"
        );
    }
    // A table's note is a line for people.
    let assert = env
        .cmd()
        .env("RESUMECTL_CONFIG", &config)
        .args(["--format", "table", "schema"])
        .assert()
        .success();
    assert!(
        stderr_text(&assert).starts_with("note: left out the .env and config files"),
        "{}",
        stderr_text(&assert)
    );
    // A command that needs the configuration still refuses it.
    env.cmd()
        .env("RESUMECTL_CONFIG", &config)
        .args(["list"])
        .assert()
        .exits(Exit::NotConfigured);
}

#[test]
fn a_dotenv_with_a_byte_order_mark_is_read() {
    let env = TestEnv::migrated();
    env.create_record_as(OTHER_USER, "Bob's", &example());
    env.write(".env", format!("\u{feff}RESUMECTL_USER={OTHER_USER}\n"));
    let listed = json_stdout(
        &env.cmd()
            .env_remove("RESUMECTL_USER")
            .arg("list")
            .assert()
            .success(),
    );
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_user_id_too_long_for_its_column_is_named_with_the_limit() {
    let env = TestEnv::migrated();
    let assert = env
        .cmd()
        .env("RESUMECTL_USER", "u".repeat(300))
        .args(["save", "--new", "--title", "Too long"])
        .arg(example_path())
        .assert()
        .exits(Exit::InvalidInput);
    let message = error_message(&assert);
    assert!(
        message.contains("user id") && message.contains("at most 255"),
        "{message}"
    );
}

#[test]
fn a_terminal_that_reports_no_width_gets_an_80_column_table() {
    let env = TestEnv::migrated();
    let id = env.create_record("A title long enough to be worth wrapping in a table");
    let output = env.pty("stty cols 0", &["--format", "table", "list"]).run();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains(&id), "the id is on one line: {screen}");
    assert!(
        screen.lines().all(|line| line.chars().count() <= 80),
        "{screen}"
    );
}
