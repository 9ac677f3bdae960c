//! `export --to pdf`: a tagged PDF typeset in process, checked with the tools people and
//! applicant tracking systems read PDFs with (poppler's pdfinfo, pdffonts, pdftotext);
//! templates confined to their folder; the cover note in every format; JSON Resume.

mod common;

use std::path::Path;

use common::pdf::*;
use common::*;
use serde_json::Value;

#[test]
fn the_pdf_is_tagged_titled_embeds_its_fonts_and_reads_in_order() {
    if !poppler("PDF test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "PDF", &hard_document());
    let report = env.json(&["export", &id, "--to", "pdf"]);
    let path = Path::new(report["path"].as_str().unwrap());
    assert!(path.ends_with("Jane_Doe_Senior_Data_Engineer_Northwind.pdf"));

    let info = tool(&env, "pdfinfo", path);
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(
        info.contains("Title:           Zoë Łukasiewicz-Ångström – Senior Data Engineer"),
        "{info}"
    );
    assert!(
        info.contains("Author:          Zoë Łukasiewicz-Ångström"),
        "{info}"
    );
    assert!(info.contains("(A4)"), "{info}");
    let pages = pages(&env, path);
    assert!((1..=2).contains(&pages), "{pages} pages");

    assert_fonts_embedded(&env, path);

    let text = tool(&env, "pdftotext", path);
    assert_in_order(
        &text,
        &[
            "Zoë Łukasiewicz-Ångström",
            "EXPERIENCE",
            "Built #read(\"/etc/passwd\") and $x$ *bold* <script>alert(1)</script> pipelines",
            "Ελληνικά και русский текст: Ärger, façade, naïve",
            "EDUCATION",
            "CERTIFICATIONS",
            "SKILLS",
        ],
    );
    // Excluded: the summary, the second job and its bullet.
    assert!(!text.contains("SUMMARY"), "{text}");
    assert!(!text.contains("Contoso Bank"), "{text}");
    assert!(!text.contains("Designed fraud features"), "{text}");
}

#[test]
fn paper_stdout_reuse_and_the_built_in_template_as_a_file() {
    if !poppler("PDF options test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record("Options");
    let letter = [
        "export",
        &id,
        "--to",
        "pdf",
        "--paper",
        "letter",
        "-o",
        "letter.pdf",
    ];
    assert_eq!(env.json(&letter)["reused"], false);
    let info = tool(&env, "pdfinfo", &env.path("letter.pdf"));
    assert!(info.contains("(letter)"), "{info}");
    // The same version, paper and template: reused; another paper: made again.
    assert_eq!(env.json(&letter)["reused"], true);
    let a4 = ["export", &id, "--to", "pdf", "-o", "letter.pdf"];
    assert_eq!(env.json(&a4)["reused"], false);

    let piped = env
        .run(&["export", &id, "--to", "pdf", "-o", "-"])
        .success();
    assert!(piped.get_output().stdout.starts_with(b"%PDF-"));

    // The shipped template, given as a file, is the built-in one; changing it is a change.
    let template = env.write(
        "brand.typ",
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/resume.typ"))
            .unwrap(),
    );
    let with = [
        "export",
        &id,
        "--to",
        "pdf",
        "-o",
        "brand.pdf",
        "--template",
    ];
    let first = json_stdout(&env.cmd().args(with).arg(&template).assert().success());
    assert_eq!(first["reused"], false);
    let text = tool(&env, "pdftotext", &env.path("brand.pdf"));
    assert!(
        text.contains("Jane Doe") && text.contains("EXPERIENCE"),
        "{text}"
    );
    assert_eq!(
        json_stdout(&env.cmd().args(with).arg(&template).assert().success())["reused"],
        true
    );
    std::fs::write(
        &template,
        "#let resume = json(\"/resume.json\")\n= Branded #resume.name\n",
    )
    .unwrap();
    let changed = json_stdout(&env.cmd().args(with).arg(&template).assert().success());
    assert_eq!(changed["reused"], false);
    let text = tool(&env, "pdftotext", &env.path("brand.pdf"));
    assert!(text.contains("Branded Jane Doe"), "{text}");
}

#[test]
fn a_template_reads_beside_itself_and_nothing_outside() {
    let env = TestEnv::migrated();
    let id = env.create_record("Templates");
    let brand = env.path("brand");
    std::fs::create_dir(&brand).unwrap();
    let secret = env.write("secret.txt", "TOP SECRET");
    std::fs::write(brand.join("motto.txt"), "Acme Talent").unwrap();
    std::os::unix::fs::symlink(secret, brand.join("link.txt")).unwrap();
    let export = |template: &str| {
        std::fs::write(brand.join("t.typ"), template).unwrap();
        env.cmd()
            .args(["export", &id, "--to", "pdf", "-o", "-", "--template"])
            .arg(brand.join("t.typ"))
            .assert()
    };
    let beside = export("#read(\"motto.txt\")");
    assert!(beside.get_output().stdout.starts_with(b"%PDF-"));
    for outside in [
        "#read(\"../secret.txt\")",
        "#read(\"link.txt\")",
        "#read(\"/etc/passwd\")",
        "#import \"@preview/example:0.1.0\": *",
    ] {
        let refused = export(outside).exits(Exit::InvalidInput);
        let message = error_message(&refused);
        assert!(message.contains("t.typ:1:"), "{outside}: {message}");
        assert!(!message.contains("TOP SECRET"), "{message}");
    }
    let broken = export("#let x = 1\n\n#let = broken\n").exits(Exit::InvalidInput);
    let message = error_message(&broken);
    assert!(message.contains("t.typ:3:"), "{message}");
}

#[test]
fn the_cover_note_comes_in_every_format() {
    let env = TestEnv::migrated();
    let id = env.create_record("Cover");
    for format in ["txt", "md", "html", "docx", "pdf"] {
        let report = env.json(&["export", &id, "--to", format, "--cover-note"]);
        let path = report["path"].as_str().unwrap();
        assert!(path.ends_with(&format!("_cover_note.{format}")), "{path}");
    }
    let exported = env.run(&["export", &id, "--to", "txt", "--cover-note", "-o", "-"]);
    let text = String::from_utf8(exported.success().get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("Jane Doe\n"), "{text}");
    assert!(text.contains("Dear hiring team"), "{text}");
    if poppler("cover note PDF test") {
        let pdf = env.path("Jane_Doe_Senior_Data_Engineer_Northwind_cover_note.pdf");
        let text = tool(&env, "pdftotext", &pdf);
        assert_in_order(
            &text,
            &[
                "Jane Doe",
                "Senior Data Engineer, Payments: Jane Doe",
                "Dear hiring team",
            ],
        );
        assert!(!text.contains("EXPERIENCE"), "{text}");
        let info = tool(&env, "pdfinfo", &pdf);
        assert!(info.contains("Pages:           1"), "{info}");
    }
    env.run(&["export", &id, "--to", "jsonresume", "--cover-note"])
        .exits(Exit::Usage);
}

#[test]
fn a_json_resume_export_follows_the_json_resume_schema() {
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "JSON Resume", &hard_document());
    let out = env
        .run(&["export", &id, "--to", "jsonresume", "-o", "-"])
        .success();
    let resume: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/jsonresume.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&resume)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{resume:#}");
    assert_eq!(resume["basics"]["name"], "Zoë Łukasiewicz-Ångström");
    assert_eq!(
        resume["work"].as_array().unwrap().len(),
        1,
        "the excluded job stays out"
    );
    assert_eq!(resume["work"][0]["startDate"], "2021-03");
    assert!(
        resume["work"][0].get("endDate").is_none(),
        "Present has no end"
    );
    assert!(
        resume["basics"].get("summary").is_none(),
        "the excluded summary stays out"
    );
}
