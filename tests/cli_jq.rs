//! `--jq EXPR`: the JSON output of get, list and history filtered in process.

mod common;

use common::*;

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// What a successful run prints.
fn printed(env: &TestEnv, args: &[&str]) -> String {
    stdout_of(&env.run(args).success())
}

#[test]
fn get_list_and_history_print_what_the_filter_selects() {
    let env = TestEnv::migrated();
    let first = env.create_record("Data \"engineer\"");
    let second = env.create_record("Analyst");
    env.run(&["set-qa", &second, "--coverage", "70", "--note", "scored"])
        .success();

    // A string prints raw, as jq -r would.
    assert_eq!(
        printed(&env, &["get", &first, "--jq", ".title"]),
        "Data \"engineer\"\n"
    );

    // Anything else prints as compact JSON, one result a line.
    let text = printed(
        &env,
        &[
            "get",
            &first,
            "--jq",
            "{id, version}, .structured_output.qa.scores",
        ],
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], format!("{{\"id\":\"{first}\",\"version\":1}}"));
    assert!(
        lines[1].starts_with('{') && !lines[1].contains(": "),
        "{}",
        lines[1]
    );

    let list = printed(
        &env,
        &["list", "--jq", ".[] | select(.title == \"Analyst\") | .id"],
    );
    assert_eq!(list, format!("{second}\n"));

    let history = printed(
        &env,
        &["history", &second, "--jq", ".[] | [.version, .note]"],
    );
    assert_eq!(history, "[1,\"created\"]\n[2,\"scored\"]\n");

    // --jq reads JSON: it wins over --format table.
    let table = printed(
        &env,
        &["--format", "table", "get", &first, "--jq", ".version"],
    );
    assert_eq!(table, "1\n");
}

#[test]
fn a_bad_expression_exits_2_naming_the_problem_before_anything_runs() {
    let env = TestEnv::migrated();
    let id = env.create_record("Kept");
    let assert = env
        .run(&["delete", &id, "--yes", "--jq", ".["])
        .exits(Exit::Usage);
    let message = error_message(&assert);
    assert!(message.starts_with("--jq: 1:"), "{message}");
    assert!(message.contains("expected"), "{message}");
    assert_eq!(stdout_of(&assert), "");
    // Refused before the command ran: the record is still there.
    assert_eq!(
        env.sql::<i64>(&format!(
            "SELECT count(*) FROM optimized_resumes WHERE id = '{id}'"
        )),
        1
    );

    let assert = env
        .run(&["get", &id, "--jq", "no_such_filter"])
        .exits(Exit::Usage);
    let message = error_message(&assert);
    assert!(
        message.contains("undefined filter no_such_filter/0"),
        "{message}"
    );

    // Its error is said in the format asked for, as any usage error is.
    let assert = env
        .run(&["--format", "table", "get", &id, "--jq", ".["])
        .exits(Exit::Usage);
    let text = stderr_text(&assert);
    assert!(text.starts_with("error: --jq: 1:"), "{text}");
}

#[test]
fn a_filter_failing_on_the_data_exits_2_with_jqs_message() {
    let env = TestEnv::migrated();
    let id = env.create_record("Text");
    let assert = env
        .run(&["get", &id, "--jq", ".title.nested"])
        .exits(Exit::Usage);
    let message = error_message(&assert);
    assert!(message.starts_with("--jq: cannot index"), "{message}");

    let assert = env
        .run(&["get", &id, "--jq", r#".version, error("stop: \(.title)")"#])
        .exits(Exit::Usage);
    assert_eq!(
        stdout_of(&assert),
        "1\n",
        "results before the error are printed"
    );
    assert_eq!(
        error_message(&assert),
        "--jq: stop: Text (the command ran: anything it wrote stays written)"
    );
}

#[test]
fn pretty_printed_output_is_filtered_whole_and_text_output_is_refused() {
    let env = TestEnv::migrated();
    let id = env.create_record("Plain text");
    // schema prints the JSON Schema pretty-printed, over many lines.
    assert_eq!(printed(&env, &["schema", "--jq", ".type"]), "object\n");
    // A text column prints raw: not JSON, said so.
    let text = env
        .run(&["get", &id, "--field", "title", "--jq", "."])
        .exits(Exit::Usage);
    let message = error_message(&text);
    assert!(message.contains("not JSON"), "{message}");
}
