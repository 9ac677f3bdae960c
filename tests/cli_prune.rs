//! `exports prune`: expired uploads deleted from the store and taken out of
//! export_formats, every other key kept; unexpired ones, other users' and a record whose
//! store fails are left alone.

mod common;

use common::upload::*;
use common::*;
use serde_json::Value;

/// Makes the record's every upload note (and the app's expires_at) expired.
fn expire(env: &TestEnv, id: &str) {
    env.execute(&format!(
        "UPDATE optimized_resumes SET export_formats = ( \
             SELECT jsonb_set(export_formats, '{{resumectl_exports}}', \
                 (SELECT jsonb_object_agg(key, CASE WHEN key LIKE '%\\_upload' \
                     THEN value || '{{\"expires_at\": \"2001-01-01T00:00:00Z\"}}' \
                     ELSE value END) \
                  FROM jsonb_each(export_formats -> 'resumectl_exports')))) \
         WHERE id = '{id}'"
    ));
}

fn prune(env: &TestEnv, store: &common::servers::S3Server, args: &[&str]) -> std::process::Output {
    run(s3_cmd(env, store).args(["exports", "prune"]).args(args))
}

fn lines(output: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn expired_uploads_go_from_the_store_and_export_formats_and_the_rest_stays() {
    let Some((store, env, id)) = setup("Expiring") else {
        return;
    };
    upload_to(&env, &store, &id, "md", "s3://exports/p");
    upload_to(&env, &store, &id, "txt", "s3://exports/p");
    // A local export's note and a key of the web application's own stay.
    env.run(&["export", &id, "--to", "html"]).success();
    env.execute(&format!(
        "UPDATE optimized_resumes SET export_formats = export_formats || '{{\"theme\": \"blue\"}}' \
         WHERE id = '{id}'"
    ));
    let fresh = env.create_record("Fresh");
    upload_to(&env, &store, &fresh, "md", "s3://exports/p");
    let bobs = env.create_record_as(OTHER_USER, "Bob's", &example());
    succeeded(&run(s3_cmd(&env, &store)
        .env("RESUMECTL_USER", OTHER_USER)
        .args([
            "export",
            &bobs,
            "--to",
            "md",
            "--upload",
            "s3://exports/b",
        ])));
    expire(&env, &id);
    expire(&env, &bobs);
    let version = env.get(&id)["version"].clone();

    // The dry run says what would go, and changes nothing.
    let before = env.table_snapshot();
    let planned = lines(&prune(&env, &store, &["--dry-run"]));
    assert_eq!(planned.len(), 2, "{planned:?}");
    assert_eq!(planned[0]["id"], id.as_str());
    assert_eq!(planned[0]["status"], "would_prune");
    assert_eq!(planned[0]["objects"].as_array().unwrap().len(), 2);
    assert_eq!(planned[1]["summary"]["objects"], 2);
    assert_eq!(env.table_snapshot(), before);
    assert_eq!(store.keys(BUCKET).len(), 4);

    // One object already gone counts as pruned.
    let md_key = store
        .keys(BUCKET)
        .into_iter()
        .find(|key| key.starts_with(&format!("p/{id}/")) && key.ends_with(".md"))
        .unwrap();
    std::fs::remove_file(store.object(BUCKET, &md_key)).unwrap();
    let output = prune(&env, &store, &[]);
    Exit::Success.of_output(&output);
    let done = lines(&output);
    assert_eq!(done[0]["status"], "pruned");
    assert_eq!(done[1]["summary"]["objects"], 2);
    assert_eq!(done[1]["summary"]["already_gone"], 1);

    let formats = export_formats(&env, &id);
    let notes = formats["resumectl_exports"].as_object().unwrap();
    assert!(
        notes.keys().all(|key| !key.ends_with("_upload")),
        "{formats}"
    );
    assert!(
        notes.contains_key("html"),
        "the local note stays: {formats}"
    );
    assert!(
        formats.get("md_url").is_none() && formats.get("txt_url").is_none(),
        "{formats}"
    );
    assert_eq!(formats["theme"], "blue");
    assert_eq!(env.get(&id)["version"], version, "no new version");
    // The fresh upload and Bob's are untouched.
    let keys = store.keys(BUCKET);
    assert!(
        keys.iter()
            .any(|key| key.starts_with(&format!("p/{fresh}/"))),
        "{keys:?}"
    );
    assert!(keys.iter().any(|key| key.starts_with("b/")), "{keys:?}");
    assert!(export_formats(&env, &fresh)["resumectl_exports"]["md_upload"].is_object());
    assert!(export_formats(&env, &bobs)["resumectl_exports"]["md_upload"].is_object());

    // Support staff prune everyone's.
    let everyone = lines(&prune(&env, &store, &["--all-users"]));
    assert_eq!(everyone[0]["user_id"], OTHER_USER);
    assert!(store.keys(BUCKET).iter().all(|key| !key.starts_with("b/")));
}

#[test]
fn a_store_failure_leaves_the_record_untouched_and_exits_7() {
    let Some((store, env, id)) = setup("Unreachable") else {
        return;
    };
    upload_to(&env, &store, &id, "md", "s3://exports/p");
    expire(&env, &id);
    let before = env.table_snapshot();
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    let output = run(
        aws_cmd(&env, &endpoint, &store.access_key, &store.secret_key).args(["exports", "prune"]),
    );
    Exit::Database.of_output(&output);
    let reported = lines(&output);
    assert_eq!(reported[0]["status"], "failed");
    assert!(reported[0]["error"].is_string());
    assert_eq!(reported[1]["summary"]["failed"], 1);
    assert_eq!(env.table_snapshot(), before);
    assert_eq!(store.keys(BUCKET).len(), 1);
    // Once the store answers, it goes.
    Exit::Success.of_output(&prune(&env, &store, &[]));
    assert!(store.keys(BUCKET).is_empty());
}

#[test]
fn expired_objects_that_only_the_history_records_go_too_once() {
    let Some((store, env, id)) = setup("Two versions") else {
        return;
    };
    upload_to(&env, &store, &id, "md", "s3://exports/h");
    env.run(&["set-qa", &id, "--coverage", "66"]).success();
    upload_to(&env, &store, &id, "md", "s3://exports/h");
    assert_eq!(store.keys(BUCKET).len(), 2, "one object a version");
    expire(&env, &id);
    // The version 1 row keeps version 1's note: expire it there too.
    env.execute(&format!(
        "UPDATE optimized_resume_versions SET export_formats = jsonb_set(export_formats, \
             '{{resumectl_exports,md_upload,expires_at}}', '\"2001-01-01T00:00:00Z\"') \
         WHERE resume_id = '{id}' AND export_formats -> 'resumectl_exports' ? 'md_upload'"
    ));
    let history_before = env.sql::<String>(&format!(
        "SELECT string_agg(export_formats::text, ',' ORDER BY version) \
         FROM optimized_resume_versions WHERE resume_id = '{id}'"
    ));
    let dry = lines(&prune(&env, &store, &["--dry-run"]));
    assert_eq!(dry.last().unwrap()["summary"]["history_objects"], 1);
    assert_eq!(store.keys(BUCKET).len(), 2);

    let done = lines(&prune(&env, &store, &[]));
    let summary = &done.last().unwrap()["summary"];
    assert_eq!(summary["objects"], 1, "{summary}");
    assert_eq!(summary["history_objects"], 1, "{summary}");
    assert!(store.keys(BUCKET).is_empty());
    // History is not rewritten; a second prune finds nothing left to delete.
    assert_eq!(
        env.sql::<String>(&format!(
            "SELECT string_agg(export_formats::text, ',' ORDER BY version) \
             FROM optimized_resume_versions WHERE resume_id = '{id}'"
        )),
        history_before
    );
    let again = lines(&prune(&env, &store, &[]));
    assert_eq!(again.last().unwrap()["summary"]["history_objects"], 0);
}
