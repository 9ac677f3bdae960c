//! `export --to pdf` with a template that runs away: stopped at the render timeout or the
//! memory cap (exit 5, one line naming the bound), and by Ctrl-C with its renderer; a
//! PDF reused only while every file its template read is unchanged; the template's own
//! size limit named as what it is.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::servers::require_tool;
use common::*;
use serde_json::Value;

/// Twenty thousand squared additions: minutes of work for Typst.
const ENDLESS: &str = "#{ let n = 0\n for i in range(20000) { for j in range(20000) { n += 1 } }\n \
                       [#n] }\n";

/// A template in a folder of its own in the scratch directory.
fn template(env: &TestEnv, text: &str) -> PathBuf {
    let folder = env.path("brand");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("t.typ");
    std::fs::write(&path, text).unwrap();
    path
}

fn export_formats(env: &TestEnv, id: &str) -> Option<String> {
    env.sql(&format!(
        "SELECT export_formats::text FROM optimized_resumes WHERE id = '{id}'"
    ))
}

#[test]
fn a_runaway_template_stops_at_the_render_timeout_with_exit_5() {
    let env = TestEnv::migrated();
    let id = env.create_record("Endless");
    let endless = template(&env, ENDLESS);
    let before = export_formats(&env, &id);
    let started = Instant::now();
    let stopped = env
        .cmd()
        .args(["export", &id, "--to", "pdf", "-o", "out.pdf"])
        .args(["--render-timeout", "2", "--template"])
        .arg(&endless)
        .assert()
        .exits(Exit::InvalidInput);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let message = error_message(&stopped);
    assert!(
        message.contains("render timeout of 2 s") && message.contains("--render-timeout"),
        "{message}"
    );
    assert!(!env.path("out.pdf").exists());
    assert_eq!(export_formats(&env, &id), before, "nothing noted");

    // The environment sets it too; the table form says the same in one line.
    let stopped = env
        .cmd()
        .env("RESUMECTL_RENDER_TIMEOUT", "1")
        .args(["--format", "table", "export", &id, "--to", "pdf", "-o", "-"])
        .arg("--template")
        .arg(&endless)
        .assert()
        .exits(Exit::InvalidInput);
    let stderr = stderr_text(&stopped);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("render timeout of 1 s"), "{stderr}");
}

#[test]
fn a_template_that_asks_for_gigabytes_stops_at_the_memory_cap_with_exit_5() {
    let env = TestEnv::migrated();
    let id = env.create_record("Greedy");
    for greedy in ["#range(1000000000)\n", "#(\"x\" * 3000000000)\n"] {
        let stopped = env
            .cmd()
            .args(["export", &id, "--to", "pdf", "-o", "-", "--template"])
            .arg(template(&env, greedy))
            .assert()
            .exits(Exit::InvalidInput);
        let error = json_error(&stopped);
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("MiB of memory a render may use"),
            "{greedy}: {message}"
        );
        assert!(stopped.get_output().stdout.is_empty());
    }
}

/// The renderer: the child of `parent`, once it runs.
fn renderer_of(parent: u32) -> u32 {
    let started = Instant::now();
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(status) = std::fs::read_to_string(entry.path().join("status")) else {
                continue;
            };
            if status.contains(&format!("\nPPid:\t{parent}\n")) {
                return entry.file_name().to_str().unwrap().parse().unwrap();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no renderer");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Gone, or a zombie waiting for init to reap it: either way no longer running.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim()
            .starts_with('Z')
    })
}

#[test]
fn ctrl_c_during_a_render_stops_resumectl_and_its_renderer() {
    let env = TestEnv::migrated();
    let id = env.create_record("Interrupted");
    let endless = template(&env, ENDLESS);
    let endless = endless.display().to_string();
    for (signal, exit) in [("INT", Exit::Interrupted), ("TERM", Exit::Terminated)] {
        let export = env.spawn(&[
            "export",
            &id,
            "--to",
            "pdf",
            "-o",
            "out.pdf",
            "--template",
            &endless,
        ]);
        let renderer = renderer_of(export.id());
        std::thread::sleep(Duration::from_millis(300));
        let sent = env
            .program("kill")
            .args([&format!("-{signal}"), &export.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let started = Instant::now();
        let output = export.wait_with_output().unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "{signal}");
        assert_eq!(output.status.code(), Some(exit.code()), "{signal}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&format!("SIG{signal}")), "{stderr}");
        let started = Instant::now();
        while running(renderer) {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the renderer outlived resumectl ({signal})"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!env.path("out.pdf").exists());
    }
}

fn exported(env: &TestEnv, args: &[&str], template: &Path) -> Value {
    json_stdout(
        &env.cmd()
            .args(args)
            .arg("--template")
            .arg(template)
            .assert()
            .success(),
    )
}

fn pdf_text(env: &TestEnv, path: &Path) -> String {
    let output = env
        .program("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_pdf_is_made_again_when_a_file_its_template_read_changes() {
    if !require_tool("pdftotext", "poppler-utils", "template reads test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record("Reads");
    // The template reads one file itself and one through a module it imports.
    let brand = template(
        &env,
        "#import \"lib.typ\": motto\n#read(\"first.txt\") / #motto\n",
    );
    let folder = brand.parent().unwrap();
    std::fs::write(
        folder.join("lib.typ"),
        "#let motto = read(\"second.txt\")\n",
    )
    .unwrap();
    std::fs::write(folder.join("first.txt"), "Acme Talent").unwrap();
    std::fs::write(folder.join("second.txt"), "Always hiring").unwrap();
    let store = env.path("store");
    std::fs::create_dir(&store).unwrap();
    let upload = format!("file://{}", store.display());
    let local = ["export", &id, "--to", "pdf", "-o", "out.pdf"];
    let uploaded = ["export", &id, "--to", "pdf", "--upload", &upload];
    let pdf = env.path("out.pdf");

    assert_eq!(exported(&env, &local, &brand)["reused"], false);
    assert_eq!(exported(&env, &uploaded, &brand)["reused"], false);
    assert_eq!(exported(&env, &local, &brand)["reused"], true);
    assert_eq!(exported(&env, &uploaded, &brand)["reused"], true);
    assert!(pdf_text(&env, &pdf).contains("Always hiring"));

    for (file, text) in [
        ("second.txt", "Hiring engineers"),
        ("lib.typ", "#let motto = [Now remote]\n"),
        ("first.txt", "Acme People"),
    ] {
        std::fs::write(folder.join(file), text).unwrap();
        assert_eq!(exported(&env, &local, &brand)["reused"], false, "{file}");
        assert_eq!(exported(&env, &uploaded, &brand)["reused"], false, "{file}");
        assert_eq!(exported(&env, &local, &brand)["reused"], true, "{file}");
        assert_eq!(exported(&env, &uploaded, &brand)["reused"], true, "{file}");
    }
    let text = pdf_text(&env, &pdf);
    assert!(text.contains("Acme People / Now remote"), "{text}");

    // A file it read that is gone now: made again, which fails, naming the file.
    std::fs::remove_file(folder.join("first.txt")).unwrap();
    let missing = env
        .cmd()
        .args(local)
        .arg("--template")
        .arg(&brand)
        .assert()
        .exits(Exit::InvalidInput);
    assert!(error_message(&missing).contains("first.txt"));
}

#[test]
fn a_template_over_1_mib_is_refused_naming_the_template_limit() {
    let env = TestEnv::migrated();
    let id = env.create_record("Huge");
    let huge = template(&env, &format!("// {}\n", "x".repeat(1 << 20)));
    for limit in [None, Some("64MiB")] {
        let mut command = env.cmd();
        if let Some(limit) = limit {
            command.args(["--max-input-size", limit]);
        }
        let refused = command
            .args(["export", &id, "--to", "pdf", "-o", "-", "--template"])
            .arg(&huge)
            .assert()
            .exits(Exit::InvalidInput);
        let message = error_message(&refused);
        assert!(
            message.contains("t.typ") && message.contains("1 MiB a template may be"),
            "{message}"
        );
        assert!(!message.contains("--max-input-size"), "{message}");
    }
}
