//! `export --watch`: exports again when the template's folder changes or the record gets a
//! new version, one line per export; a template error is said and the watch goes on;
//! Ctrl-C ends it (exit 0), its renderer with it.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

use common::*;

/// How long a line may take to come: generous, for a loaded CI machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running watch, and its stdout and stderr, line by line.
struct Watch {
    child: Child,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
}

impl Watch {
    fn start(env: &TestEnv, args: &[&str]) -> Watch {
        let mut child = env
            .process()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = |stream: Box<dyn std::io::Read + Send>| {
            let (sender, receiver) = channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = sender.send(line);
                }
            });
            receiver
        };
        Watch {
            stdout: lines(Box::new(child.stdout.take().unwrap())),
            stderr: lines(Box::new(child.stderr.take().unwrap())),
            child,
        }
    }

    /// `export ID --to pdf` with `args` and --watch, in table form.
    fn pdf(env: &TestEnv, id: &str, args: &[&str]) -> Watch {
        let command = [
            &["--format", "table", "export", id, "--to", "pdf"],
            args,
            &["--watch"],
        ];
        Watch::start(env, &command.concat())
    }

    fn line(&self) -> String {
        self.stdout
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no line from the watch; stderr: {:?}", self.errors()))
    }

    fn error_line(&self) -> String {
        self.stderr
            .recv_timeout(PATIENCE)
            .expect("an error line from the watch")
    }

    fn errors(&self) -> Vec<String> {
        self.stderr.try_iter().collect()
    }

    /// Ctrl-C: the exit status, and everything stderr said after the last read.
    fn interrupt(mut self, env: &TestEnv) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        env.program("kill").args(["-INT", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        // To the end of the stream: the reading thread ends when the pipe closes.
        let mut said = Vec::new();
        while let Ok(line) = self.stderr.recv_timeout(PATIENCE) {
            said.push(line);
        }
        (status, said)
    }
}

/// Replaces `path` whole, as an editor saves (written beside the folder, renamed in): a
/// watch never sees it half written.
fn save(env: &TestEnv, path: &std::path::Path, text: &str) {
    let scratch = env.write("saving.tmp", text);
    std::fs::rename(scratch, path).unwrap();
}

#[test]
fn a_watch_exports_again_at_each_template_change_and_new_version_until_ctrl_c() {
    let env = TestEnv::migrated();
    let id = env.create_record("Watched");
    let folder = env.path("brand");
    std::fs::create_dir_all(&folder).unwrap();
    let template = folder.join("resume.typ");
    let good = "#let data = json(\"/resume.json\")\n= #data.name\n";
    std::fs::write(&template, good).unwrap();
    // The PDF goes into the template's own folder: writing it must not set off another.
    let pdf = folder.join("out.pdf");
    let (template_arg, pdf_arg) = (template.display().to_string(), pdf.display().to_string());
    let watch = Watch::pdf(&env, &id, &["--template", &template_arg, "-o", &pdf_arg]);
    let first = watch.line();
    assert!(
        first.contains(&format!("wrote {pdf_arg} (pdf of version 1,")),
        "{first}"
    );
    assert!(first.contains(" ms"), "{first}");
    let made = std::fs::read(&pdf).unwrap();

    save(&env, &template, &format!("{good}Watched again\n"));
    let second = watch.line();
    assert!(
        second.contains("wrote") && second.contains("(resume.typ changed)"),
        "{second}"
    );
    assert_ne!(std::fs::read(&pdf).unwrap(), made, "the PDF was made again");

    // A template that does not compile: said on stderr, and the watch goes on.
    save(&env, &template, &format!("{good}#let broken = (\n"));
    let error = watch.error_line();
    assert!(
        error.starts_with("error: ") && error.contains("resume.typ:3:"),
        "{error}"
    );
    save(&env, &template, good);
    let fixed = watch.line();
    assert!(fixed.contains("(resume.typ changed)"), "{fixed}");

    // A new version of the record.
    // A change: a save of what is stored makes no version.
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("watched")),
        &[],
    )
    .success();
    let third = watch.line();
    assert!(
        third.contains("(pdf of version 2,") && third.contains("(a new version)"),
        "{third}"
    );

    let (status, stderr) = watch.interrupt(&env);
    assert_eq!(status.code(), Some(0), "{stderr:?}");
    assert_eq!(
        stderr.last().map(String::as_str),
        Some("note: stopped watching")
    );
}

#[test]
fn a_watch_in_json_says_each_export_as_a_line_and_refuses_stdout() {
    let env = TestEnv::migrated();
    let id = env.create_record("Watched");
    let pdf = env.path("watched.pdf").display().to_string();
    let watch = Watch::start(&env, &["export", &id, "--to", "pdf", "-o", &pdf, "--watch"]);
    let line: Value = serde_json::from_str(&watch.line()).expect("a JSON line");
    assert_eq!(line["trigger"], "start");
    assert_eq!(line["version"], 1);
    assert!(
        line["ms"].as_u64().is_some() && line["at"].is_string(),
        "{line}"
    );
    // A change: a save of what is stored makes no version.
    env.save_to(
        &id,
        &example_with("/targeting/summary", json!("watched")),
        &[],
    )
    .success();
    let line: Value = serde_json::from_str(&watch.line()).expect("a JSON line");
    assert_eq!(line["trigger"], "version");
    assert_eq!(line["version"], 2);
    let (status, _) = watch.interrupt(&env);
    assert_eq!(status.code(), Some(0));

    let refused = env.run(&["export", &id, "--to", "pdf", "-o", "-", "--watch"]);
    assert!(error_message(&refused.exits(Exit::Usage)).contains("--watch"));
}

#[test]
fn a_watch_that_starts_on_a_broken_template_says_so_once_and_waits_for_a_fix() {
    let env = TestEnv::migrated();
    let id = env.create_record("Watched");
    // Its own folder: the scratch files `save` writes are not in it.
    let folder = env.path("brand");
    std::fs::create_dir_all(&folder).unwrap();
    let template = folder.join("broken.typ");
    std::fs::write(&template, "#let broken = (\n").unwrap();
    let pdf = env.path("fixed.pdf").display().to_string();
    let template_arg = template.display().to_string();
    let watch = Watch::pdf(&env, &id, &["--template", &template_arg, "-o", &pdf]);
    let error = watch.error_line();
    assert!(error.contains("broken.typ:1:"), "{error}");
    // Polls of an unchanged record set nothing off: no export, no second error.
    std::thread::sleep(Duration::from_millis(2500));
    assert!(watch.stdout.try_recv().is_err());
    assert!(watch.errors().is_empty());
    save(&env, &template, "= Fixed\n");
    let fixed = watch.line();
    assert!(
        fixed.contains("wrote") && fixed.contains("(broken.typ changed)"),
        "{fixed}"
    );
    let (status, _) = watch.interrupt(&env);
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_watch_writing_into_its_templates_folder_under_the_suggested_name_does_not_set_itself_off() {
    let env = TestEnv::migrated();
    let id = env.create_record("Watched");
    // The template beside the suggested file name: both in the current directory.
    let template = env.write("here.typ", "= Here\n");
    let template_arg = template.display().to_string();
    let watch = Watch::pdf(&env, &id, &["--template", &template_arg, "--force"]);
    assert!(watch.line().contains("wrote"));
    // With --force every export writes: one that set itself off would never stop.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        watch.stdout.try_recv().is_err(),
        "the watch's own write set it off"
    );
    let (status, _) = watch.interrupt(&env);
    assert_eq!(status.code(), Some(0));
}
