//! Configuration: precedence, exit 3 when unset, exit 7 when unreachable, and no
//! password in any output.

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::*;

/// The user a record saved with `command` belongs to.
fn created_by(mut command: assert_cmd::Command) -> String {
    let assert = command
        .args(["save", "--new", "--title", "who"])
        .arg(example_path())
        .assert()
        .success();
    json_stdout(&assert)["user_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn user_precedence_is_flag_then_env_then_dotenv_then_config_file() {
    let env = TestEnv::migrated();
    let config = env.write("config.toml", "user = \"from-config\"\n");
    let base = || {
        let mut command = env.cmd();
        command
            .env_remove("RESUMECTL_USER")
            .env("RESUMECTL_CONFIG", &config);
        command
    };
    assert_eq!(created_by(base()), "from-config");
    env.write(".env", "RESUMECTL_USER=from-dotenv\n");
    assert_eq!(created_by(base()), "from-dotenv");
    let mut with_env = base();
    with_env.env("RESUMECTL_USER", "from-env");
    assert_eq!(created_by(with_env), "from-env");
    let mut with_flag = base();
    with_flag
        .env("RESUMECTL_USER", "from-env")
        .args(["--user", "from-flag"]);
    assert_eq!(created_by(with_flag), "from-flag");
}

#[test]
fn default_config_file_is_read_from_xdg_config_home() {
    let env = TestEnv::migrated();
    std::fs::create_dir_all(env.path("resumectl")).unwrap();
    env.write(
        "resumectl/config.toml",
        format!("database_url = \"{}\"\nuser = \"xdg-user\"\n", env.url),
    );
    let mut command = env.cmd();
    command
        .env_remove("RESUMECTL_USER")
        .env_remove("DATABASE_URL");
    assert_eq!(created_by(command), "xdg-user");
}

#[test]
fn no_user_is_exit_3_saying_how_to_set_it() {
    let env = TestEnv::migrated();
    let assert = env
        .cmd()
        .env_remove("RESUMECTL_USER")
        .args(["get", &uuid::Uuid::new_v4().to_string()])
        .assert()
        .exits(Exit::NotConfigured);
    let error = json_error(&assert);
    assert_eq!(error["error"]["kind"], "not_configured");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("--user") && message.contains("RESUMECTL_USER"),
        "{message}"
    );
    assert!(assert.get_output().stdout.is_empty());
}

#[test]
fn no_database_url_is_exit_3() {
    let env = TestEnv::migrated();
    let assert = env
        .cmd()
        .env_remove("DATABASE_URL")
        .args(["get", &uuid::Uuid::new_v4().to_string()])
        .assert()
        .exits(Exit::NotConfigured);
    assert!(stderr_text(&assert).contains("DATABASE_URL"));
}

#[test]
fn a_bad_config_file_is_exit_3_naming_the_line() {
    let env = TestEnv::migrated();
    let config = env.write("bad.toml", "user = \"x\"\ndatabse_url = \"typo\"\n");
    let id = uuid::Uuid::new_v4().to_string();
    let assert = env
        .run(&["--config", config.to_str().unwrap(), "get", &id])
        .exits(Exit::NotConfigured);
    let text = stderr_text(&assert);
    assert!(
        text.contains("line 2") && text.contains("databse_url"),
        "{text}"
    );
    let missing = env
        .run(&["--config", "nowhere.toml", "get", &id])
        .exits(Exit::NotConfigured);
    assert!(stderr_text(&missing).contains("nowhere.toml"));
}

const PASSWORD: &str = "Sup3rSecretPassw0rd";

fn assert_no_password(assert: &assert_cmd::assert::Assert) {
    let output = assert.get_output();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(PASSWORD), "password leaked: {text}");
    }
}

#[test]
fn unreachable_database_is_exit_7_with_host_and_port_but_no_password() {
    let env = TestEnv::empty();
    let port = closed_port();
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/resumes");
    for format in ["json", "table"] {
        for args in [
            vec!["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"],
            vec!["migrate"],
        ] {
            let started = Instant::now();
            let assert = env
                .cmd()
                .env("DATABASE_URL", &url)
                .args(["--format", format])
                .args(&args)
                .assert()
                .exits(Exit::Database);
            assert!(started.elapsed() < Duration::from_secs(15));
            assert_no_password(&assert);
            assert!(stderr_text(&assert).contains(&format!("127.0.0.1:{port}")));
        }
    }
}

#[test]
fn a_server_that_never_answers_hits_the_connect_timeout() {
    let env = TestEnv::empty();
    // Accepts TCP connections and then says nothing.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let url = format!("postgres://app:{PASSWORD}@127.0.0.1:{port}/resumes");
    let started = Instant::now();
    let assert = env
        .cmd()
        .env("DATABASE_URL", &url)
        .args([
            "--connect-timeout",
            "1",
            "get",
            "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
        ])
        .assert()
        .exits(Exit::Database);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stderr_text(&assert).contains("no answer within 1s"));
    assert_no_password(&assert);
    drop(listener);
}

#[test]
fn a_wrong_password_is_exit_7_and_never_printed() {
    let env = TestEnv::migrated();
    let mut url = url::Url::parse(&env.url).unwrap();
    url.set_password(Some(PASSWORD)).unwrap();
    let assert = env
        .cmd()
        .env("DATABASE_URL", url.as_str())
        .args(["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"])
        .assert()
        .exits(Exit::Database);
    assert_no_password(&assert);
}

#[test]
fn a_malformed_url_is_exit_3_and_never_echoed() {
    let env = TestEnv::empty();
    let assert = env
        .cmd()
        .env(
            "DATABASE_URL",
            format!("postgres://app:{PASSWORD}@host:notaport/db"),
        )
        .args(["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"])
        .assert()
        .exits(Exit::NotConfigured);
    assert_no_password(&assert);
    assert!(stderr_text(&assert).contains("malformed"));
    let other_scheme = env
        .cmd()
        .env(
            "DATABASE_URL",
            format!("mysql://app:{PASSWORD}@127.0.0.1/db"),
        )
        .args(["get", "0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33"])
        .assert()
        .exits(Exit::NotConfigured);
    assert_no_password(&other_scheme);
    assert!(stderr_text(&other_scheme).contains("postgres:// or postgresql://"));
}

#[test]
fn usage_errors_are_exit_2_and_json_when_asked() {
    let env = TestEnv::empty();
    let assert = env.run(&["--format", "json", "get"]).exits(Exit::Usage);
    assert_eq!(json_error(&assert)["error"]["kind"], "usage");
    env.run(&["frobnicate"]).exits(Exit::Usage);
}

#[test]
fn help_documents_the_exit_codes() {
    let env = TestEnv::empty();
    let assert = env.run(&["--help"]).success();
    let text = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    for code in [
        "6  write conflict",
        "7  database unreachable",
        "3  not configured",
    ] {
        assert!(text.contains(code), "{code} missing from --help");
    }
}
