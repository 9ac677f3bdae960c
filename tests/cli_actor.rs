//! Who did what: every write records its actor with the version it makes (`--actor`,
//! RESUMECTL_ACTOR, `.env`, the config file's `actor`, else `<OS user>@<host>`), `history`
//! shows it, and every connection names itself `resumectl` to the server.

mod common;

use common::*;
use serde_json::{Value, json};

/// The actor of each version, oldest first (None: not recorded).
fn actors(env: &TestEnv, id: &str) -> Vec<Option<String>> {
    env.history(id)
        .iter()
        .map(|version| version["actor"].as_str().map(str::to_string))
        .collect()
}

fn as_actor(env: &TestEnv, actor: &str, args: &[&str]) -> Value {
    json_stdout(
        &env.cmd()
            .args(["--actor", actor])
            .args(args)
            .assert()
            .success(),
    )
}

#[test]
fn every_kind_of_write_records_its_actor() {
    let env = TestEnv::migrated();
    let path = example_path().display().to_string();
    let created = as_actor(&env, "creator", &["save", "--new", "--title", "T", &path]);
    let id = created["id"].as_str().unwrap().to_string();
    as_actor(&env, "saver", &["save", &id, &path, "--title", "T2"]);
    as_actor(&env, "qa-setter", &["set-qa", &id, "--coverage", "70"]);
    as_actor(&env, "restorer", &["restore", &id, "--version", "1"]);
    as_actor(&env, "measurer", &["qa", &id, "--write"]);
    let editor = env.editor(r#"sed -i 's/Senior Data Engineer/Staff Data Engineer/' "$1""#);
    env.cmd()
        .env("EDITOR", &editor)
        .args(["--actor", "editor", "edit", &id])
        .assert()
        .success();
    let line = json!({"id": id, "title": "from a batch"}).to_string();
    env.cmd()
        .args(["--actor", "batcher", "save", "--ndjson", "-"])
        .write_stdin(format!("{line}\n"))
        .assert()
        .success();
    env.cmd()
        .args([
            "--actor",
            "atomic-batcher",
            "save",
            "--ndjson",
            "--atomic",
            "-",
        ])
        .write_stdin(format!("{}\n", json!({"id": id, "title": "atomic"})))
        .assert()
        .success();
    let expected = [
        "creator",
        "saver",
        "qa-setter",
        "restorer",
        "measurer",
        "editor",
        "batcher",
        "atomic-batcher",
    ];
    assert_eq!(
        actors(&env, &id),
        expected.map(|actor| Some(actor.to_string())).to_vec()
    );
}

#[test]
fn new_records_of_a_batch_record_its_actor_on_every_connection() {
    let env = TestEnv::migrated();
    let lines: String = (0..12)
        .map(|index| {
            let mut document = example();
            document["targeting"]["summary"] = json!(format!("line {index}"));
            format!(
                "{}\n",
                json!({"title": format!("R{index}"), "structured_output": document})
            )
        })
        .collect();
    env.cmd()
        .args(["--actor", "loader", "save", "--ndjson", "--jobs", "4", "-"])
        .write_stdin(lines)
        .assert()
        .success();
    let recorded: Vec<String> = env.sql::<Vec<String>>(
        "SELECT array_agg(coalesce(actor, '<none>')) FROM optimized_resume_versions",
    );
    assert_eq!(recorded, vec!["loader".to_string(); 12]);
}

#[test]
fn the_actor_comes_from_the_flag_then_the_environment_then_dotenv_then_the_config_file() {
    let env = TestEnv::migrated();
    let id = env.create_record("Precedence");
    let config = env.write("config.toml", "actor = \"from-config\"\n");
    // Each write sets another coverage: a write that changes nothing makes no version.
    let coverage = std::cell::Cell::new(50);
    let write = |flag: Option<&str>, variable: Option<&str>| {
        coverage.set(coverage.get() + 1);
        let coverage = coverage.get().to_string();
        let mut command = env.cmd();
        command.env("RESUMECTL_CONFIG", &config);
        if let Some(variable) = variable {
            command.env("RESUMECTL_ACTOR", variable);
        }
        if let Some(flag) = flag {
            command.args(["--actor", flag]);
        }
        command
            .args(["set-qa", &id, "--coverage", &coverage])
            .assert()
            .success();
        env.history(&id).last().unwrap()["actor"].clone()
    };
    assert_eq!(write(None, None), "from-config");
    env.write(".env", "RESUMECTL_ACTOR=from-dotenv\n");
    assert_eq!(write(None, None), "from-dotenv");
    assert_eq!(write(None, Some("from-env")), "from-env");
    assert_eq!(write(Some("from-flag"), Some("from-env")), "from-flag");
}

#[test]
fn without_one_the_actor_is_the_os_user_at_the_host() {
    let env = TestEnv::migrated();
    let id = env.create_record("Default");
    let user = String::from_utf8(
        env.program("id")
            .arg("-un")
            .output()
            .expect("id -un")
            .stdout,
    )
    .unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let expected = format!("{}@{}", user.trim(), host.trim());
    assert_eq!(actors(&env, &id), vec![Some(expected)]);
}

#[test]
fn a_bad_actor_is_a_usage_error_naming_its_source_and_writes_nothing() {
    let env = TestEnv::migrated();
    let id = env.create_record("Kept");
    let before = env.state(&id);
    let long = "a".repeat(201);
    for (actor, said) in [
        (long.as_str(), "is 201 characters long"),
        ("tab\there", "contains a control character"),
        ("  ", "is empty"),
    ] {
        let assert = env
            .cmd()
            .env("RESUMECTL_ACTOR", actor)
            .args(["set-qa", &id, "--coverage", "10"])
            .assert()
            .exits(Exit::Usage);
        let message = error_message(&assert);
        assert!(
            message.starts_with("the actor from RESUMECTL_ACTOR") && message.contains(said),
            "{message}"
        );
    }
    let config = env.write("config.toml", "actor = \"line\\nbreak\"\n");
    let assert = env
        .cmd()
        .env("RESUMECTL_CONFIG", &config)
        .args(["set-qa", &id, "--coverage", "10"])
        .assert()
        .exits(Exit::Usage);
    assert!(
        error_message(&assert).contains(&config.display().to_string()),
        "{}",
        error_message(&assert)
    );
    // 200 characters are kept, quotes and backslashes as they are.
    let odd = format!("O'Brien\\{}", "x".repeat(192));
    assert_eq!(odd.chars().count(), 200);
    assert_eq!(env.state(&id), before);
    as_actor(&env, &odd, &["set-qa", &id, "--coverage", "10"]);
    assert_eq!(
        actors(&env, &id).last().unwrap().as_deref(),
        Some(odd.as_str())
    );
}

#[test]
fn versions_from_before_show_no_actor_and_unknown_in_a_table() {
    let env = TestEnv::migrated();
    let id = env.create_record("Old");
    env.run(&["set-qa", &id, "--coverage", "60"]).success();
    // As a version written before actors were recorded.
    env.execute("UPDATE optimized_resume_versions SET actor = NULL WHERE version = 1");
    let history = env.history(&id);
    assert_eq!(history[0]["actor"], Value::Null);
    assert!(history[1]["actor"].is_string());
    let table = env.run(&["--format", "table", "history", &id]).success();
    let shown = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    let header = shown.lines().find(|line| line.contains("version")).unwrap();
    assert!(header.contains("actor"), "{shown}");
    let first = shown
        .lines()
        .find(|line| line.contains("created"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(first.contains("unknown"), "{shown}");
}

#[test]
fn a_connection_names_itself_resumectl() {
    let env = TestEnv::migrated();
    let id = env.create_record("Named");
    let holder = env.hold_row(&id);
    let child = env.spawn(&["set-qa", &id, "--coverage", "20"]);
    env.wait_for_a_lock_wait();
    let waiting: String = env.sql(&format!(
        "SELECT string_agg(application_name, ',') FROM pg_stat_activity \
         WHERE datname = '{}' AND wait_event_type = 'Lock'",
        env.name
    ));
    assert_eq!(waiting, "resumectl");
    drop(holder);
    let output = child.wait_with_output().unwrap();
    Exit::Success.of_output(&output);
}
