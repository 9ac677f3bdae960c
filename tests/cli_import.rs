//! `import`: JSON Resume files and LinkedIn data exports made into records, through the
//! real binary: the round trip back through `export --to jsonresume`, the notes, the
//! version's note and actor, `--id` with `--if-version`, `--dry-run`, and every refused
//! input exiting 5 with nothing written.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn jsonresume(name: &str) -> PathBuf {
    fixtures().join("jsonresume").join(name)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// JSON Resume files of every kind the round trip is promised for.
const RESUMES: [&str; 6] = [
    "sample.resume.json",
    "career-changer.resume.json",
    "new-grad.resume.json",
    "senior-engineer.resume.json",
    "own-several-jobs.resume.json",
    "own-minimal.resume.json",
];

/// A date to the month ("2013-12"), or the year when that is all there was.
fn to_month(date: &Value) -> Option<String> {
    date.as_str().map(|date| date.chars().take(7).collect())
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default().trim()
}

fn assert_round_trip(name: &str, original: &Value, back: &Value) {
    for key in ["name", "email", "phone", "url", "summary"] {
        assert_eq!(
            text(&original["basics"][key]),
            text(&back["basics"][key]),
            "{name}: basics.{key}"
        );
    }
    let (jobs, jobs_back) = (array(&original["work"]), array(&back["work"]));
    assert_eq!(jobs.len(), jobs_back.len(), "{name}: work");
    for (index, (job, job_back)) in jobs.iter().zip(jobs_back).enumerate() {
        assert_eq!(
            text(&job["name"]),
            text(&job_back["name"]),
            "{name}: work {index}"
        );
        assert_eq!(
            job["position"], job_back["position"],
            "{name}: work {index}"
        );
        for date in ["startDate", "endDate"] {
            assert_eq!(
                to_month(&job[date]),
                to_month(&job_back[date]),
                "{name}: work {index} {date}"
            );
        }
        let highlights = if job["highlights"].is_null() {
            Value::Array(Vec::new())
        } else {
            job["highlights"].clone()
        };
        assert_eq!(highlights, job_back["highlights"], "{name}: work {index}");
    }
    let (schools, schools_back) = (array(&original["education"]), array(&back["education"]));
    assert_eq!(schools.len(), schools_back.len(), "{name}: education");
    for (school, back) in schools.iter().zip(schools_back) {
        for key in ["institution", "studyType", "area", "score"] {
            assert_eq!(
                text(&school[key]),
                text(&back[key]),
                "{name}: education {key}"
            );
        }
        for date in ["startDate", "endDate"] {
            assert_eq!(
                to_month(&school[date]),
                to_month(&back[date]),
                "{name}: {date}"
            );
        }
    }
    for skill in array(&original["skills"]) {
        let group = skill["name"].as_str().unwrap_or("Skills");
        let back = array(&back["skills"])
            .iter()
            .find(|back| back["name"] == group)
            .unwrap_or_else(|| panic!("{name}: skill group {group} is missing"));
        for keyword in array(&skill["keywords"]) {
            assert!(
                array(&back["keywords"]).contains(keyword),
                "{name}: {group} lost {keyword}"
            );
        }
    }
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

#[test]
fn json_resumes_round_trip_through_export() {
    let env = TestEnv::migrated();
    for name in RESUMES {
        let path = jsonresume(name);
        let record = env.json(&["import", path.to_str().unwrap(), "--from", "jsonresume"]);
        let id = record["id"].as_str().unwrap();
        let out = env
            .run(&["export", id, "--to", "jsonresume", "-o", "-"])
            .success();
        let back: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_round_trip(name, &read_json(&path), &back);
        // What was imported is a document `validate` passes, and its text what export --to txt gives.
        let document = env.json(&["get", id, "--field", "structured_output"]);
        env.run_with(&["validate", "-"], document.to_string())
            .success();
        let txt = env.run(&["export", id, "--to", "txt", "-o", "-"]).success();
        assert_eq!(
            String::from_utf8_lossy(&txt.get_output().stdout),
            record["optimized_content"].as_str().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn an_import_names_what_found_no_place_and_records_who_and_how() {
    let env = TestEnv::migrated();
    let path = jsonresume("sample.resume.json");
    let record = env.json(&["import", path.to_str().unwrap(), "--from", "jsonresume"]);
    assert_eq!(record["title"], "Richard Hendriks – Programmer");
    assert_eq!(record["version"], 1);
    let paths: Vec<&str> = array(&record["notes"])
        .iter()
        .map(|note| note["path"].as_str().unwrap())
        .collect();
    for expected in [
        "/references",
        "/publications",
        "/work/0/summary",
        "/skills/0/level",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    assert!(!paths.contains(&"/meta"), "{paths:?}");
    let document = &record["structured_output"];
    assert_eq!(
        document["resume_json"]["experience"][0]["start_date"],
        "Dec 2013"
    );
    assert_eq!(document["ui"]["work_experience"]["include"], true);
    let id = record["id"].as_str().unwrap();
    let history = env.history(id);
    assert_eq!(history[0]["note"], "imported from jsonresume");
    assert!(!history[0]["actor"].as_str().unwrap().is_empty());
}

#[test]
fn a_json_resume_the_schema_refuses_exits_5_at_its_path_and_writes_nothing() {
    let env = TestEnv::migrated();
    let before = env.table_snapshot();
    let bad = r#"{"work": [{"name": "A", "startDate": "2020-01"}, {"name": "B", "startDate": "Dec 2013"}]}"#;
    let out = env
        .run_with(&["import", "-", "--from", "jsonresume"], bad)
        .exits(Exit::InvalidInput);
    let message = error_message(&out);
    assert!(message.contains("/work/1/startDate"), "{message}");
    assert!(message.contains("Dec 2013"), "{message}");
    let out = env
        .run_with(
            &["import", "-", "--from", "jsonresume"],
            r#"{"basics": {"name": 7}}"#,
        )
        .exits(Exit::InvalidInput);
    assert!(error_message(&out).contains("/basics/name"));
    let out = env
        .run_with(
            &["import", "-", "--from", "jsonresume"],
            "{\n  \"basics\": }",
        )
        .exits(Exit::InvalidInput);
    assert!(
        error_message(&out).contains("line 2"),
        "{}",
        error_message(&out)
    );
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_site_or_email_written_loosely_is_imported_as_written() {
    // The schema's email and uri formats are not enforced: only its types and dates are.
    let env = TestEnv::migrated();
    let resume = r#"{"basics": {"name": "Ada", "url": "ada.dev", "email": ""},
                     "work": [{"name": "Engines", "url": "", "startDate": "1999"}]}"#;
    let out = env
        .run_with(
            &["import", "-", "--from", "jsonresume", "--dry-run"],
            resume,
        )
        .success();
    let document = json_stdout(&out);
    assert_eq!(document["resume_json"]["contact"]["url"], "ada.dev");
    assert_eq!(
        document["resume_json"]["experience"][0]["start_date"],
        "Jan 1999"
    );
    let notes = stderr_text(&out);
    assert!(notes.contains("/work/0/startDate"), "{notes}");
    assert!(notes.contains("has no month"), "{notes}");
}

#[test]
fn dry_run_prints_the_document_and_writes_nothing() {
    let env = TestEnv::migrated();
    let before = env.table_snapshot();
    let path = jsonresume("own-several-jobs.resume.json");
    let out = env
        .run(&["import", path.to_str().unwrap(), "--dry-run"])
        .success();
    let document = json_stdout(&out);
    assert_eq!(document["resume_json"]["name"], "Zoë Łukasiewicz-Ångström");
    assert_eq!(
        document["resume_json"]["experience"][1]["end_date"],
        "Present"
    );
    let contact = &document["resume_json"]["contact"];
    assert_eq!(contact["linkedin"], "linkedin.com/in/zoe-angstrom");
    assert_eq!(contact["location"], "Berlin, DE");
    assert_eq!(document["resume_json"]["extras"][0]["label"], "GitHub");
    assert_eq!(
        document["resume_json"]["skills"]["Data"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    env.run_with(&["validate", "-"], document.to_string())
        .success();
    assert_eq!(env.table_snapshot(), before);
    // No database and no user are needed to look.
    let mut offline = env.process();
    offline
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .env_remove("RESUMECTL_USER")
        .args(["import", path.to_str().unwrap(), "--dry-run"]);
    Exit::Success.of_output(&offline.output().unwrap());
}

#[test]
fn id_writes_a_new_version_under_if_version() {
    let env = TestEnv::migrated();
    let id = env.save(&example());
    let path = jsonresume("own-minimal.resume.json");
    let path = path.to_str().unwrap();
    let record = env.json(&[
        "import",
        path,
        "--from",
        "jsonresume",
        "--id",
        &id,
        "--if-version",
        "1",
        "--note",
        "from the applicant",
    ]);
    assert_eq!(record["version"], 2);
    assert_eq!(record["title"], "A resume", "an update keeps the title");
    assert!(
        record["optimized_content"]
            .as_str()
            .unwrap()
            .starts_with("ADA LOVELACE\n")
    );
    assert_eq!(
        env.history(&id)[1]["note"],
        "imported from jsonresume: from the applicant"
    );
    let before = env.table_snapshot();
    env.run(&[
        "import",
        path,
        "--from",
        "jsonresume",
        "--id",
        &id,
        "--if-version",
        "1",
    ])
    .exits(Exit::Conflict);
    env.run(&["import", path, "--from", "jsonresume", "--if-version", "1"])
        .exits(Exit::Usage);
    assert_eq!(env.table_snapshot(), before);
    let titled = env.json(&["import", path, "--title", "Ada, 1843"]);
    assert_eq!(titled["title"], "Ada, 1843");
}
