//! Hardening, security and data: a password never printed whatever the URL looks like,
//! exports that replace only what they should, escape sequences shown and not obeyed,
//! numbers checked at their exact value, and a batch whose reader goes away.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use common::*;
use serde_json::{Value, json};

const SLASHED_URL: &str = "postgres://app:4242/Zq9+sEcReT@db.internal/resumes";

/// Passwords holding '/', '?' or '#' unencoded: each makes part of the password read as
/// host, port, path, query or fragment.
const MISREAD_URLS: [&str; 3] = [
    SLASHED_URL,
    "postgres://app:4242?Zq9+sEcReT@db.internal/resumes",
    "postgres://app:4242#Zq9+sEcReT@db.internal/resumes",
];

#[test]
fn a_password_holding_a_slash_is_never_printed_and_the_url_is_called_malformed() {
    let env = TestEnv::empty();
    for url in MISREAD_URLS {
        let assert = env
            .cmd()
            .env("DATABASE_URL", url)
            .args(["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"])
            .assert()
            .exits(Exit::NotConfigured);
        let text = stderr_text(&assert);
        assert!(
            !text.contains("Zq9") && !text.contains("4242"),
            "{url}: {text}"
        );
    }
    for format in ["json", "table"] {
        for args in [
            vec!["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"],
            vec!["migrate"],
            vec!["list"],
        ] {
            let assert = env
                .cmd()
                .env("DATABASE_URL", SLASHED_URL)
                .args(["--format", format])
                .args(&args)
                .assert()
                .exits(Exit::NotConfigured);
            let output = format!(
                "{}{}",
                stderr_text(&assert),
                String::from_utf8_lossy(&assert.get_output().stdout)
            );
            for secret in ["Zq9", "sEcReT", "4242", "db.internal"] {
                assert!(
                    !output.contains(secret),
                    "{args:?} printed {secret}: {output}"
                );
            }
            assert!(output.contains("malformed"), "{output}");
            assert!(output.contains("percent-encode"), "{output}");
        }
    }
    let migration = env
        .cmd()
        .env("MIGRATION_DATABASE_URL", SLASHED_URL)
        .arg("migrate")
        .assert()
        .exits(Exit::NotConfigured);
    assert!(!stderr_text(&migration).contains("Zq9"));
}

fn export_to(env: &TestEnv, id: &str, path: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    env.cmd()
        .args(["export", id, "--to", "md", "-o", path])
        .args(extra)
        .timeout(std::time::Duration::from_secs(30))
        .assert()
}

#[test]
fn export_writes_through_a_device_and_a_fifo_without_replacing_them() {
    let env = TestEnv::migrated();
    let id = env.create_record("Special files");
    // What /dev/stdout is (a link to /proc/self/fd/1, here a pipe), made in the test's own
    // directory so that a regression replaces nothing of the machine's: the export
    // arrives in the pipe, ahead of the JSON report.
    std::os::unix::fs::symlink("/proc/self/fd/1", env.path("stdout")).unwrap();
    let assert = export_to(&env, &id, "stdout", &[]).success();
    let printed = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(printed.starts_with("# Jane Doe"), "{printed}");
    // A device of the test's own (a twin of /dev/null, made where only this test looks):
    // a regression must not be able to replace the machine's /dev/null.
    let device = env.path("null");
    let made = env
        .program("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|status| status.success());
    if made {
        export_to(&env, &id, device.to_str().unwrap(), &[]).success();
        assert!(
            std::fs::metadata(&device)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    } else {
        eprintln!("note: mknod needs root; the character-device case was not run");
    }

    let fifo = env.path("resume.fifo");
    assert!(env.program("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    export_to(&env, &id, fifo.to_str().unwrap(), &[]).success();
    let received = reader.join().unwrap();
    assert!(received.starts_with("# Jane Doe"), "{received}");
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    // Nothing can be reused from a device or a FIFO: neither is noted.
    let notes = env.json(&["get", &id, "--field", "export_formats"]);
    assert!(notes.is_null(), "{notes}");
}

#[test]
fn export_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let env = TestEnv::migrated();
    let id = env.create_record("Linked");
    let target = env.path("real.md");
    let link = env.path("link.md");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    export_to(&env, &id, "link.md", &[]).success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("# Jane Doe")
    );
    // Again, after a change: the link still leads to the file, which is replaced.
    env.run(&["save", &id, "--match-score", "70"]).success();
    export_to(&env, &id, "link.md", &[]).success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn export_keeps_a_private_files_permissions_and_refuses_a_read_only_one() {
    let env = TestEnv::migrated();
    let id = env.create_record("Private");
    let path = env.path("private.md");
    export_to(&env, &id, "private.md", &[]).success();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    export_to(&env, &id, "private.md", &["--force"]).success();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a private resume must stay private: {mode:o}");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&path).unwrap();
    let refused = export_to(&env, &id, "private.md", &["--force"]).exits(Exit::InvalidInput);
    assert!(
        error_message(&refused).contains("read-only"),
        "{}",
        stderr_text(&refused)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// Runs the binary as the unprivileged `nobody` (when the tests run as root).
fn as_nobody(env: &TestEnv, args: &[&str]) -> Option<std::process::Output> {
    use std::os::unix::process::CommandExt;
    let id = |flag: &str| -> Option<u32> {
        let output = env.program("id").args([flag, "nobody"]).output().ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    };
    let is_root = env.program("id").arg("-u").output().ok()?.stdout == b"0\n";
    if !is_root {
        eprintln!("note: not root: the other-user export cases were not run");
        return None;
    }
    let (uid, gid) = (id("-u")?, id("-g")?);
    Some(env.process().args(args).uid(uid).gid(gid).output().unwrap())
}

#[test]
fn export_refuses_a_file_this_user_cannot_write_or_read_back() {
    let env = TestEnv::migrated();
    let id = env.create_record("Someone else's");
    std::fs::set_permissions(env.dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    // Root's 0644 file: readable by nobody, not writable by them.
    let theirs = env.write("theirs.md", "root's own text");
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o644)).unwrap();
    let Some(output) = as_nobody(
        &env,
        &["export", &id, "--to", "md", "-o", "theirs.md", "--force"],
    ) else {
        return;
    };
    Exit::InvalidInput.of_output(&output);
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "root's own text");
    // A file nobody may write but not read: it cannot be shown to be an earlier export.
    let blind = env.write("blind.md", "hand-written");
    std::os::unix::fs::chown(&blind, Some(65534), Some(65534)).unwrap();
    std::fs::set_permissions(&blind, std::fs::Permissions::from_mode(0o200)).unwrap();
    let output = as_nobody(&env, &["export", &id, "--to", "md", "-o", "blind.md"]).unwrap();
    Exit::InvalidInput.of_output(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&blind).unwrap(), "hand-written");
}

#[test]
fn two_records_with_the_same_suggested_name_do_not_overwrite_each_other() {
    let env = TestEnv::migrated();
    let first = env.create_record("First");
    let second = env.create_record("Second");
    let name = "Jane_Doe_Senior_Data_Engineer_Northwind.html";
    env.run(&["export", &first, "--to", "html"]).success();
    let written = std::fs::read(env.path(name)).unwrap();
    let refused = env
        .run(&["export", &second, "--to", "html"])
        .exits(Exit::InvalidInput);
    let message = error_message(&refused);
    assert!(
        message.contains(name) && message.contains("--force"),
        "{message}"
    );
    assert_eq!(std::fs::read(env.path(name)).unwrap(), written);
    // The first record's own file is still its to replace.
    env.run(&["save", &first, "--match-score", "60"]).success();
    env.run(&["export", &first, "--to", "html"]).success();
}

#[test]
fn an_empty_output_name_is_a_usage_error() {
    let env = TestEnv::migrated();
    let id = env.create_record("Unnamed");
    env.run(&["export", &id, "--to", "md", "-o", ""])
        .exits(Exit::Usage);
}

#[test]
fn a_long_non_ascii_suggested_name_is_cut_to_fit_the_file_system() {
    let env = TestEnv::migrated();
    let id = env.save(&example_with(
        "/tailored_resume_text/file_name_suggestion",
        json!(format!("{}.docx", "履歴書_".repeat(60))),
    ));
    let report = env.json(&["export", &id, "--to", "md"]);
    let path = std::path::PathBuf::from(report["path"].as_str().unwrap());
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(name.len() <= 255 && name.ends_with(".md"), "{name}");
    assert!(path.exists());
}

const EVIL_TITLE: &str = "Evil\u{1b}]0;PWNED\u{7}\u{1b}[2K\rFAKE";

#[test]
fn escape_sequences_in_data_are_shown_escaped_on_a_terminal_and_kept_exact_in_json() {
    let env = TestEnv::migrated();
    let id = env.create_record(EVIL_TITLE);
    for args in [
        vec!["list"],
        vec!["get", id.as_str()],
        vec!["history", id.as_str()],
        vec!["get", id.as_str(), "--field", "title"],
    ] {
        let assert = env
            .run(&[&["--format", "table"], &args[..]].concat())
            .success();
        let shown = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        if args[0] != "history" {
            assert!(shown.contains("\\u{1b}]0;PWNED"), "{args:?}: {shown}");
        }
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\r'),
            "{args:?}: {shown:?}"
        );
    }
    assert_eq!(env.get(&id)["title"], EVIL_TITLE);
}

#[test]
fn the_delete_confirmation_shows_an_evil_title_escaped() {
    let env = TestEnv::migrated();
    let id = env.create_record(EVIL_TITLE);
    // A terminal of its own (script(1) gives the command a pty), answered "n".
    let output = env.pty("", &["delete", &id]).answer(b"n");
    let screen = String::from_utf8_lossy(&output.stdout);
    assert!(screen.contains("Move 1 record"), "{screen}");
    assert!(screen.contains("to the trash?"), "{screen}");
    assert!(screen.contains("\\u{1b}]0;PWNED"), "{screen}");
    assert!(!screen.contains("\u{1b}]0;PWNED"), "{screen:?}");
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

#[test]
fn ctrl_c_at_the_confirmation_shows_the_cursor_again_and_exits_130() {
    let env = TestEnv::migrated();
    let id = env.create_record("Kept");
    let output = env.pty("", &["delete", &id]).answer(b"\x03");
    let screen = String::from_utf8_lossy(&output.stdout);
    let hidden = screen
        .rfind("\u{1b}[?25l")
        .expect("the prompt hides the cursor");
    let shown = screen
        .rfind("\u{1b}[?25h")
        .expect("the cursor is shown again");
    assert!(shown > hidden, "{screen:?}");
    assert!(screen.contains("interrupted"), "{screen}");
    Exit::Interrupted.of_output(&output);
    assert_eq!(env.sql::<i64>("SELECT count(*) FROM optimized_resumes"), 1);
}

/// The example's text with its keyword coverage written as `text`.
fn with_coverage(text: &str) -> String {
    let document = example_with("/qa/scores/keyword_coverage_0_to_100", json!(1));
    document.to_string().replace(
        "\"keyword_coverage_0_to_100\":1",
        &format!("\"keyword_coverage_0_to_100\":{text}"),
    )
}

#[test]
fn a_number_just_past_its_bound_is_refused_at_its_exact_value_and_nothing_is_written() {
    let env = TestEnv::migrated();
    let id = env.create_record("Exact");
    let before = env.table_snapshot();
    let refused = env
        .run_with(
            &["save", &id, "-"],
            with_coverage("100.0000000000000000001"),
        )
        .exits(Exit::InvalidInput);
    let error = json_error(&refused);
    assert!(
        error
            .to_string()
            .contains("/qa/scores/keyword_coverage_0_to_100"),
        "{error}"
    );
    let duplicates = env.write("qa.json", r#"{"duplicates": 1.0000000000000000001}"#);
    let refused = env
        .run(&["set-qa", &id, &duplicates.display().to_string()])
        .exits(Exit::InvalidInput);
    assert!(json_error(&refused).to_string().contains("/duplicates"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn diff_shows_numbers_exactly_as_stored() {
    let env = TestEnv::migrated();
    let id = env.create_record("Numbers");
    env.run_with(&["save", &id, "-"], with_coverage("88.0000000000000000001"))
        .success();
    let assert = env.run(&["diff", &id]).success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(text.contains("88.0000000000000000001"), "{text}");
    env.run_with(&["save", &id, "-"], with_coverage("1e2"))
        .success();
    let assert = env.run(&["diff", &id]).success();
    let report: Value = json_stdout(&assert);
    assert_eq!(report["changes"].as_array().unwrap().len(), 1, "{report}");
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        text.contains("\"new\":100}") && !text.contains("100.0"),
        "{text}"
    );
}

#[test]
fn a_batch_whose_reader_goes_away_still_loads_everything_and_exits_with_its_real_status() {
    let env = TestEnv::migrated();
    let line = json!({"structured_output": example()}).to_string();
    let mut input = String::new();
    for index in 0..600 {
        if index == 1 {
            input.push_str("{\"title\": 5}\n");
        } else {
            input.push_str(&line);
            input.push('\n');
        }
    }
    let path = env.write("big.ndjson", input);
    let mut child = env.spawn(&["save", "--ndjson", &path.display().to_string()]);
    // `| grep -m1 skipped`: read up to the first skipped line, then go away.
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    while reader.read_line(&mut first).unwrap() > 0 && !first.contains("skipped") {}
    drop(reader);
    let output = child.wait_with_output().unwrap();
    // A line was skipped.
    Exit::InvalidInput.of_output(&output);
    assert_eq!(
        env.sql::<i64>("SELECT count(*) FROM optimized_resumes"),
        599,
        "every valid line is written"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("stdout failed after the report of line"),
        "{stderr}"
    );
    assert!(stderr.contains("599 written"), "{stderr}");
}
