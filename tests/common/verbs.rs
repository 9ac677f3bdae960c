//! What the tests do, by name: run a command, save, get, read the history, edit with a
//! scripted editor, answer a prompt on a terminal, and expect an exit code by its name.
//! Every child starts from `TestEnv::clean` (no inherited setting can change it).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Output, Stdio};
use std::time::Duration;

use assert_cmd::assert::Assert;
use serde_json::Value;

use super::{TestEnv, USER, bin_path, example, json_stdout};

/// resumectl's exit codes by name, as `crates/core/src/error.rs` documents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Unexpected = 1,
    Usage = 2,
    NotConfigured = 3,
    NotFound = 4,
    InvalidInput = 5,
    Conflict = 6,
    Database = 7,
    BelowTheBar = 8,
    Output = 9,
    Interrupted = 130,
    Terminated = 143,
}

impl Exit {
    pub const ALL: [Exit; 12] = [
        Exit::Success,
        Exit::Unexpected,
        Exit::Usage,
        Exit::NotConfigured,
        Exit::NotFound,
        Exit::InvalidInput,
        Exit::Conflict,
        Exit::Database,
        Exit::BelowTheBar,
        Exit::Output,
        Exit::Interrupted,
        Exit::Terminated,
    ];

    pub fn code(self) -> i32 {
        self as i32
    }

    /// Asserts that a finished child exited with this code.
    pub fn of(self, status: &ExitStatus) {
        assert_eq!(status.code(), Some(self.code()), "exit status: {status:?}");
    }

    /// Asserts that a finished child exited with this code; a failure shows its output.
    pub fn of_output(self, output: &Output) {
        assert_eq!(
            output.status.code(),
            Some(self.code()),
            "stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `.exits(Exit::Conflict)` on a finished command.
pub trait Exits {
    fn exits(self, exit: Exit) -> Self;
}

impl Exits for Assert {
    fn exits(self, exit: Exit) -> Assert {
        self.code(exit.code())
    }
}

impl TestEnv {
    /// The binary with `args`, run to the end.
    pub fn run(&self, args: &[&str]) -> Assert {
        self.cmd().args(args).assert()
    }

    /// The binary with `args` and `stdin`, run to the end.
    pub fn run_with(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Assert {
        self.cmd().args(args).write_stdin(stdin).assert()
    }

    /// The JSON a successful run prints.
    pub fn json(&self, args: &[&str]) -> Value {
        json_stdout(&self.run(args).success())
    }

    /// `save --new` of `document` (titled "A resume"): the new record's id.
    pub fn save(&self, document: &Value) -> String {
        self.create_record_as(USER, "A resume", document)
    }

    /// `save ID -` of `document`, with `extra` flags, run to the end.
    pub fn save_to(&self, id: &str, document: &Value, extra: &[&str]) -> Assert {
        self.cmd()
            .args(["save", id, "-"])
            .args(extra)
            .write_stdin(document.to_string())
            .assert()
    }

    /// The record, as `get ID` prints it.
    pub fn get(&self, id: &str) -> Value {
        self.json(&["get", id])
    }

    /// The record's versions, oldest first, as `history ID` prints them.
    pub fn history(&self, id: &str) -> Vec<Value> {
        self.json(&["history", id])
            .as_array()
            .expect("history prints an array")
            .clone()
    }

    /// The version numbers `history ID` lists, oldest first.
    pub fn versions(&self, id: &str) -> Vec<i64> {
        self.history(id)
            .iter()
            .map(|version| version["version"].as_i64().expect("a version number"))
            .collect()
    }

    /// An editor for $EDITOR: a shell script (`set -e`) whose `body` runs with the file
    /// as $1. Each run is counted (`editor_runs`). Returns its path.
    pub fn editor(&self, body: &str) -> String {
        let scripts = std::fs::read_dir(self.dir.path())
            .map(|entries| entries.count())
            .unwrap_or(0);
        let log = self.dir.path().join("editor.log");
        let path = self.write(
            &format!("editor-{scripts}.sh"),
            format!(
                "#!/bin/sh\nset -e\necho run >> '{}'\n{body}\n",
                log.display()
            ),
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make the editor executable");
        path.display().to_string()
    }

    /// The record and its history, as one JSON text: equal before and after, nothing
    /// was written.
    pub fn state(&self, id: &str) -> String {
        self.sql(&format!(
            "SELECT (SELECT to_jsonb(r)::text FROM optimized_resumes r WHERE id = '{id}') || \
             coalesce((SELECT jsonb_agg(to_jsonb(v) ORDER BY version)::text \
                       FROM optimized_resume_versions v WHERE resume_id = '{id}'), '[]')"
        ))
    }

    /// How many times an `editor` ran.
    pub fn editor_runs(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("editor.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    /// The binary with `args` as a running child, its stdout and stderr piped.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.process()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start resumectl")
    }

    /// `program` (not the binary) with the same clean environment as `process()`.
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut command = std::process::Command::new(program);
        self.clean(&mut command);
        command
    }

    /// The binary on a terminal of its own (script(1) gives it a pty): `shell` runs
    /// first (e.g. `stty cols 0`), then resumectl with `args`.
    pub fn pty(&self, shell: &str, args: &[&str]) -> Pty {
        let mut line = String::from(shell);
        if !line.is_empty() {
            line.push_str("; ");
        }
        line.push_str(&shell_quote(&bin_path().display().to_string()));
        for arg in args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        let mut command = self.program("script");
        command.args(["-qec", &line, "/dev/null"]);
        Pty { command }
    }

    /// The path of a scratch file, not yet written.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// resumectl on a terminal, not yet started.
pub struct Pty {
    command: std::process::Command,
}

impl Pty {
    /// Runs it with nothing typed; the screen is the output's stdout.
    pub fn run(mut self) -> Output {
        self.command
            .stdin(Stdio::null())
            .output()
            .expect("run script(1)")
    }

    /// Types `keys` once the prompt had time to show (1.5 s), then waits for the end.
    pub fn answer(mut self, keys: &[u8]) -> Output {
        let mut child = self
            .command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start script(1)");
        std::thread::sleep(Duration::from_millis(1500));
        child
            .stdin
            .as_mut()
            .expect("piped stdin")
            .write_all(keys)
            .expect("type on the terminal");
        child.wait_with_output().expect("wait for script(1)")
    }
}

/// `text` as one word for sh.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The bundled example with one value replaced, at a JSON pointer
/// (`example_with("/targeting/summary", json!("v2"))`).
pub fn example_with(pointer: &str, value: Value) -> Value {
    example_edited(|document| {
        *document
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("the example has no {pointer}")) = value;
    })
}

/// The bundled example with `edit` applied to it
/// (`example_edited(|d| d["ui"]["skills"]["include"] = json!(false))`).
pub fn example_edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut document = example();
    edit(&mut document);
    document
}
