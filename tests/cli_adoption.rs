//! Adoption: `migrate`, `migrate status` and every record command on the tables web
//! applications really leave behind. Each variant starts from the application's own DDL
//! and one record it wrote (before resumectl kept history), then runs every command.

mod common;

use common::*;
use serde_json::json;

/// The record the web application wrote, in every variant.
const APP_RECORD: &str = "cccccccc-0000-0000-0000-000000000001";

struct Variant {
    /// The application's DDL and its record.
    schema: &'static str,
    /// The ids `save --new` must be given (foreign keys), when any.
    new_record_ids: Option<(&'static str, &'static str)>,
    /// Columns the application's record holds NULL in.
    nulls: &'static [&'static str],
}

/// As documented: VARCHAR(255) user id, NOT NULL ids, TIMESTAMPTZ with defaults.
const DOCUMENTED: Variant = Variant {
    schema: "
        CREATE TABLE optimized_resumes (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id VARCHAR(255) NOT NULL,
            original_resume_id UUID NOT NULL,
            job_analysis_id UUID NOT NULL,
            title VARCHAR(255) NOT NULL,
            optimized_content TEXT NOT NULL,
            optimization_summary JSONB NOT NULL,
            match_score INTEGER,
            improvements_made TEXT[], keywords_added TEXT[], skills_highlighted TEXT[],
            created_at TIMESTAMPTZ DEFAULT now(), updated_at TIMESTAMPTZ DEFAULT now());
        INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, title,
                                       optimized_content, optimization_summary)
        VALUES ('cccccccc-0000-0000-0000-000000000001', 'user-alice', gen_random_uuid(),
                gen_random_uuid(), 'Made by the web app', 'PLAIN TEXT', '{}');",
    new_record_ids: None,
    nulls: &["match_score", "keywords_added", "structured_output"],
};

/// Loose: user id TEXT, every column but id and user id nullable and NULL, TIMESTAMP
/// without time zone, no default for id or updated_at.
const LOOSE: Variant = Variant {
    schema: "
        CREATE TABLE optimized_resumes (
            id UUID PRIMARY KEY,
            user_id TEXT NOT NULL,
            original_resume_id UUID, job_analysis_id UUID,
            title TEXT, optimized_content TEXT, optimization_summary JSONB,
            match_score INTEGER,
            improvements_made TEXT[], keywords_added TEXT[], skills_highlighted TEXT[],
            created_at TIMESTAMP, updated_at TIMESTAMP);
        INSERT INTO optimized_resumes (id, user_id)
        VALUES ('cccccccc-0000-0000-0000-000000000001', 'user-alice');",
    new_record_ids: None,
    nulls: &[
        "original_resume_id",
        "job_analysis_id",
        "title",
        "optimized_content",
        "optimization_summary",
        "match_score",
        "improvements_made",
        "created_at",
        "updated_at",
    ],
};

/// Linked: foreign keys to the application's users, resumes and job analyses, extra NOT
/// NULL columns with defaults, its own index names, VARCHAR(64) user ids.
const LINKED: Variant = Variant {
    schema: "
        CREATE TABLE users (id VARCHAR(64) PRIMARY KEY);
        CREATE TABLE resumes (id UUID PRIMARY KEY);
        CREATE TABLE job_analyses (id UUID PRIMARY KEY);
        CREATE TABLE optimized_resumes (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id VARCHAR(64) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            original_resume_id UUID NOT NULL REFERENCES resumes(id),
            job_analysis_id UUID REFERENCES job_analyses(id),
            title VARCHAR(255) NOT NULL,
            optimized_content TEXT NOT NULL,
            optimization_summary JSONB NOT NULL DEFAULT '{}',
            match_score INTEGER CHECK (match_score BETWEEN 0 AND 100),
            improvements_made TEXT[], keywords_added TEXT[], skills_highlighted TEXT[],
            template_id VARCHAR(50) NOT NULL DEFAULT 'modern',
            tenant INTEGER NOT NULL DEFAULT 1,
            structured_output JSONB, qa_metrics JSONB,
            created_at TIMESTAMP NOT NULL DEFAULT now(), updated_at TIMESTAMP);
        CREATE INDEX app_resumes_by_user ON optimized_resumes (user_id);
        CREATE INDEX app_resumes_document ON optimized_resumes USING gin (structured_output);
        INSERT INTO users VALUES ('user-alice');
        INSERT INTO resumes VALUES ('aaaaaaaa-0000-0000-0000-000000000001');
        INSERT INTO job_analyses VALUES ('bbbbbbbb-0000-0000-0000-000000000001');
        INSERT INTO optimized_resumes (id, user_id, original_resume_id, title,
                                       optimized_content, qa_metrics)
        VALUES ('cccccccc-0000-0000-0000-000000000001', 'user-alice',
                'aaaaaaaa-0000-0000-0000-000000000001', 'Made by the web app', 'PLAIN',
                '{\"coverage\": 70, \"qa\": {\"kept\": true}}');",
    new_record_ids: Some((
        "aaaaaaaa-0000-0000-0000-000000000001",
        "bbbbbbbb-0000-0000-0000-000000000001",
    )),
    nulls: &["job_analysis_id", "structured_output", "updated_at"],
};

fn every_record_command(variant: &Variant) {
    let env = TestEnv::empty();
    env.execute(variant.schema);
    env.run(&["migrate"]).success();
    env.run(&["migrate"]).success();
    let status = env.json(&["migrate", "status"]);
    assert_eq!(status["up_to_date"], true, "{status}");

    // The application's record, its NULLs shown as null.
    let record = env.json(&["get", APP_RECORD]);
    for column in variant.nulls {
        assert!(record[column].is_null(), "{column} in {record}");
    }
    assert_eq!(record["version"], 0);
    for column in ["job_analysis_id", "title", "created_at", "match_score"] {
        env.run(&["get", APP_RECORD, "--field", column]).success();
    }
    env.run(&["--format", "table", "get", APP_RECORD]).success();
    // Before resumectl kept history: its current state is version 0.
    let history = env.json(&["history", APP_RECORD]);
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(history[0]["version"], 0);
    assert_eq!(
        env.json(&["get", APP_RECORD, "--version", "0"])["id"],
        APP_RECORD
    );
    let listed = env.json(&["list"]);
    assert_eq!(listed[0]["id"], APP_RECORD, "{listed}");

    // Writes: each a version, the first keeping version 0.
    env.save_to(APP_RECORD, &example(), &[]).success();
    let history = env.json(&["history", APP_RECORD]);
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![0, 1]);
    let diff = env.json(&["diff", APP_RECORD]);
    assert!(!diff["changes"].as_array().unwrap().is_empty(), "{diff}");
    let scored = env.json(&["set-qa", APP_RECORD, "--coverage", "81"]);
    assert_eq!(scored["qa_metrics"]["coverage"], 81);
    assert_eq!(scored["version"], 2);
    env.run(&["export", APP_RECORD, "--to", "md", "-o", "-"])
        .success();
    env.run(&["export", APP_RECORD, "--to", "docx"]).success();
    let restored = env.json(&["restore", APP_RECORD, "--version", "0"]);
    assert!(restored["structured_output"].is_null(), "{restored}");
    let editor = env.editor("sed -i 's/Senior Data Engineer/Staff Data Engineer/' \"$1\"");
    env.save_to(APP_RECORD, &example(), &[]).success();
    let edited = env
        .cmd()
        .env("EDITOR", &editor)
        .args(["edit", APP_RECORD])
        .assert()
        .success();
    assert_eq!(json_stdout(&edited)["version"], 5);

    // New records, alone and in a batch.
    let mut new = env.cmd();
    new.args(["save", "--new"]);
    if let Some((resume, analysis)) = variant.new_record_ids {
        new.args([
            "--original-resume-id",
            resume,
            "--job-analysis-id",
            analysis,
        ]);
    }
    let created = json_stdout(&new.arg(example_path()).assert().success());
    assert_eq!(created["version"], 1);
    let mut line = json!({"structured_output": example()});
    if let Some((resume, analysis)) = variant.new_record_ids {
        line["original_resume_id"] = json!(resume);
        line["job_analysis_id"] = json!(analysis);
    }
    let batch = env.write(
        "batch.ndjson",
        format!(
            "{line}\n{}\n",
            json!({"id": APP_RECORD, "match_score": 77, "note": "batch"})
        ),
    );
    let lines = json_lines(
        &env.cmd()
            .args(["save", "--ndjson"])
            .arg(&batch)
            .assert()
            .success(),
    );
    assert_eq!(lines[0]["status"], "created");
    assert_eq!(lines[1]["status"], "updated");

    // Delete goes to the trash; undelete puts the row and its history back as they were.
    let before = env.state(APP_RECORD);
    env.run(&["delete", APP_RECORD, "--yes"]).success();
    env.run(&["get", APP_RECORD]).exits(Exit::NotFound);
    env.run(&["undelete", APP_RECORD]).success();
    assert_eq!(env.state(APP_RECORD), before);
    env.run(&["delete", APP_RECORD, "--yes", "--permanent"])
        .success();
    env.run(&["undelete", APP_RECORD]).exits(Exit::NotFound);
}

#[test]
fn the_documented_table_works_with_every_command() {
    every_record_command(&DOCUMENTED);
}

#[test]
fn a_loose_table_with_text_user_ids_and_nulls_works_with_every_command() {
    every_record_command(&LOOSE);
}

#[test]
fn a_linked_table_with_foreign_keys_and_extra_columns_works_with_every_command() {
    every_record_command(&LINKED);
}

#[test]
fn a_foreign_key_refusal_says_which_option_to_give() {
    let env = TestEnv::empty();
    env.execute(LINKED.schema);
    env.run(&["migrate"]).success();
    let refused = env
        .cmd()
        .args(["save", "--new"])
        .arg(example_path())
        .assert()
        .exits(Exit::InvalidInput);
    let message = error_message(&refused);
    assert!(message.contains("--original-resume-id"), "{message}");
    // In a batch, the line's own key.
    let batch = env.write(
        "batch.ndjson",
        json!({"structured_output": example()}).to_string() + "\n",
    );
    let lines = json_lines(
        &env.cmd()
            .args(["save", "--ndjson"])
            .arg(&batch)
            .assert()
            .exits(Exit::InvalidInput),
    );
    let said = lines[0]["error"]["message"].as_str().unwrap();
    assert!(said.contains("give \"original_resume_id\""), "{said}");
}

#[test]
fn status_calls_a_text_user_id_fine_and_names_what_is_incompatible() {
    let env = TestEnv::empty();
    env.execute(LOOSE.schema);
    env.run(&["migrate"]).success();
    env.execute("ALTER TABLE optimized_resumes ALTER COLUMN match_score TYPE text");
    let report = json_stdout(&env.run(&["migrate", "status"]).exits(Exit::Database));
    let failing: Vec<(String, String)> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|check| check["ok"] == false)
        .map(|check| {
            (
                check["name"].as_str().unwrap().to_string(),
                check["problem"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert!(failing[0].0.contains("optimized_resumes.match_score"));
    assert_eq!(failing[0].1, "incompatible type text");
    // And migrate refuses to go on over it, naming the column.
    let refused = env.run(&["migrate"]).exits(Exit::Database);
    assert!(error_message(&refused).contains("optimized_resumes.match_score"));
}
