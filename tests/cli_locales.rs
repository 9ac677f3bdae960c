//! `export --to pdf --locale TAG`: headings, "Present" and month names in every language
//! of assets/locales.toml (read here, so that a language added there is tested), the
//! document's own language by default, and the document's text never translated.

mod common;

use std::collections::BTreeMap;

use common::pdf::*;
use common::*;
use serde_json::json;

/// Every language of the catalogue: (tag, its table).
fn catalogue() -> BTreeMap<String, toml::Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/locales.toml"))
        .unwrap();
    toml::from_str(&text).unwrap()
}

fn words(table: &toml::Value, key: &str) -> String {
    table[key].as_str().unwrap().to_string()
}

/// The PDF's text, exported with `extra` flags.
fn pdf_text(env: &TestEnv, id: &str, extra: &[&str]) -> String {
    let file = env.path(&format!("{id}-{}.pdf", extra.join("-")));
    let file_arg = file.display().to_string();
    env.run(
        &[
            &["export", id, "--to", "pdf", "--force", "-o", &file_arg],
            extra,
        ]
        .concat(),
    )
    .success();
    tool(env, "pdftotext", &file)
}

#[test]
fn every_language_writes_its_headings_months_and_present() {
    if !poppler("locale test") {
        return;
    }
    let env = TestEnv::migrated();
    // A bullet that says "Present" and "Mar 2021" is the document's text: kept.
    let document = example_with(
        "/resume_json/experience/0/bullets/0",
        json!("Present at Mar 2021 all-hands"),
    );
    let id = env.create_record_as(USER, "Languages", &document);
    let languages = catalogue();
    for tag in ["en", "de", "fr", "es", "pt", "it", "nl", "pl"] {
        assert!(languages.contains_key(tag), "{tag} is in the catalogue");
    }
    for (tag, table) in &languages {
        let text = pdf_text(&env, &id, &["--locale", tag]);
        let months: Vec<String> = table["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|month| month.as_str().unwrap().to_string())
            .collect();
        // The example's first job: Mar 2021 – Present; the second: Jan 2017 – Feb 2021.
        let first = words(table, "date")
            .replace("{month}", &months[2])
            .replace("{year}", "2021");
        let present = words(table, "present");
        assert_in_order(
            &text,
            &[
                &words(table, "experience").to_uppercase(),
                &format!("{first} – {present}"),
                "Present at Mar 2021 all-hands",
                &words(table, "education").to_uppercase(),
                &words(table, "skills").to_uppercase(),
            ],
        );
        let second = words(table, "date")
            .replace("{month}", &months[0])
            .replace("{year}", "2017");
        assert!(text.contains(&second), "{tag}: {second} in\n{text}");
    }
}

#[test]
fn the_document_names_its_language_and_the_flag_overrides_it() {
    if !poppler("document language test") {
        return;
    }
    let env = TestEnv::migrated();
    let mut document = example();
    document["resume_json"]["language"] = json!("de-DE");
    let id = env.create_record_as(USER, "Deutsch", &document);
    let text = pdf_text(&env, &id, &[]);
    assert!(
        text.contains("BERUFSERFAHRUNG") && text.contains("März 2021 – heute"),
        "{text}"
    );
    let text = pdf_text(&env, &id, &["--locale", "en"]);
    assert!(
        text.contains("EXPERIENCE") && text.contains("Mar 2021 – Present"),
        "{text}"
    );
}

#[test]
fn an_unknown_language_or_a_language_for_a_format_without_headings_is_refused() {
    let env = TestEnv::migrated();
    let id = env.create_record("Refused");
    let assert = env
        .run(&["export", &id, "--to", "pdf", "--locale", "tlh"])
        .exits(Exit::Usage);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains("tlh") && stderr.contains("en, de"),
        "{stderr}"
    );
    for format in ["txt", "jsonresume"] {
        let refused = env.run(&["export", &id, "--to", format, "--locale", "de", "-o", "-"]);
        assert!(error_message(&refused.exits(Exit::Usage)).contains("md, html, docx"));
    }
}

#[test]
fn markdown_html_and_docx_speak_the_language_too_and_are_made_again_in_another() {
    let env = TestEnv::migrated();
    let mut document = example();
    document["resume_json"]["language"] = json!("fr");
    let id = env.create_record_as(USER, "Français", &document);
    let languages = catalogue();
    let (french, german) = (&languages["fr"], &languages["de"]);
    // The document's language, as for a PDF.
    let markdown = env.run(&["export", &id, "--to", "md", "-o", "-"]).success();
    let markdown = String::from_utf8_lossy(&markdown.get_output().stdout).into_owned();
    assert!(
        markdown.contains(&format!("## {}", words(french, "experience")))
            && markdown.contains(&words(french, "present")),
        "{markdown}"
    );
    // --locale over it, in a file: another language is another file, not a reuse.
    let page = env.path("page.html");
    let page_arg = page.display().to_string();
    env.run(&["export", &id, "--to", "html", "-o", &page_arg])
        .success();
    let report = env.json(&[
        "export", &id, "--to", "html", "-o", &page_arg, "--locale", "de",
    ]);
    assert_eq!(report["reused"], false);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<html lang=\"de\">"), "{html}");
    assert!(
        html.contains(&format!("<h2>{}</h2>", words(german, "education"))),
        "{html}"
    );
    let report = env.json(&[
        "export", &id, "--to", "html", "-o", &page_arg, "--locale", "de",
    ]);
    assert_eq!(report["reused"], true);
    // The docx: its text, unzipped, holds the heading.
    let docx = env
        .run(&["export", &id, "--to", "docx", "--locale", "de", "-o", "-"])
        .success();
    let bytes = docx.get_output().stdout.clone();
    assert!(bytes.starts_with(b"PK"), "a zip");
    let archive = env.write("resume.docx", bytes);
    let unzipped = env
        .program("python3")
        .args(["-c", "import sys,zipfile; print(zipfile.ZipFile(sys.argv[1]).read('word/document.xml').decode())"])
        .arg(&archive)
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&unzipped.stdout);
    // Word headings are set in capitals.
    assert!(
        xml.contains(&words(german, "skills").to_uppercase()),
        "{xml}"
    );
}
