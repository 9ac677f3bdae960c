//! Every theme read by an ATS parser that is not ours: a port of OpenResume's
//! (`tests/ats/openresume.py`, on pdfminer.six, checked item for item against OpenResume's
//! own TypeScript on pdf.js). It must find the name, email and phone, each job as its own
//! entry with its company, title and dates, each school, and the standard headings.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::pdf::{THEMES, export_theme};
use common::*;

/// python3 with pdfminer.six; under CI=true its absence fails the test, else the test is
/// skipped, loudly.
fn pdfminer(test: &str) -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", "import pdfminer"])
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|value| value == "true") {
        panic!("{test}: python3 with pdfminer.six is not installed; .ci/run installs it");
    }
    eprintln!(
        "\n*** SKIPPED {test}: pdfminer.six is not installed (pip install pdfminer.six) ***\n"
    );
    false
}

/// The example with what OpenResume's patterns expect of a contact (its phone pattern is
/// the North American one, its location "City, ST"), and a second school with notes.
fn ats_document() -> Value {
    let mut document = example();
    for contact in ["/resume_json/contact", "/ui/contact_information/fields"] {
        let contact = document.pointer_mut(contact).unwrap();
        contact["phone"] = json!("(512) 555-0142");
        contact["location"] = json!("Austin, TX");
    }
    document["resume_json"]["education"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "degree": "B.Sc. Mathematics",
            "institution": "University of Texas at Austin",
            "notes": "2010 – 2014, GPA 3.8"
        }));
    document
}

/// What the parser reads from `pdf`.
fn parse(pdf: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ats/openresume.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(pdf)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "the parser: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the parser prints JSON")
}

fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {value:#}"))
}

#[test]
fn an_ats_parser_reads_every_theme_whole() {
    if !pdfminer("ATS test") {
        return;
    }
    let env = TestEnv::migrated();
    let id = env.create_record_as(USER, "ATS", &ats_document());
    for theme in THEMES {
        let (file, _) = export_theme(&env, &id, theme, &[]);
        let read = parse(&file);
        let context = format!("{theme}: {read:#}");
        assert_eq!(text(&read, "/profile/name"), "Jane Doe", "{context}");
        assert_eq!(
            text(&read, "/profile/email"),
            "jane.doe@example.com",
            "{context}"
        );
        assert_eq!(text(&read, "/profile/phone"), "(512) 555-0142", "{context}");
        let jobs = read["workExperiences"].as_array().expect("jobs");
        let expected = [
            (
                "Northwind Pay",
                "Senior Data Engineer",
                "Mar 2021 – Present",
                2,
            ),
            ("Contoso Bank", "Data Engineer", "Jan 2017 – Feb 2021", 1),
        ];
        assert_eq!(
            jobs.len(),
            expected.len(),
            "each job its own entry: {context}"
        );
        for (job, (company, title, dates, bullets)) in jobs.iter().zip(expected) {
            assert!(text(job, "/company").starts_with(company), "{context}");
            assert_eq!(text(job, "/jobTitle"), title, "{context}");
            assert_eq!(text(job, "/date"), dates, "{context}");
            assert_eq!(
                job["descriptions"].as_array().unwrap().len(),
                bullets,
                "{context}"
            );
        }
        let schools = read["educations"].as_array().expect("schools");
        let expected = [
            ("Technical University of Munich", "M.Sc. Computer Science"),
            ("University of Texas at Austin", "B.Sc. Mathematics"),
        ];
        assert_eq!(
            schools.len(),
            expected.len(),
            "each school its own entry: {context}"
        );
        for (school, (name, degree)) in schools.iter().zip(expected) {
            assert_eq!(text(school, "/school"), name, "{context}");
            assert_eq!(text(school, "/degree"), degree, "{context}");
        }
        let sections: Vec<&str> = read["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|section| section.as_str().unwrap())
            .collect();
        for heading in ["SUMMARY", "EXPERIENCE", "EDUCATION", "SKILLS"] {
            assert!(sections.contains(&heading), "{heading}: {context}");
        }
    }
}
