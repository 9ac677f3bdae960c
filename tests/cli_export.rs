//! `export`: txt, md, html and docx files from the saved document, noted in
//! export_formats and reused while the version is unchanged.

mod common;

use common::*;
use serde_json::{Value, json};

fn export(env: &TestEnv, id: &str, args: &[&str]) -> Value {
    env.json(&[&["export", id], args].concat())
}

const FILE_STEM: &str = "Jane_Doe_Senior_Data_Engineer_Northwind";

#[test]
fn export_writes_each_format_under_the_suggested_name_and_notes_it() {
    let env = TestEnv::migrated();
    let id = env.create_record("Exported");
    for format in ["txt", "md", "html", "docx"] {
        let report = export(&env, &id, &["--to", format]);
        let path = env.path(&format!("{FILE_STEM}.{format}"));
        assert_eq!(report["path"], path.display().to_string());
        assert_eq!(report["reused"], false);
        assert_eq!(report["bytes"], std::fs::metadata(&path).unwrap().len());
    }
    let txt = std::fs::read_to_string(env.path(&format!("{FILE_STEM}.txt"))).unwrap();
    assert_eq!(
        txt,
        example()["tailored_resume_text"]["ats_plain_text"]
            .as_str()
            .unwrap()
    );
    let notes = env.json(&["get", &id, "--field", "export_formats"]);
    for format in ["txt", "md", "html", "docx"] {
        let note = &notes["resumectl_exports"][format];
        assert_eq!(note["version"], 1, "{notes}");
        assert_eq!(note["sha256"].as_str().unwrap().len(), 64);
    }
    // The note keeps export_formats valid for its schema.
    let file = env.write("formats.json", notes.to_string());
    env.run(&[
        "validate",
        "--kind",
        "export-formats",
        file.to_str().unwrap(),
    ])
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
    let path = env.path("cv.html");
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
        .run(&["export", &id, "--to", "html", "-o", "cv.html"])
        .exits(Exit::InvalidInput);
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
    env.run(&["save", &id, "--match-score", "50"]).success();
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
    let id = env.save(&document);
    let assert = env.run(&["export", &id, "--to", "md", "-o", "-"]).success();
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
    let mut document = example_with("/resume_json/name", json!("<script>alert(1)</script>"));
    document["resume_json"]["experience"][0]["bullets"][0] =
        json!("\"><img src=x onerror=alert(1)> & <a href='http://evil'>");
    let id = env.save(&document);
    let assert = env
        .run(&["export", &id, "--to", "html", "-o", "-"])
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
    env.run(&["export", &bobs, "--to", "txt", "-o", "-"])
        .exits(Exit::NotFound);
    env.run(&["export", &id, "--to", "rtf"]).exits(Exit::Usage);
    env.run(&["export", "nope", "--to", "txt"])
        .exits(Exit::InvalidInput);
    let folder = env.path("folder");
    std::fs::create_dir(&folder).unwrap();
    let assert = env
        .run(&["export", &id, "--to", "md", "-o", folder.to_str().unwrap()])
        .exits(Exit::InvalidInput);
    assert!(error_message(&assert).contains("is a directory"));
    // A record without a document still exports its plain text, and nothing else.
    env.run(&["save", &id, "--clear", "structured_output"])
        .success();
    env.run(&["export", &id, "--to", "txt", "-o", "-"])
        .success();
    let assert = env
        .run(&["export", &id, "--to", "docx", "-o", "x.docx"])
        .exits(Exit::InvalidInput);
    assert!(error_message(&assert).contains("no structured_output"));
    assert!(!env.path("x.docx").exists());
}

/// The docx opens in LibreOffice: it converts to a PDF that holds the resume's text.
#[test]
fn docx_opens_in_libreoffice() {
    let env = TestEnv::migrated();
    let Some(office) = ["libreoffice", "soffice"]
        .into_iter()
        .find(|name| env.program(name).arg("--version").output().is_ok())
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
    let id = env.save(&example_with("/resume_json/name", json!("Jane <Doe> & Co")));
    export(&env, &id, &["--to", "docx", "-o", "cv.docx"]);
    let profile = env.path("office-profile");
    let converted = env
        .program(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(env.dir.path())
        .arg(env.path("cv.docx"))
        .output()
        .unwrap();
    let pdf = env.path("cv.pdf");
    assert!(
        pdf.exists(),
        "LibreOffice did not convert the docx: {}",
        String::from_utf8_lossy(&converted.stderr)
    );
    if let Ok(text) = env.program("pdftotext").arg(&pdf).arg("-").output() {
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Jane <Doe> & Co"), "{text}");
        assert!(text.contains("Northwind Pay"), "{text}");
    }
}
