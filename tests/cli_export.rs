//! `export`: txt, md, html and docx files from the saved document, noted in
//! export_formats and reused while the version is unchanged.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use serde_json::{Value, json};

fn export(env: &TestEnv, id: &str, args: &[&str]) -> Value {
    json_stdout(&env.cmd().args(["export", id]).args(args).assert().success())
}

#[test]
fn export_writes_each_format_under_the_suggested_name_and_notes_it() {
    let env = TestEnv::migrated();
    let id = env.create_record("Exported");
    for format in ["txt", "md", "html", "docx"] {
        let report = export(&env, &id, &["--to", format]);
        let path = env
            .dir
            .path()
            .join(format!("Jane_Doe_Senior_Data_Engineer_Northwind.{format}"));
        assert_eq!(report["path"], path.display().to_string());
        assert_eq!(report["reused"], false);
        assert_eq!(report["bytes"], std::fs::metadata(&path).unwrap().len());
    }
    let txt = std::fs::read_to_string(
        env.dir
            .path()
            .join("Jane_Doe_Senior_Data_Engineer_Northwind.txt"),
    )
    .unwrap();
    assert_eq!(
        txt,
        example()["tailored_resume_text"]["ats_plain_text"]
            .as_str()
            .unwrap()
    );
    let notes = json_stdout(
        &env.cmd()
            .args(["get", &id, "--field", "export_formats"])
            .assert()
            .success(),
    );
    for format in ["txt", "md", "html", "docx"] {
        let note = &notes["resumectl_exports"][format];
        assert_eq!(note["version"], 1, "{notes}");
        assert_eq!(note["sha256"].as_str().unwrap().len(), 64);
    }
    // The note keeps export_formats valid for its schema.
    let file = env.write("formats.json", notes.to_string());
    env.cmd()
        .args(["validate", "--kind", "export-formats"])
        .arg(file)
        .assert()
        .success();
    // Not a new version: the document did not change.
    let version: i64 = env.sql("SELECT version FROM optimized_resumes");
    assert_eq!(version, 1);
}

#[test]
fn an_unchanged_version_reuses_its_file_until_forced_or_changed() {
    let env = TestEnv::migrated();
    let id = env.create_record("Cached");
    let first = export(&env, &id, &["--to", "html", "-o", "cv.html"]);
    assert_eq!(first["reused"], false);
    let path = env.dir.path().join("cv.html");
    let made = std::fs::metadata(&path).unwrap().modified().unwrap();
    let again = export(&env, &id, &["--to", "html", "-o", "cv.html"]);
    assert_eq!(again["reused"], true);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), made);
    assert_eq!(
        export(&env, &id, &["--to", "html", "-o", "cv.html", "--force"])["reused"],
        false
    );
    // A file changed by hand is not the file that was made: it is kept unless --force.
    std::fs::write(&path, "edited").unwrap();
    let refused = env
        .cmd()
        .args(["export", &id, "--to", "html", "-o", "cv.html"])
        .assert()
        .code(5);
    assert!(
        error_message(&refused).contains("--force"),
        "{}",
        stderr_text(&refused)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited");
    assert_eq!(
        export(&env, &id, &["--to", "html", "-o", "cv.html", "--force"])["reused"],
        false
    );
    // A new version is exported anew.
    env.cmd()
        .args(["save", &id, "--match-score", "50"])
        .assert()
        .success();
    let newer = export(&env, &id, &["--to", "html", "-o", "cv.html"]);
    assert_eq!(newer["reused"], false);
    assert_eq!(newer["version"], 2);
}

#[test]
fn include_flags_decide_what_is_laid_out() {
    let env = TestEnv::migrated();
    let mut document = example();
    document["ui"]["professional_summary"]["include"] = json!(false);
    document["ui"]["work_experience"]["items"][1]["include"] = json!(false);
    document["ui"]["interests_or_extras"]["include"] = json!(true);
    let id = env.create_record_as(USER, "Flags", &document);
    let assert = env
        .cmd()
        .args(["export", &id, "--to", "md", "-o", "-"])
        .assert()
        .success();
    let markdown = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(markdown.starts_with("# Jane Doe"), "{markdown}");
    assert!(!markdown.contains("## Summary"), "{markdown}");
    assert!(markdown.contains("Northwind Pay"));
    assert!(!markdown.contains("Contoso Bank"), "{markdown}");
    assert!(
        markdown.contains("**Languages:** English, German"),
        "{markdown}"
    );
}

#[test]
fn html_is_self_contained_and_escapes_every_text() {
    let env = TestEnv::migrated();
    let mut document = example();
    document["resume_json"]["name"] = json!("<script>alert(1)</script>");
    document["resume_json"]["experience"][0]["bullets"][0] =
        json!("\"><img src=x onerror=alert(1)> & <a href='http://evil'>");
    let id = env.create_record_as(USER, "Hostile", &document);
    let assert = env
        .cmd()
        .args(["export", &id, "--to", "html", "-o", "-"])
        .assert()
        .success();
    let html = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;a"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<a "), "{html}");
    assert!(!html.contains("<link"), "{html}");
    assert!(html.contains("default-src 'none'"));
}

#[test]
fn bad_export_requests_are_refused_clearly() {
    let env = TestEnv::migrated();
    let id = env.create_record("Mine");
    let bobs = env.create_record_as(OTHER_USER, "Bob's", &example());
    env.cmd()
        .args(["export", &bobs, "--to", "txt", "-o", "-"])
        .assert()
        .code(4);
    env.cmd()
        .args(["export", &id, "--to", "rtf"])
        .assert()
        .code(2);
    env.cmd()
        .args(["export", "nope", "--to", "txt"])
        .assert()
        .code(5);
    let folder = env.dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let assert = env
        .cmd()
        .args(["export", &id, "--to", "md", "-o"])
        .arg(&folder)
        .assert()
        .code(5);
    assert!(error_message(&assert).contains("is a directory"));
    // A record without a document still exports its plain text, and nothing else.
    env.cmd()
        .args(["save", &id, "--clear", "structured_output"])
        .assert()
        .success();
    env.cmd()
        .args(["export", &id, "--to", "txt", "-o", "-"])
        .assert()
        .success();
    let assert = env
        .cmd()
        .args(["export", &id, "--to", "docx", "-o", "x.docx"])
        .assert()
        .code(5);
    assert!(error_message(&assert).contains("no structured_output"));
    assert!(!env.dir.path().join("x.docx").exists());
}

/// The docx opens in LibreOffice: it converts to a PDF that holds the resume's text.
#[test]
fn docx_opens_in_libreoffice() {
    let Some(office) = ["libreoffice", "soffice"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok())
    else {
        if std::env::var("CI").is_ok_and(|value| value == "true") {
            panic!("libreoffice is not installed: .ci/run installs libreoffice-writer-nogui");
        }
        eprintln!(
            "\n*** SKIPPED docx_opens_in_libreoffice: libreoffice is not installed \
                   (apt-get install libreoffice-writer-nogui) ***\n"
        );
        return;
    };
    let env = TestEnv::migrated();
    let mut document = example();
    document["resume_json"]["name"] = json!("Jane <Doe> & Co");
    let id = env.create_record_as(USER, "Docx", &document);
    export(&env, &id, &["--to", "docx", "-o", "cv.docx"]);
    let profile = env.dir.path().join("office-profile");
    let converted = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(env.dir.path())
        .arg(env.dir.path().join("cv.docx"))
        .output()
        .unwrap();
    let pdf = env.dir.path().join("cv.pdf");
    assert!(
        Path::new(&pdf).exists(),
        "LibreOffice did not convert the docx: {}",
        String::from_utf8_lossy(&converted.stderr)
    );
    if let Ok(text) = Command::new("pdftotext").arg(&pdf).arg("-").output() {
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Jane <Doe> & Co"), "{text}");
        assert!(text.contains("Northwind Pay"), "{text}");
    }
}
