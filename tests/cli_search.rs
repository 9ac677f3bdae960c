//! `list --search` and its indexes: `migrate` builds trigram indexes where pg_trgm is (or
//! may be made) available and `migrate status` says how a search is served; an index a
//! failed concurrent build left invalid is rebuilt; a role that may not create pg_trgm
//! still migrates, told why a search stays a scan.

mod common;

use common::*;

#[test]
fn migrate_builds_trigram_indexes_that_serve_a_search() {
    let env = TestEnv::migrated();
    let status = env.json(&["migrate", "status"]);
    assert_eq!(status["search"]["state"], "indexed", "{status}");
    assert_eq!(status["search"]["indexed"], true, "{status}");
    let indexes: i64 = env.sql(
        "SELECT count(*) FROM pg_indexes WHERE tablename = 'optimized_resumes' \
         AND indexdef LIKE '%gin_trgm_ops%'",
    );
    assert_eq!(indexes, 2);
    // Enough of the user's rows that a scan costs more than the index, loaded without
    // the trigram indexes, which a second `migrate` then builds again.
    env.execute(&format!(
        "DROP INDEX optimized_resumes_title_trgm_idx, optimized_resumes_content_trgm_idx; \
         INSERT INTO optimized_resumes (user_id, original_resume_id, job_analysis_id, title, \
             optimized_content, optimization_summary) \
         SELECT '{USER}', gen_random_uuid(), gen_random_uuid(), 'Resume ' || n, \
             repeat('Plain text about data pipelines and SQL, ', 30) || n, '{{}}' \
         FROM generate_series(1, 20000) n; \
         UPDATE optimized_resumes SET title = 'Quetzalcoatl wrangler' \
         WHERE title = 'Resume 777'"
    ));
    let status = env.json(&["migrate", "status"]);
    assert_eq!(status["search"]["state"], "indexes_missing", "{status}");
    env.run(&["migrate"]).success();
    env.execute("ANALYZE optimized_resumes");
    let plan = env
        .run(&["list", "--search", "quetzalcoatl", "--explain"])
        .success();
    let plan = String::from_utf8_lossy(&plan.get_output().stdout).to_string();
    assert!(plan.contains("trgm_idx"), "{plan}");
    let found = env.json(&["list", "--search", "QUETZALCOATL"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
}

#[test]
fn indexes_a_failed_concurrent_build_left_invalid_are_rebuilt() {
    let env = TestEnv::migrated();
    let indexes = [
        "optimized_resumes_user_updated_idx",
        "optimized_resumes_content_trgm_idx",
    ];
    for index in indexes {
        // What a cancelled CREATE INDEX CONCURRENTLY leaves behind.
        env.execute(&format!(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = '{index}'::regclass"
        ));
    }
    assert_eq!(
        env.json(&["migrate", "status"])["search"]["state"],
        "indexes_missing"
    );
    env.run(&["migrate"]).success();
    for index in indexes {
        let valid: bool = env.sql(&format!(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = '{index}'::regclass"
        ));
        assert!(valid, "{index}");
    }
}

#[test]
fn a_role_that_may_not_create_pg_trgm_migrates_and_is_told_why_search_scans() {
    let env = TestEnv::empty();
    let role = format!("app_{}", uuid::Uuid::new_v4().simple());
    env.execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'app-secret'; \
         GRANT CREATE ON SCHEMA public TO {role}"
    ));
    let mut url = url::Url::parse(&env.url).unwrap();
    url.set_username(&role).unwrap();
    url.set_password(Some("app-secret")).unwrap();
    let migrated = env
        .cmd()
        .env("DATABASE_URL", url.as_str())
        .args(["migrate"])
        .assert()
        .success();
    let report = json_stdout(&migrated);
    assert_eq!(report["search"]["state"], "not_created", "{report}");
    let reason = report["search"]["reason"].as_str().unwrap();
    assert!(reason.contains("permission denied"), "{reason}");
    assert!(!report.to_string().contains("app-secret"));
    let table = env
        .cmd()
        .env("DATABASE_URL", url.as_str())
        .args(["migrate", "status", "--format", "table"])
        .assert()
        .success();
    let table = String::from_utf8_lossy(&table.get_output().stdout).to_string();
    assert!(
        table.contains("list --search: a scan of the records: pg_trgm"),
        "{table}"
    );
    let found = env
        .cmd()
        .env("DATABASE_URL", url.as_str())
        .args(["list", "--search", "anything"])
        .assert()
        .success();
    assert_eq!(json_stdout(&found), serde_json::json!([]));
}
