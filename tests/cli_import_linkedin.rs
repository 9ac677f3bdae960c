//! `import --from linkedin`: a LinkedIn data export (the CSV files of
//! tests/fixtures/linkedin, zipped here, and broken variants) through the real binary.

mod common;

use std::io::{Cursor, Write};

use common::*;
use serde_json::Value;

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default().trim()
}

/// The LinkedIn export of tests/fixtures/linkedin, zipped, with `extra` files added and
/// the files named in `leave_out` left out.
fn linkedin_zip(extra: &[(&str, Vec<u8>)], leave_out: &[&str]) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixtures().join("linkedin"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "csv"))
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            (name, std::fs::read(&path).unwrap())
        })
        .filter(|(name, _)| !leave_out.contains(&name.as_str()))
        .collect();
    files.extend(
        extra
            .iter()
            .map(|(name, bytes)| (name.to_string(), bytes.clone())),
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_linkedin_export_becomes_a_record() {
    let env = TestEnv::migrated();
    let path = env.write("Basic_LinkedInDataExport.zip", linkedin_zip(&[], &[]));
    let record = env.json(&["import", path.to_str().unwrap(), "--from", "linkedin"]);
    assert_eq!(
        record["title"],
        "Zoë Łukasiewicz-Ångström – Staff Data Engineer"
    );
    let resume = &record["structured_output"]["resume_json"];
    assert_eq!(
        resume["contact"]["email"], "zoe@example.com",
        "the primary email wins"
    );
    assert_eq!(resume["contact"]["phone"], "+49 30 1234567");
    assert_eq!(resume["contact"]["location"], "Berlin, Germany");
    let jobs = array(&resume["experience"]);
    let companies: Vec<&str> = jobs.iter().map(|job| text(&job["company"])).collect();
    assert_eq!(companies, ["Northwind Pay", "Contoso Bank, AG", "Fabrikam"]);
    assert_eq!(jobs[0]["end_date"], "Present");
    assert_eq!(
        array(&jobs[0]["bullets"]).last().unwrap(),
        "-30% cloud spend after the move",
        "a minus that is no list marker is kept"
    );
    assert_eq!(jobs[1]["start_date"], "Jan 2017");
    assert_eq!(
        jobs[1]["bullets"],
        serde_json::json!([
            "Designed fraud features in SQL and dbt",
            "Raised detection recall by 12 points"
        ])
    );
    assert!(text(&resume["summary"]).contains("\"boring\" reliability"));
    assert_eq!(
        resume["skills"]["Skills"],
        serde_json::json!(["Python", "SQL", "Apache Airflow"])
    );
    assert_eq!(
        resume["education"][0]["institution"],
        "Technical University of Munich"
    );
    let notes: Vec<String> = array(&record["notes"])
        .iter()
        .map(|note| format!("{}: {}", text(&note["path"]), text(&note["message"])))
        .collect();
    for expected in [
        "Profile.csv:2: Birth Date",
        "Email Addresses.csv:2: Email Address: old@example.org",
        "Positions.csv:7: Started On: \"2015\" has no month",
        "Certifications.csv:2: License Number",
        "Connections.csv",
    ] {
        assert!(
            notes.iter().any(|note| note.contains(expected)),
            "{expected} not in {notes:#?}"
        );
    }
    let id = record["id"].as_str().unwrap();
    assert_eq!(env.history(id)[0]["note"], "imported from linkedin");
    env.run(&["qa", id]).success();
}

#[test]
fn bad_archives_exit_5_and_write_nothing() {
    let env = TestEnv::migrated();
    let before = env.table_snapshot();
    let whole = linkedin_zip(&[], &[]);
    let cases: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = vec![
        (
            "broken.zip",
            whole[..whole.len() / 2].to_vec(),
            vec![],
            "not a readable ZIP",
        ),
        (
            "notes.zip",
            b"just text".to_vec(),
            vec![],
            "not a readable ZIP",
        ),
        (
            "no-profile.zip",
            linkedin_zip(&[], &["Profile.csv"]),
            vec![],
            "no Profile.csv",
        ),
        (
            "no-positions.zip",
            linkedin_zip(&[], &["Positions.csv"]),
            vec![],
            "no Positions.csv",
        ),
        (
            "bomb.zip",
            linkedin_zip(&[("messages.csv", vec![b'0'; 4 << 20])], &[]),
            vec!["--max-input-size", "1MiB"],
            "past the input limit",
        ),
    ];
    for (name, bytes, flags, expected) in cases {
        assert!(bytes.len() < 1 << 20, "{name} itself is small");
        let path = env.write(name, bytes);
        let mut args: Vec<&str> = flags;
        args.extend(["import", path.to_str().unwrap(), "--from", "linkedin"]);
        let out = env.run(&args).exits(Exit::InvalidInput);
        let message = error_message(&out);
        assert!(message.contains(expected), "{name}: {message}");
        assert!(message.contains(name), "{name}: {message}");
    }
    assert_eq!(env.table_snapshot(), before);
}
