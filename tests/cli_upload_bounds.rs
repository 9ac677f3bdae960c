//! `export --upload` at its limits (issue 19): a --ttl past any date, a panic, non-ASCII
//! keys, a local copy that cannot be written, an endpoint that never answers or answers
//! something else, a symbolic link below the folder, and the one expires_at the web
//! application reads.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use common::upload::*;
use common::*;
use serde_json::{Value, json};

/// A record whose suggested file name is not ASCII.
fn non_ascii_record(env: &TestEnv) -> String {
    let document = example_with(
        "/tailored_resume_text/file_name_suggestion",
        json!("Jöhn Dœ résumé.txt"),
    );
    env.create_record_as(USER, "Non-ASCII", &document)
}

const NON_ASCII_STEM: &str = "Jöhn_Dœ_résumé";
const NON_ASCII_ENCODED: &str = "J%C3%B6hn_D%C5%93_r%C3%A9sum%C3%A9";

/// A folder to upload to, and its file:// URL.
fn served(env: &TestEnv) -> (std::path::PathBuf, String) {
    let folder = env.path("served");
    std::fs::create_dir(&folder).unwrap();
    let url = format!("file://{}", folder.display());
    (folder, url)
}

/// Every file below `folder`, as paths relative to it.
fn files_below(folder: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.is_symlink() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap();
                found.push(relative.display().to_string());
            }
        }
    }
    found
}

#[test]
fn a_ttl_past_ten_years_is_refused_before_anything_is_uploaded() {
    let env = TestEnv::migrated();
    let id = env.create_record("Forever");
    let (folder, target) = served(&env);
    let before = env.table_snapshot();
    for ttl in ["300000y", "10000y", "11y"] {
        for format in ["json", "table"] {
            let output = run(env.process().args([
                "--format", format, "export", &id, "--to", "txt", "--upload", &target, "--ttl", ttl,
            ]));
            assert_eq!(
                output.status.code(),
                Some(Exit::Usage.code()),
                "{ttl}: {output:?}"
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains("--ttl") && stderr.contains("10y"),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            // Table mode keeps clap's own usage text; JSON mode is one object.
            if format == "json" {
                assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
                let error: Value = serde_json::from_str(stderr.trim()).unwrap();
                assert_eq!(error["error"]["kind"], "usage", "{stderr}");
            }
        }
    }
    assert!(
        files_below(&folder).is_empty(),
        "{:?}",
        files_below(&folder)
    );
    assert_eq!(env.table_snapshot(), before);
    // Ten years is allowed, and recorded as RFC 3339 (a four-digit year).
    let report = succeeded(&run(env.process().args([
        "export", &id, "--to", "txt", "--upload", &target, "--ttl", "10y",
    ])));
    let expires_at = rfc3339(&report["expires_at"]);
    assert!(expires_at > chrono::Utc::now() + chrono::Duration::days(3650));
    assert_eq!(
        export_formats(&env, &id)["expires_at"],
        report["expires_at"]
    );
}

#[test]
fn a_panic_is_one_line_in_the_output_format_and_exits_1() {
    let env = TestEnv::migrated();
    let said = "secret-ish text a panic carried";
    let output = run(env
        .process()
        .env("RESUMECTL_TEST_PANIC", said)
        .env("RUST_BACKTRACE", "1")
        .args(["--format", "json", "list"]));
    Exit::Unexpected.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    let error: Value = serde_json::from_str(stderr.trim()).expect("one JSON object");
    assert_eq!(error["error"]["kind"], "unexpected", "{stderr}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a bug")
    );
    assert!(
        !stderr.contains(said) && !stderr.contains("panicked"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    let output = run(env
        .process()
        .env("RESUMECTL_TEST_PANIC", said)
        .args(["--format", "table", "list"]));
    Exit::Unexpected.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains(said), "{stderr}");
}

#[test]
fn non_ascii_names_are_exact_keys_encoded_once_and_recorded_as_encoded_urls() {
    let Some((store, env, _)) = setup("Unused") else {
        return;
    };
    let id = non_ascii_record(&env);
    // The local export's name is the exact UTF-8 name.
    env.run(&["export", &id, "--to", "md"]).success();
    assert!(env.path(&format!("{NON_ASCII_STEM}.md")).exists());

    // A prefix given encoded (as a URL must be) is decoded once: the key is exact UTF-8.
    let report = upload(
        &env,
        &store,
        &id,
        &["--to", "md", "--upload", "s3://exports/résumés/my%20dir"],
    );
    let key = format!("résumés/my dir/{id}/1/{NON_ASCII_STEM}.md");
    assert!(
        store.object(BUCKET, &key).exists(),
        "{:?}",
        store.keys(BUCKET)
    );
    assert_eq!(store.keys(BUCKET).len(), 1, "{:?}", store.keys(BUCKET));
    // The recorded URL is the key encoded once, as a URL parser decodes it.
    let url = format!("s3://{BUCKET}/r%C3%A9sum%C3%A9s/my%20dir/{id}/1/{NON_ASCII_ENCODED}.md");
    assert_eq!(report["url"], url);
    assert_eq!(export_formats(&env, &id)["md_url"], url);
    // Signed for the same key: the link fetches the object.
    let shared = upload(
        &env,
        &store,
        &id,
        &[
            "--to",
            "md",
            "--upload",
            "s3://exports/résumés/my%20dir",
            "--presign",
            "1h",
        ],
    );
    assert_eq!(shared["reused"], true, "{shared}");
    let fetched = env
        .program("curl")
        .args(["--silent", "--fail", "--noproxy", "*"])
        .arg(shared["presigned_url"].as_str().unwrap())
        .output()
        .expect("curl");
    assert!(fetched.status.success(), "{fetched:?}");
    assert_eq!(
        fetched.stdout,
        std::fs::read(store.object(BUCKET, &key)).unwrap()
    );

    // A folder gets the same exact name on disk, and a URL by the same convention.
    let (folder, target) = served(&env);
    let report = succeeded(&run(env
        .process()
        .args(["export", &id, "--to", "md", "--upload", &target])));
    let on_disk = format!("{id}/1/{NON_ASCII_STEM}.md");
    assert_eq!(files_below(&folder), vec![on_disk]);
    assert_eq!(
        report["url"],
        format!("{target}/{id}/1/{NON_ASCII_ENCODED}.md")
    );
}

#[test]
fn a_local_copy_that_cannot_be_written_is_refused_before_the_upload() {
    let env = TestEnv::migrated();
    let id = env.create_record("Nowhere local");
    let (folder, target) = served(&env);
    let before = env.table_snapshot();
    let missing = env.path("no-such-dir/x.txt");
    let output = run(env
        .process()
        .args(["export", &id, "--to", "txt", "--upload", &target, "-o"])
        .arg(&missing));
    Exit::InvalidInput.of_output(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no-such-dir") && stderr.contains("does not exist"),
        "{stderr}"
    );
    // Nothing went to the store, nothing was recorded.
    assert!(
        files_below(&folder).is_empty(),
        "{:?}",
        files_below(&folder)
    );
    assert_eq!(env.table_snapshot(), before);
}

/// A loopback endpoint that accepts every connection and never says a word.
fn silent_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// A loopback endpoint that answers every request 404, with no S3 error in the body.
fn not_found_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_endpoint_that_never_answers_fails_in_seconds_and_says_so() {
    let env = TestEnv::migrated();
    let id = env.create_record("Silent");
    let before = env.table_snapshot();
    let endpoint = silent_endpoint();
    let (stderr, took) = failed_upload_to(&env, &endpoint, &id);
    // About 10 s; the bound here is loose, the old behaviour was 60 s.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(stderr.contains("no answer within 10 s"), "{stderr}");
    assert!(stderr.contains(&endpoint), "{stderr}");
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn an_endpoint_that_answers_otherwise_is_said_to_have_answered() {
    let env = TestEnv::migrated();
    let id = env.create_record("Not S3");
    let before = env.table_snapshot();
    let endpoint = not_found_endpoint();
    let (stderr, _) = failed_upload_to(&env, &endpoint, &id);
    assert!(stderr.contains("answered 404 Not Found"), "{stderr}");
    assert!(!stderr.contains("no answer"), "{stderr}");
    assert_eq!(env.table_snapshot(), before);
}

#[test]
fn a_symbolic_link_below_the_folder_is_refused_at_every_level() {
    let env = TestEnv::migrated();
    let id = env.create_record("Linked");
    let (folder, target) = served(&env);
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let before = env.table_snapshot();
    // DIR/<id> -> elsewhere, then DIR/<id>/1 -> elsewhere, then the file itself.
    let record_level = folder.join(&id);
    let version_level = record_level.join("1");
    let file_level = version_level.join(format!("{FILE_STEM}.txt"));
    let levels = [
        (record_level.clone(), elsewhere.clone()),
        (version_level.clone(), elsewhere.clone()),
        (file_level.clone(), elsewhere.join("x.txt")),
    ];
    for (index, (link, points_to)) in levels.iter().enumerate() {
        if index > 0 {
            std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        }
        std::os::unix::fs::symlink(points_to, link).unwrap();
        let output = run(env
            .process()
            .args(["export", &id, "--to", "txt", "--upload", &target]));
        assert_eq!(
            output.status.code(),
            Some(Exit::Database.code()),
            "{}: {output:?}",
            link.display()
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("symbolic link"), "{stderr}");
        assert!(stderr.contains(&link.display().to_string()), "{stderr}");
        assert!(
            files_below(&elsewhere).is_empty(),
            "{:?}",
            files_below(&elsewhere)
        );
        assert_eq!(env.table_snapshot(), before);
        std::fs::remove_file(link).unwrap();
    }
    // The folder itself may be a link: it is the user's choice.
    let linked_root = env.path("root-link");
    std::os::unix::fs::symlink(&folder, &linked_root).unwrap();
    let target = format!("file://{}", linked_root.display());
    let output = run(env
        .process()
        .args(["export", &id, "--to", "txt", "--upload", &target]));
    succeeded(&output);
    assert!(file_level.exists());
}

#[test]
fn the_shared_expires_at_is_the_earliest_among_the_recorded_uploads() {
    let env = TestEnv::migrated();
    let id = env.create_record("Expiries");
    let (_, target) = served(&env);
    let export = |format: &str, ttl: &str, more: &[&str]| {
        succeeded(&run(env
            .process()
            .args([
                "export", &id, "--to", format, "--upload", &target, "--ttl", ttl,
            ])
            .args(more)))
    };
    let txt = export("txt", "1h", &[]);
    let html = export("html", "7d", &[]);
    let formats = export_formats(&env, &id);
    // The web application's one expires_at never outlives a URL it serves.
    assert_eq!(formats["expires_at"], txt["expires_at"], "{formats}");
    // Each note, and each report, keeps its own.
    let notes = &formats["resumectl_exports"];
    assert_eq!(notes["txt_upload"]["expires_at"], txt["expires_at"]);
    assert_eq!(notes["html_upload"]["expires_at"], html["expires_at"]);
    assert!(rfc3339(&html["expires_at"]) - rfc3339(&txt["expires_at"]) > chrono::Duration::days(6));
    // The txt uploaded again for longer: now the html is the earliest.
    let txt = export("txt", "30d", &["--force"]);
    assert_eq!(txt["reused"], false);
    let formats = export_formats(&env, &id);
    assert_eq!(formats["expires_at"], html["expires_at"], "{formats}");
}
