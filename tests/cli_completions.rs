//! Shell completion: the committed scripts match what the binary generates, and they
//! complete the configured user's record ids from the database, through the real bash
//! script, and nothing at all (quietly, quickly) without a database.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

const SHELLS: [(&str, &str); 3] = [
    ("bash", "resumectl.bash"),
    ("zsh", "_resumectl"),
    ("fish", "resumectl.fish"),
];

#[test]
fn committed_completions_are_up_to_date() {
    let env = TestEnv::empty();
    for (shell, file) in SHELLS {
        let assert = env
            .cmd()
            .env_remove("COMPLETE")
            .args(["completions", shell])
            .assert()
            .success();
        let generated = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is out of date: run scripts/update-completions"
        );
        // The script calls back into the binary, which answers `COMPLETE=SHELL` with the
        // very same script.
        let registration = env.cmd().env("COMPLETE", shell).assert().success();
        assert_eq!(
            String::from_utf8_lossy(&registration.get_output().stdout),
            generated
        );
    }
}

/// A folder holding the binary under the name the scripts call, `resumectl`, to put
/// first on PATH.
fn bin_dir(env: &TestEnv) -> String {
    let dir = env.path("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("resumectl");
    if !link.exists() {
        std::os::unix::fs::symlink(bin_path(), &link).unwrap();
    }
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// What the committed bash script offers for the last of `words` (the word being
/// completed), as bash's completion machinery would call it.
fn bash_complete(
    env: &TestEnv,
    words: &[&str],
    settings: &[(&str, &str)],
) -> (Vec<String>, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/resumectl.bash");
    let quoted: Vec<String> = words.iter().map(|word| format!("'{word}'")).collect();
    let current = words.len() - 1;
    let program = format!(
        "source '{}'\n\
         COMP_WORDS=({})\n\
         COMP_CWORD={current}\n\
         COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
         _clap_complete_resumectl resumectl '{}' '{}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words[current],
        words[current.saturating_sub(1)],
    );
    let mut command = env.program("bash");
    command
        .args(["--noprofile", "--norc", "-c", &program])
        .env_remove("DATABASE_URL")
        .env_remove("RESUMECTL_USER")
        .env_remove("COMPLETE")
        .env("PATH", bin_dir(env));
    for (name, value) in settings {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let offered = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect();
    (
        offered,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn record_ids_complete_for_the_configured_user_only() {
    let env = TestEnv::migrated();
    let mine = [
        env.create_record("Data engineer"),
        env.create_record("Analyst"),
    ];
    let theirs = env.create_record_as(OTHER_USER, "Someone else's", &example());
    let settings = [("DATABASE_URL", env.url.as_str()), ("RESUMECTL_USER", USER)];

    for command in [
        "get", "history", "delete", "export", "qa", "restore", "diff",
    ] {
        let (offered, stderr) = bash_complete(&env, &["resumectl", command, ""], &settings);
        let mut expected = mine.to_vec();
        expected.sort();
        let mut ids: Vec<String> = offered
            .into_iter()
            .filter(|word| !word.starts_with('-'))
            .collect();
        ids.sort();
        assert_eq!(ids, expected, "`resumectl {command} <TAB>`");
        assert!(!ids.contains(&theirs));
        assert_eq!(stderr, "", "completion prints nothing to the terminal");
    }

    // A prefix narrows the offer.
    let prefix = &mine[0][..8];
    let (offered, _) = bash_complete(&env, &["resumectl", "get", prefix], &settings);
    assert_eq!(offered, vec![mine[0].clone()]);
    // An empty word gets the options too, after the ids.
    let (offered, _) = bash_complete(&env, &["resumectl", "get", ""], &settings);
    assert!(offered.contains(&"--field".to_string()), "{offered:?}");

    // The other user sees only theirs.
    let (offered, _) = bash_complete(
        &env,
        &["resumectl", "get", ""],
        &[
            ("DATABASE_URL", env.url.as_str()),
            ("RESUMECTL_USER", OTHER_USER),
        ],
    );
    let ids: Vec<&String> = offered.iter().filter(|w| !w.starts_with('-')).collect();
    assert_eq!(ids, vec![&theirs]);

    // save takes a record id, or with --ndjson a file: both are offered.
    env.write("batch.ndjson", "");
    let (offered, _) = bash_complete(&env, &["resumectl", "save", ""], &settings);
    assert!(offered.contains(&mine[0]), "{offered:?}");
    assert!(offered.contains(&"batch.ndjson".to_string()), "{offered:?}");
    let (offered, _) = bash_complete(&env, &["resumectl", "save", "--ndjson", "bat"], &settings);
    assert_eq!(offered, vec!["batch.ndjson".to_string()]);

    // Subcommands still complete, from the same script.
    let (offered, _) = bash_complete(&env, &["resumectl", "hist"], &settings);
    assert_eq!(offered, vec!["history".to_string()]);
}

#[test]
fn shells_that_show_descriptions_get_the_titles() {
    let env = TestEnv::migrated();
    let id = env.create_record("Platform \u{1b}]0;engineer");
    let output = env
        .process()
        .env("COMPLETE", "fish")
        .args(["--", "resumectl", "get", ""])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The title is shown escaped: a completion list is a terminal too. The options come
    // after the ids, with their help.
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("{id}\tPlatform \\u{{1b}}]0;engineer")
    );
    assert!(lines.all(|line| line.starts_with("--")), "{stdout}");
}

#[test]
fn without_a_reachable_database_nothing_is_offered_and_nothing_printed() {
    let env = TestEnv::migrated();
    // A server that accepts connections and never answers: the completer must give up
    // on its own.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!(
        "postgres://nobody:secret@127.0.0.1:{}/none",
        silent.local_addr().unwrap().port()
    );
    let closed_url = format!("postgres://nobody:secret@127.0.0.1:{}/none", closed_port());
    let cases: [&[(&str, &str)]; 4] = [
        &[],
        &[("RESUMECTL_USER", USER)],
        &[
            ("DATABASE_URL", closed_url.as_str()),
            ("RESUMECTL_USER", USER),
        ],
        &[
            ("DATABASE_URL", silent_url.as_str()),
            ("RESUMECTL_USER", USER),
        ],
    ];
    for settings in cases {
        let started = Instant::now();
        let (offered, stderr) = bash_complete(&env, &["resumectl", "get", ""], settings);
        let took = started.elapsed();
        let ids: Vec<&String> = offered.iter().filter(|w| !w.starts_with('-')).collect();
        assert!(ids.is_empty(), "{settings:?}: offered {ids:?}");
        assert_eq!(stderr, "", "{settings:?}");
        // Not a benchmark: a guard against a completion that hangs the shell (the
        // completer's own budget is 0.9 s; README gives the measured figure).
        assert!(took < Duration::from_secs(10), "{settings:?} took {took:?}");
    }
}

#[test]
fn bash_offers_file_names_as_they_are_never_glob_expanded() {
    let env = TestEnv::migrated();
    for name in ["a*", "abc1.json", "abc2.json"] {
        env.write(name, "{}");
    }
    let settings = [("DATABASE_URL", env.url.as_str()), ("RESUMECTL_USER", USER)];
    let (mut offered, stderr) = bash_complete(&env, &["resumectl", "save", "a"], &settings);
    offered.sort();
    assert_eq!(offered, vec!["a*", "abc1.json", "abc2.json"], "{stderr}");
}

#[test]
fn bash_completion_leaves_the_shells_globbing_as_it_found_it() {
    let env = TestEnv::migrated();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/resumectl.bash");
    let program = |before: &str| {
        format!(
            "source '{}'\n{before}\n\
             COMP_WORDS=(resumectl save a); COMP_CWORD=2\n\
             _clap_complete_resumectl resumectl a save\n\
             echo \"$-\"",
            script.display()
        )
    };
    for (before, noglob) in [("set +f", false), ("set -f", true)] {
        let output = env
            .program("bash")
            .args(["--noprofile", "--norc", "-c", &program(before)])
            .env("PATH", bin_dir(&env))
            .output()
            .unwrap();
        let flags = String::from_utf8_lossy(&output.stdout);
        assert_eq!(flags.trim().contains('f'), noglob, "{before}: {flags}");
    }
}
