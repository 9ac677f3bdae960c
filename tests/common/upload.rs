//! Helpers for `export --upload` tests: the binary pointed at an S3 endpoint with its
//! credentials (and nothing inherited), a store with a record, and export_formats read back.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::servers::S3Server;
use super::{Exit, TestEnv};

pub const BUCKET: &str = "exports";
pub const FILE_STEM: &str = "Jane_Doe_Senior_Data_Engineer_Northwind";

/// The binary, pointed at `endpoint` with these credentials (and nothing inherited).
pub fn aws_cmd(env: &TestEnv, endpoint: &str, key: &str, secret: &str) -> std::process::Command {
    let mut command = env.process();
    for name in [
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL_S3",
        "AWS_DEFAULT_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env_remove(name);
    }
    command
        .env("HOME", env.dir.path())
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", endpoint);
    command
}

/// The binary, pointed at the store with its credentials.
pub fn s3_cmd(env: &TestEnv, store: &S3Server) -> std::process::Command {
    aws_cmd(env, &store.endpoint, &store.access_key, &store.secret_key)
}

/// A store with the bucket, a database, and one record in it; None when s3s-fs is not
/// installed (outside CI: skipped, loudly).
pub fn setup(title: &str) -> Option<(S3Server, TestEnv, String)> {
    let store = S3Server::start(&[BUCKET])?;
    let env = TestEnv::migrated();
    let id = env.create_record(title);
    Some((store, env, id))
}

pub fn run(command: &mut std::process::Command) -> std::process::Output {
    command
        .stdin(Stdio::null())
        .output()
        .expect("run resumectl")
}

pub fn succeeded(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON report on stdout")
}

pub fn upload(env: &TestEnv, store: &S3Server, id: &str, args: &[&str]) -> Value {
    succeeded(&run(s3_cmd(env, store).args(["export", id]).args(args)))
}

/// `export ID --to FORMAT --upload URL`, which must succeed: its report.
pub fn upload_to(env: &TestEnv, store: &S3Server, id: &str, format: &str, url: &str) -> Value {
    upload(env, store, id, &["--to", format, "--upload", url])
}

/// A txt export uploaded to s3://exports at `endpoint` that must fail with exit 7: its
/// stderr, and how long it took.
pub fn failed_upload_to(env: &TestEnv, endpoint: &str, id: &str) -> (String, Duration) {
    let started = Instant::now();
    let output = run(aws_cmd(env, endpoint, "key", "secret-key").args([
        "export",
        id,
        "--to",
        "txt",
        "--upload",
        "s3://exports",
    ]));
    let took = started.elapsed();
    Exit::Database.of_output(&output);
    (String::from_utf8_lossy(&output.stderr).into_owned(), took)
}

pub fn export_formats(env: &TestEnv, id: &str) -> Value {
    env.sql::<Option<Value>>(&format!(
        "SELECT export_formats FROM optimized_resumes WHERE id = '{id}'"
    ))
    .unwrap_or(Value::Null)
}

pub fn rfc3339(value: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp"))
        .unwrap_or_else(|_| panic!("{value} is not RFC 3339"))
}
