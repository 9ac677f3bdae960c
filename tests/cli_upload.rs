//! `export --upload`: files put in an S3-compatible store (s3s-fs, started by each test on
//! loopback with its own credentials) or a folder, recorded in export_formats the way the
//! web application reads them, and reused while unexpired and still in the store.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::upload::*;
use common::*;
use serde_json::Value;

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .unwrap_or_else(|_| panic!("{} is not in the store", path.display()))
        .modified()
        .unwrap()
}

#[test]
fn every_format_is_uploaded_read_back_and_recorded_as_the_web_application_reads_it() {
    let Some((store, env, id)) = setup("Uploaded") else {
        return;
    };
    // What the web application had there is kept.
    env.execute(&format!(
        "UPDATE optimized_resumes SET export_formats = '{{\"theme\": \"blue\"}}' \
         WHERE id = '{id}'"
    ));
    let formats = formats_list()
        .into_iter()
        .chain([("jsonresume", "resume.json")]);
    for (format, extension) in formats {
        let before = chrono::Utc::now();
        let report = upload(
            &env,
            &store,
            &id,
            &["--to", format, "--upload", "s3://exports/team/resumes"],
        );
        let key = format!("team/resumes/{id}/1/{FILE_STEM}.{extension}");
        let url = format!("s3://{BUCKET}/{key}");
        assert_eq!(report["url"], url, "{report}");
        assert_eq!(report["reused"], false);
        assert!(report.get("path").is_none_or(Value::is_null), "{report}");
        // The object is the file: the same bytes as an export to stdout.
        let stored = std::fs::read(store.object(BUCKET, &key)).unwrap();
        assert_eq!(stored.len() as u64, report["bytes"].as_u64().unwrap());
        let digest = sha256_hex(&stored);
        assert_eq!(report["sha256"], digest);
        if !matches!(format, "pdf" | "docx") {
            let local = env
                .run(&["export", &id, "--to", format, "-o", "-"])
                .success();
            assert_eq!(stored, local.get_output().stdout, "{format}");
        }
        let formats = export_formats(&env, &id);
        assert_eq!(formats[format!("{format}_url")], url, "{formats}");
        let note = &formats["resumectl_exports"][format!("{format}_upload")];
        let generated_at = rfc3339(&formats["generated_at"]);
        assert_eq!(note["generated_at"], formats["generated_at"]);
        assert!(generated_at >= before - chrono::Duration::seconds(1));
        // Each upload keeps its own expiry; the shared one is the earliest of them.
        let expires_at = rfc3339(&note["expires_at"]);
        assert_eq!(expires_at - generated_at, chrono::Duration::hours(24));
        assert_eq!(report["expires_at"], note["expires_at"]);
        assert!(rfc3339(&formats["expires_at"]) <= expires_at, "{formats}");
        assert_eq!(note["url"], url);
        assert_eq!(note["version"], 1);
        assert_eq!(note["sha256"], digest);
        assert_eq!(note["bytes"], stored.len());
    }
    let formats = export_formats(&env, &id);
    assert_eq!(formats["theme"], "blue", "{formats}");
    // Every format's URL stays, each from its own upload.
    for (format, _) in formats_list() {
        assert!(formats[format!("{format}_url")].is_string(), "{formats}");
    }
    // export_formats stays valid for its schema.
    let file = env.write("formats.json", formats.to_string());
    env.run(&[
        "validate",
        "--kind",
        "export-formats",
        &file.display().to_string(),
    ])
    .success();
    // Recording an upload is not a new version: the document did not change.
    let version: i64 = env.sql("SELECT version FROM optimized_resumes");
    assert_eq!(version, 1);
    // The PDF is a PDF, served as one.
    let pdf = std::fs::read(store.object(BUCKET, &format!("team/resumes/{id}/1/{FILE_STEM}.pdf")))
        .unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

fn formats_list() -> [(&'static str, &'static str); 5] {
    [
        ("txt", "txt"),
        ("md", "md"),
        ("html", "html"),
        ("docx", "docx"),
        ("pdf", "pdf"),
    ]
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[test]
fn an_unexpired_upload_still_in_the_store_is_reused_without_a_second_put() {
    let Some((store, env, id)) = setup("Reused") else {
        return;
    };
    let args = ["--to", "pdf", "--upload", "s3://exports"];
    let first = upload(&env, &store, &id, &args);
    let object = store.object(BUCKET, &format!("{id}/1/{FILE_STEM}.pdf"));
    let put_at = modified(&object);
    let recorded = export_formats(&env, &id);
    std::thread::sleep(Duration::from_millis(1100));

    let again = upload(&env, &store, &id, &args);
    assert_eq!(again["reused"], true, "{again}");
    // A person is told so, with the URL and until when it is served.
    let said = run(s3_cmd(&env, &store)
        .args(["--format", "table", "export", &id])
        .args(args));
    assert!(said.status.success(), "{said:?}");
    let said = String::from_utf8_lossy(&said.stdout);
    assert!(
        said.starts_with(&format!("reused {}", first["url"].as_str().unwrap())),
        "{said}"
    );
    assert!(
        said.contains(first["expires_at"].as_str().unwrap()),
        "{said}"
    );
    assert_eq!(again["url"], first["url"]);
    assert_eq!(again["sha256"], first["sha256"]);
    assert_eq!(again["expires_at"], first["expires_at"]);
    // No second PUT: the object is untouched, and nothing new was recorded.
    assert_eq!(modified(&object), put_at);
    assert_eq!(export_formats(&env, &id), recorded);

    // Another paper makes another file: uploaded again, in its place (the web
    // application has one pdf_url a version).
    let letter_args = [
        "--to",
        "pdf",
        "--upload",
        "s3://exports",
        "--paper",
        "letter",
    ];
    let letter = upload(&env, &store, &id, &letter_args);
    assert_eq!(letter["reused"], false);
    assert!(modified(&object) > put_at);
    let letter_at = modified(&object);
    std::thread::sleep(Duration::from_millis(1100));

    // --force puts it again.
    let forced = upload(
        &env,
        &store,
        &id,
        &[&letter_args[..], &["--force"]].concat(),
    );
    assert_eq!(forced["reused"], false);
    assert!(modified(&object) > letter_at);

    // An object removed from the store (a lifecycle rule) is uploaded again: the HEAD
    // request says it is gone.
    std::fs::remove_file(&object).unwrap();
    let restored = upload(&env, &store, &id, &letter_args);
    assert_eq!(restored["reused"], false);
    assert!(object.exists());
}

#[test]
fn an_expired_upload_is_uploaded_again() {
    let Some((store, env, id)) = setup("Expiring") else {
        return;
    };
    let args = ["--to", "html", "--upload", "s3://exports/x", "--ttl", "1s"];
    let first = upload(&env, &store, &id, &args);
    assert_eq!(
        rfc3339(&first["expires_at"]) - rfc3339(&export_formats(&env, &id)["generated_at"]),
        chrono::Duration::seconds(1)
    );
    let object = store.object(BUCKET, &format!("x/{id}/1/{FILE_STEM}.html"));
    let put_at = modified(&object);
    std::thread::sleep(Duration::from_millis(2100));
    let again = upload(&env, &store, &id, &args);
    assert_eq!(again["reused"], false, "{again}");
    assert!(modified(&object) > put_at);
    assert!(rfc3339(&again["expires_at"]) > rfc3339(&first["expires_at"]));
    assert_eq!(export_formats(&env, &id)["expires_at"], again["expires_at"]);

    // A new version is a new object; the old one stays for whoever holds its URL.
    env.run(&["set-qa", &id, "--coverage", "90"]).success();
    let newer = upload(&env, &store, &id, &args);
    assert_eq!(newer["version"], 2);
    assert_eq!(
        newer["url"],
        format!("s3://{BUCKET}/x/{id}/2/{FILE_STEM}.html")
    );
    assert!(object.exists());
}

#[test]
fn wrong_credentials_exit_7_record_nothing_and_never_print_the_secret() {
    let Some((store, env, id)) = setup("Refused") else {
        return;
    };
    let before = env.table_snapshot();
    let wrong_secret = format!("{}x", store.secret_key);
    for format in ["json", "table"] {
        let output = run(s3_cmd(&env, &store)
            .env("AWS_SECRET_ACCESS_KEY", &wrong_secret)
            .args(["--format", format, "export", &id, "--to", "md"])
            .args(["--upload", "s3://exports/p"]));
        Exit::Database.of_output(&output);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        for secret in [&wrong_secret, &store.secret_key] {
            assert!(!stderr.contains(secret.as_str()), "{stderr}");
            assert!(!stdout.contains(secret.as_str()), "{stdout}");
        }
        assert!(stderr.contains("bucket exports"), "{stderr}");
        assert!(stderr.contains(&store.endpoint), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    assert_eq!(env.table_snapshot(), before);
    assert!(store.keys(BUCKET).is_empty(), "{:?}", store.keys(BUCKET));

    // The secret never shows even in a failure that carries the server's own words.
    let output = run(s3_cmd(&env, &store)
        .env("AWS_ACCESS_KEY_ID", "not-a-key")
        .args(["export", &id, "--to", "md", "--upload", "s3://exports"]));
    Exit::Database.of_output(&output);
    assert!(!String::from_utf8_lossy(&output.stderr).contains(&store.secret_key));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_missing_bucket_or_a_store_that_is_down_exits_7_and_records_nothing() {
    let Some((store, env, id)) = setup("Nowhere") else {
        return;
    };
    let before = env.table_snapshot();
    let output = run(s3_cmd(&env, &store).args([
        "export",
        &id,
        "--to",
        "txt",
        "--upload",
        "s3://no-such-bucket/p",
    ]));
    Exit::Database.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bucket no-such-bucket"), "{stderr}");
    assert!(stderr.contains(&store.endpoint), "{stderr}");
    // Refused before the PUT: the store did not make the bucket.
    assert!(!store.root.join("no-such-bucket").exists());
    assert_eq!(env.table_snapshot(), before);

    let down = format!("http://127.0.0.1:{}", closed_port());
    let (stderr, took) = failed_upload_to(&env, &down, &id);
    assert!(stderr.contains(&down), "{stderr}");
    assert!(
        took < Duration::from_secs(30),
        "a store that is down must fail in seconds"
    );
    assert_eq!(env.table_snapshot(), before);

    // No credentials at all: exit 3, naming what to set.
    let output = run(s3_cmd(&env, &store)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["export", &id, "--to", "txt", "--upload", "s3://exports"]));
    Exit::NotConfigured.of_output(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("AWS_ACCESS_KEY_ID"));
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn an_upload_the_record_moved_on_from_exits_6_and_gives_the_url() {
    use sqlx::Connection;
    let Some((store, env, id)) = setup("Raced") else {
        return;
    };
    // Another writer holds the row, and moves it to version 2 while the export runs.
    let mut writer = block_on(sqlx::PgConnection::connect(&env.url)).unwrap();
    block_on(
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "BEGIN; UPDATE optimized_resumes SET version = version + 1 WHERE id = '{id}'"
        )))
        .execute(&mut writer),
    )
    .unwrap();
    let child = s3_cmd(&env, &store)
        .args(["export", &id, "--to", "md", "--upload", "s3://exports"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The export read version 1, uploaded, and now waits to record it.
    let started = Instant::now();
    loop {
        let waiting: i64 = env.sql(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'resumectl' \
             AND datname = current_database() AND wait_event_type = 'Lock'",
        );
        if waiting == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the export never waited"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    block_on(sqlx::raw_sql("COMMIT").execute(&mut writer)).unwrap();
    let output = child.wait_with_output().unwrap();
    Exit::Conflict.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let url = format!("s3://{BUCKET}/{id}/1/{FILE_STEM}.md");
    assert!(stderr.contains(&url), "{stderr}");
    // The object is there, showing version 1; export_formats was not changed.
    assert!(
        store
            .object(BUCKET, &format!("{id}/1/{FILE_STEM}.md"))
            .exists()
    );
    assert_eq!(export_formats(&env, &id), Value::Null);
}

#[test]
fn a_folder_upload_and_a_local_copy_are_both_recorded() {
    let env = TestEnv::migrated();
    let id = env.create_record("Mounted");
    let folder = env.path("served");
    std::fs::create_dir(&folder).unwrap();
    let target = format!("file://{}", folder.display());
    let report = env.json(&[
        "export", &id, "--to", "txt", "--upload", &target, "-o", "copy.txt",
    ]);
    let object = folder.join(format!("{id}/1/{FILE_STEM}.txt"));
    let url = format!("{target}/{id}/1/{FILE_STEM}.txt");
    assert_eq!(report["url"], url);
    let copy = env.path("copy.txt");
    assert_eq!(report["path"], copy.display().to_string());
    assert_eq!(
        std::fs::read(&object).unwrap(),
        std::fs::read(&copy).unwrap()
    );
    let formats = export_formats(&env, &id);
    assert_eq!(formats["txt_url"], url);
    assert_eq!(
        formats["resumectl_exports"]["txt"]["file"],
        copy.display().to_string()
    );
    assert_eq!(formats["resumectl_exports"]["txt_upload"]["url"], url);
    // Both reused the second time.
    let again = env.json(&[
        "export", &id, "--to", "txt", "--upload", &target, "-o", "copy.txt",
    ]);
    assert_eq!(again["reused"], true, "{again}");
    // A cover note has keys of its own.
    env.json(&[
        "export",
        &id,
        "--to",
        "md",
        "--cover-note",
        "--upload",
        &target,
    ]);
    let formats = export_formats(&env, &id);
    assert!(
        formats["cover_note_md_url"]
            .as_str()
            .unwrap()
            .starts_with(&target)
    );
    assert_eq!(formats["txt_url"], url);

    // A folder that is not there is an error, not a folder made on the fly.
    let missing = format!("file://{}", env.path("absent").display());
    let before = env.table_snapshot();
    env.run(&["export", &id, "--to", "txt", "--upload", &missing])
        .exits(Exit::Database);
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_presigned_url_fetches_the_object_and_is_not_stored() {
    let Some((store, env, id)) = setup("Shared") else {
        return;
    };
    let presign = |ttl: &str| {
        let args = [
            "--to",
            "html",
            "--upload",
            "s3://exports/s",
            "--presign",
            ttl,
        ];
        upload(&env, &store, &id, &args)
    };
    let report = presign("1h");
    let presigned = report["presigned_url"].as_str().expect("a presigned URL");
    assert!(presigned.starts_with(&format!("{}/{BUCKET}/s/{id}/1/", store.endpoint)));
    assert!(presigned.contains("X-Amz-Expires=3600"), "{presigned}");
    assert!(!presigned.contains(&store.secret_key));
    let fetched = env
        .program("curl")
        .args(["--silent", "--fail", "--noproxy", "*", presigned])
        .output()
        .expect("curl");
    assert!(fetched.status.success(), "{fetched:?}");
    let object = store.object(BUCKET, &format!("s/{id}/1/{FILE_STEM}.html"));
    assert_eq!(fetched.stdout, std::fs::read(object).unwrap());
    assert!(!export_formats(&env, &id).to_string().contains("X-Amz"));
    // Reused, it is still signed anew.
    let again = presign("10m");
    assert_eq!(again["reused"], true);
    assert!(
        again["presigned_url"]
            .as_str()
            .unwrap()
            .contains("X-Amz-Expires=600")
    );
}

#[test]
fn credentials_come_from_an_aws_profile_too() {
    let Some((store, env, id)) = setup("Profiled") else {
        return;
    };
    let aws = env.path(".aws");
    std::fs::create_dir(&aws).unwrap();
    std::fs::write(
        aws.join("credentials"),
        format!(
            "[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n\
             [ci]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            store.access_key, store.secret_key
        ),
    )
    .unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile ci]\nregion = us-east-1\nendpoint_url = {}\n",
            store.endpoint
        ),
    )
    .unwrap();
    let output = run(s3_cmd(&env, &store)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_PROFILE", "ci")
        .args(["export", &id, "--to", "md", "--upload", "s3://exports"]));
    let report = succeeded(&output);
    assert_eq!(
        report["url"],
        format!("s3://{BUCKET}/{id}/1/{FILE_STEM}.md")
    );
    assert!(
        store
            .object(BUCKET, &format!("{id}/1/{FILE_STEM}.md"))
            .exists()
    );
}

#[test]
fn upload_usage_errors_exit_2_before_anything_is_read() {
    let env = TestEnv::migrated();
    let id = env.create_record("Usage");
    let before = env.table_snapshot();
    let folder = format!("file://{}", env.dir.path().display());
    for args in [
        vec!["--to", "md", "--upload", "ftp://host/x"],
        vec!["--to", "md", "--upload", "s3:///no-bucket"],
        vec!["--to", "md", "--upload", "not a url"],
        vec!["--to", "md", "--ttl", "1h"],
        vec!["--to", "md", "--upload", "s3://b", "--ttl", "soon"],
        vec!["--to", "md", "--upload", "s3://b", "--presign", "8d"],
        vec!["--to", "md", "--upload", &folder, "--presign", "1h"],
        vec!["--to", "md", "--upload", &folder, "-o", "-"],
    ] {
        env.run(&[&["export", id.as_str()], &args[..]].concat())
            .exits(Exit::Usage);
    }
    assert_eq!(env.table_snapshot(), before);
}
