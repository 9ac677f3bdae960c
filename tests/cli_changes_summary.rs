//! Every version says what it changed: `changes_summary` in `history`, stored by the write
//! that made the version, and computed on read for versions written before it was.

mod common;

use common::*;
use serde_json::json;

/// The summaries of a record's versions, oldest first.
fn summaries(env: &TestEnv, id: &str) -> Vec<String> {
    env.history(id)
        .iter()
        .map(|version| {
            version["changes_summary"]
                .as_str()
                .unwrap_or_else(|| panic!("a summary on every version: {version}"))
                .to_string()
        })
        .collect()
}

#[test]
fn each_kind_of_write_says_what_it_changed_in_plain_words() {
    let env = TestEnv::migrated();
    let id = env.create_record("summaries");
    // The summary in both places it is kept: one part, however many places hold it.
    let summary = example_edited(|d| {
        d["resume_json"]["summary"] = json!("A new summary.");
        d["targeting"]["summary"] = json!("A new summary.");
        d["ui"]["professional_summary"]["primary"] = json!("A new summary.");
    });
    env.save_to(&id, &summary, &[]).success();
    let bullets = example_edited(|d| {
        *d = summary.clone();
        let bullets = d["resume_json"]["experience"][0]["bullets"]
            .as_array_mut()
            .unwrap();
        bullets[1] = json!("Led the KYC migration to PostgreSQL 17 with zero downtime.");
        bullets.push(json!("Cut the nightly batch from 6 hours to 40 minutes."));
        bullets.push(json!("Mentored four engineers."));
    });
    env.save_to(&id, &bullets, &[]).success();
    let skills = example_edited(|d| {
        *d = bullets.clone();
        let tools = d["skills_block"]["Tools"].as_array_mut().unwrap();
        tools.extend([json!("Rust"), json!("Kafka"), json!("Spark")]);
    });
    env.save_to(&id, &skills, &["--note", "for the data role"])
        .success();
    env.run(&["set-qa", &id, "--coverage", "91", "--duplicates", "0"])
        .success();
    env.run(&["restore", &id, "--version", "1"]).success();
    let hidden = example_with("/ui/professional_summary/include", json!(false));
    env.save_to(&id, &hidden, &["--title", "Hidden summary"])
        .success();

    let got = summaries(&env, &id);
    assert_eq!(got[0], "created");
    assert_eq!(got[1], "summary edited");
    assert_eq!(got[2], "experience 1: 2 bullets added, 1 changed");
    assert_eq!(got[3], "skills: 3 added");
    assert!(
        got[4].starts_with("qa_metrics") && got[4].contains("coverage") && got[4].contains("91"),
        "{got:?}"
    );
    // Back to version 1: everything versions 2 to 5 changed, said after the event.
    assert!(got[5].starts_with("restored from version 1: "), "{got:?}");
    for part in [
        "summary edited",
        "experience 1:",
        "skills: 3 removed",
        "qa_metrics",
    ] {
        assert!(got[5].contains(part), "{part} in {got:?}");
    }
    assert_eq!(got[6], "summary hidden; title edited");
    // The note stays the writer's own, beside the summary.
    assert_eq!(env.history(&id)[3]["note"], "for the data role");

    // A table has the column.
    let table = env.run(&["--format", "table", "history", &id]).success();
    let text = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(text.contains("changes"), "{text}");
    assert!(text.contains("skills: 3 added"), "{text}");
    // The note written when none was given says nothing the summary does not: the table
    // leaves it out, the JSON keeps it.
    let first = text
        .lines()
        .find(|line| line.starts_with("│ 1 "))
        .expect("version 1's row");
    assert_eq!(first.matches("created").count(), 1, "{first}");
    assert_eq!(env.history(&id)[0]["note"], "created");
}

#[test]
fn a_long_summary_stops_near_200_characters_and_counts_the_rest() {
    let env = TestEnv::migrated();
    let id = env.create_record("long");
    let everything = example_edited(|d| {
        for key in [
            "analysis",
            "requirement_evidence_map",
            "cover_note",
            "qa",
            "tailored_resume_text",
        ] {
            d[key] = example()[key].clone();
        }
        d["analysis"]["job_title"] = json!("Principal Data Engineer");
        d["cover_note"]["body"] = json!("Another body.");
        d["qa"]["warnings"] = json!(["one more"]);
        d["tailored_resume_text"]["notes"] = json!("rewritten");
        d["requirement_evidence_map"][0]["gaps"] = json!("none");
        d["resume_json"]["headline"] = json!("Principal");
        d["resume_json"]["name"] = json!("Someone Else");
        d["resume_json"]["summary"] = json!("Other.");
        d["resume_json"]["education"] = json!([]);
        d["resume_json"]["certifications"] = json!([]);
        d["skills_block"] = json!({
            "Domain": [], "ResearchAndValidation": [], "ProductAndSystems": [], "Tools": []
        });
        for extra in 0..12 {
            d[format!("x_extra_{extra:02}")] = json!(extra);
        }
    });
    env.save_to(&id, &everything, &["--title", "Other"])
        .success();
    let got = summaries(&env, &id).pop().unwrap();
    assert!(got.chars().count() <= 200, "{} chars: {got}", got.len());
    assert!(
        got.starts_with("headline edited; contact edited; summary edited"),
        "{got}"
    );
    let (_, rest) = got.rsplit_once("; and ").expect("the rest counted");
    let more: usize = rest
        .strip_suffix(" more changes")
        .expect("and N more changes")
        .parse()
        .unwrap();
    // Every part is either said or counted: 12 extras, title, and 11 document parts.
    let said = got.matches("; ").count();
    assert_eq!(said + more, 24, "{got}");
}

#[test]
fn creations_and_imports_say_so() {
    let env = TestEnv::migrated();
    let id = env.create_record("made");
    assert_eq!(summaries(&env, &id), vec!["created"]);
    let resume = fixtures().join("jsonresume").join("sample.resume.json");
    let imported = env.json(&[
        "import",
        &resume.display().to_string(),
        "--from",
        "jsonresume",
    ]);
    let imported = imported["id"].as_str().unwrap();
    assert_eq!(summaries(&env, imported), vec!["imported from jsonresume"]);
    // Imported again over the first record: the event, then what it changed.
    env.run(&[
        "import",
        &resume.display().to_string(),
        "--from",
        "jsonresume",
        "--id",
        &id,
    ])
    .success();
    let last = summaries(&env, &id).pop().unwrap();
    assert!(last.starts_with("imported from jsonresume: "), "{last}");
    // A batch's new records, copied in chunks, are created too.
    let lines: String = (0..3)
        .map(|n| {
            format!(
                "{}\n",
                json!({"title": format!("b{n}"), "structured_output": example()})
            )
        })
        .collect();
    env.run_with(&["save", "--ndjson", "-"], lines).success();
    let created: i64 = env.sql(
        "SELECT count(*) FROM optimized_resume_versions v JOIN optimized_resumes r \
         ON r.id = v.resume_id WHERE r.title LIKE 'b%' AND v.changes_summary = 'created'",
    );
    assert_eq!(created, 3);
}

/// Versions written before summaries were stored get theirs computed when read, by the
/// same function from the version before: the same words as a stored one. A record of
/// the web application's (version 0) says so.
#[test]
fn versions_from_before_summaries_get_theirs_when_read() {
    let env = TestEnv::migrated();
    let id = env.create_record("older");
    env.save_to(&id, &example_with("/cover_note/subject", json!("Hi")), &[])
        .success();
    env.run(&["set-qa", &id, "--readability", "77"]).success();
    env.save_to(&id, &example(), &[]).success();
    let stored = summaries(&env, &id);
    env.execute("UPDATE optimized_resume_versions SET changes_summary = NULL");
    assert_eq!(summaries(&env, &id), stored);
    assert_eq!(stored[1], "cover note edited");

    env.execute(&format!(
        "INSERT INTO optimized_resumes (id, user_id, original_resume_id, job_analysis_id, title, \
             optimized_content, optimization_summary, structured_output) \
         VALUES ('dddddddd-0000-0000-0000-000000000002', '{USER}', gen_random_uuid(), \
                 gen_random_uuid(), 'legacy', 'text', '{{}}', '{}')",
        example().to_string().replace('\'', "''")
    ));
    let legacy = "dddddddd-0000-0000-0000-000000000002";
    assert_eq!(
        summaries(&env, legacy),
        vec!["as the web application left it"]
    );
    env.save_to(legacy, &example_with("/resume_json/extras", json!([])), &[])
        .success();
    assert_eq!(
        summaries(&env, legacy),
        vec!["as the web application left it", "extras: 1 removed"]
    );
}

/// A version's row goes with its transaction's COMMIT; a batch in one transaction that
/// writes a record twice still keeps each version's note and summary, stored.
#[test]
fn one_transaction_writing_a_record_twice_keeps_both_summaries() {
    let env = TestEnv::migrated();
    let id = env.create_record("twice");
    let skills = example_with("/ui/skills/groups/Tools", json!(["dbt"]));
    let lines = format!(
        "{}\n{}\n{}\n",
        json!({"id": id, "structured_output": skills, "note": "first"}),
        json!({"id": id, "structured_output": example(), "note": "second"}),
        json!({"id": id, "structured_output": example()}),
    );
    let out = env
        .run_with(&["save", "--ndjson", "-", "--atomic"], lines)
        .success();
    let summary = json_lines(&out).pop().unwrap();
    assert_eq!(summary["summary"]["updated"], 2, "{summary}");
    assert_eq!(summary["summary"]["unchanged"], 1, "{summary}");
    let history = env.history(&id);
    let notes: Vec<&str> = history
        .iter()
        .map(|v| v["note"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(notes, ["created", "first", "second"]);
    let stored: i64 = env.sql(&format!(
        "SELECT count(*) FROM optimized_resume_versions \
         WHERE resume_id = '{id}' AND changes_summary LIKE 'skills: %'"
    ));
    assert_eq!(stored, 2, "both summaries stored: {history:?}");
}

/// A document over 1 MiB is not compared part by part, whichever side it is on, however
/// small PostgreSQL stores it (a long run of one letter compresses to almost nothing).
#[test]
fn a_document_too_large_to_compare_says_so() {
    let env = TestEnv::migrated();
    let id = env.create_record("large");
    let large = example_edited(|d| d["x_padding"] = json!("x".repeat(1_500_000)));
    let file = env.write("large.json", large.to_string());
    env.run(&["save", &id, file.to_str().unwrap()]).success();
    let back = env.write("back.json", example().to_string());
    env.run(&["save", &id, back.to_str().unwrap()]).success();
    let got = summaries(&env, &id);
    let large_said = "structured_output edited (too large to compare its parts)";
    assert_eq!(got[1..], [large_said, large_said], "{got:?}");
}
