//! Test environment: a fresh database per test on the PostgreSQL that `scripts/test`
//! provides, and a `cmd()` that runs the real binary against it.

#![allow(dead_code)] // each test file uses its own subset of these helpers

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use sqlx::{Connection, PgConnection};
use tempfile::TempDir;

pub mod console;
pub mod pdf;
pub mod servers;
pub mod upload;
mod verbs;

#[allow(unused_imports)] // each test file uses its own subset
pub use verbs::{Exit, Exits, Pty, example_edited, example_with};

pub const USER: &str = "user-alice";
pub const OTHER_USER: &str = "user-bob";

/// The server's admin URL. Tests never skip: without a database they fail, saying how to
/// get one.
pub fn admin_url() -> String {
    std::env::var("RESUMECTL_TEST_DATABASE_URL")
        .or_else(|_| std::env::var("DATABASE_URL"))
        .expect(
            "no PostgreSQL for the tests: run `scripts/test` (it starts a throwaway one), \
             or set DATABASE_URL to a server where databases may be created",
        )
}

/// The binary under test; RESUMECTL_TEST_BIN runs the suite against another build (to
/// show that a regression test fails on the code before its fix).
pub fn bin_path() -> PathBuf {
    std::env::var_os("RESUMECTL_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(assert_cmd::cargo::cargo_bin!("resumectl")))
}

/// Runs a future on the tests' runtime (for a connection a test holds while the binary
/// runs).
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    runtime().block_on(future)
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// A database of its own for one test, dropped at the end; and a scratch directory that
/// is the binary's working directory (so no stray `.env` or config file is read).
pub struct TestEnv {
    pub name: String,
    pub url: String,
    pub dir: TempDir,
}

impl TestEnv {
    /// An empty database: nothing migrated.
    pub fn empty() -> TestEnv {
        let name = format!("resumectl_test_{}", uuid::Uuid::new_v4().simple());
        let admin = admin_url();
        let statement = format!("CREATE DATABASE {name}");
        runtime().block_on(async {
            let mut connection = PgConnection::connect(&admin)
                .await
                .expect("connect as admin");
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut connection)
                .await
                .expect("create the test database");
        });
        let url = database_url_for(&admin, &name);
        TestEnv {
            name,
            url,
            dir: tempfile::tempdir().expect("scratch directory"),
        }
    }

    /// A database with every migration applied.
    pub fn migrated() -> TestEnv {
        let env = TestEnv::empty();
        env.cmd().arg("migrate").assert().success();
        env
    }

    /// The binary, configured for this database and USER, in the scratch directory,
    /// with JSON output and nothing inherited that could change its behaviour.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.process())
    }

    /// `cmd()` as a plain process, for tests that wire its streams themselves (a closed
    /// pipe, /dev/full, a child to send signals to).
    pub fn process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(bin_path());
        self.clean(&mut command);
        command
    }

    /// Removes from `command`'s environment everything that could change resumectl's
    /// behaviour, and points it at this test's database, user and scratch directory.
    pub fn clean(&self, command: &mut std::process::Command) {
        let inherited = std::env::vars_os().map(|(name, _)| name).filter(|name| {
            let name = name.to_string_lossy();
            name.starts_with("RESUMECTL_") || name.starts_with("AWS_")
        });
        for name in inherited {
            command.env_remove(name);
        }
        let inherited_pg = std::env::vars_os().map(|(name, _)| name).filter(|name| {
            // libpq's settings (PGSSLROOTCERT, PGPASSWORD, ...), which sqlx reads too.
            name.to_string_lossy().starts_with("PG")
        });
        for name in inherited_pg {
            command.env_remove(name);
        }
        for name in [
            "DATABASE_URL",
            "MIGRATION_DATABASE_URL",
            "XDG_CONFIG_HOME",
            "CI",
            "EDITOR",
            "VISUAL",
            "NO_COLOR",
        ] {
            command.env_remove(name);
        }
        command
            .env("DATABASE_URL", &self.url)
            .env("RESUMECTL_USER", USER)
            .env("XDG_CONFIG_HOME", self.dir.path())
            // Nothing from the home folder (~/.aws, a shell's rc files).
            .env("HOME", self.dir.path())
            .current_dir(self.dir.path());
    }

    /// A file in the scratch directory.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write a scratch file");
        path
    }

    /// Creates a record from the bundled example and returns its id.
    pub fn create_record(&self, title: &str) -> String {
        self.create_record_as(USER, title, &example())
    }

    pub fn create_record_as(&self, user: &str, title: &str, document: &Value) -> String {
        let output = self
            .cmd()
            .env("RESUMECTL_USER", user)
            .args(["save", "--new", "--title", title, "-"])
            .write_stdin(document.to_string())
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let record: Value = serde_json::from_slice(&output).expect("save prints JSON");
        record["id"].as_str().expect("record id").to_string()
    }

    /// One value from SQL run directly against the test database.
    pub fn sql<T>(&self, query: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
    {
        let url = self.url.clone();
        let query = query.to_string();
        runtime().block_on(async move {
            let mut connection = PgConnection::connect(&url).await.expect("connect");
            sqlx::query_scalar::<_, T>(sqlx::AssertSqlSafe(query))
                .fetch_one(&mut connection)
                .await
                .expect("test query")
        })
    }

    /// Runs statements directly against the test database.
    pub fn execute(&self, statements: &str) {
        let url = self.url.clone();
        let statements = statements.to_string();
        runtime().block_on(async move {
            let mut connection = PgConnection::connect(&url).await.expect("connect");
            sqlx::raw_sql(sqlx::AssertSqlSafe(statements))
                .execute(&mut connection)
                .await
                .expect("test statements");
        });
    }

    /// Holds the record's row (`SELECT ... FOR UPDATE` in an open transaction), so that a
    /// write to it waits; the lock goes with the returned connection.
    pub fn hold_row(&self, id: &str) -> PgConnection {
        let mut holder = block_on(PgConnection::connect(&self.url)).unwrap();
        block_on(sqlx::raw_sql("BEGIN").execute(&mut holder)).unwrap();
        block_on(
            sqlx::query("SELECT 1 FROM optimized_resumes WHERE id = $1::uuid FOR UPDATE")
                .bind(id)
                .execute(&mut holder),
        )
        .unwrap();
        holder
    }

    /// Waits until a statement of this test's database waits for a lock.
    pub fn wait_for_a_lock_wait(&self) {
        let started = Instant::now();
        while self.sql::<i64>(&format!(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND wait_event_type = 'Lock'",
            self.name
        )) == 0
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "nothing waited for the lock"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every row of the table as one JSON text, to prove that a refused command wrote
    /// nothing.
    pub fn table_snapshot(&self) -> String {
        self.sql::<Option<String>>(
            // string_agg, not jsonb_agg: PostgreSQL 17's jsonb_agg took minutes over the
            // 15 MB of rows that tests/cli_reach.rs leaves (string_agg: 0.3 s).
            "SELECT coalesce('[' || string_agg(to_jsonb(r)::text, ',' ORDER BY r.id) || ']', '[]') \
             FROM optimized_resumes r",
        )
        .unwrap_or_default()
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let admin = admin_url();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Best effort: the cluster is thrown away after the run anyway.
        let _ = runtime().block_on(async {
            let mut connection = PgConnection::connect(&admin).await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut connection)
                .await
        });
    }
}

/// The admin URL with its database replaced.
pub fn database_url_for(admin: &str, database: &str) -> String {
    let mut url = url::Url::parse(admin).expect("the test database URL parses");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

pub fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

pub fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/structured_output.json")
}

pub fn example() -> Value {
    serde_json::from_str(&std::fs::read_to_string(example_path()).expect("example"))
        .expect("example is JSON")
}

/// stdout of a successful run, as JSON.
pub fn json_stdout(assert: &assert_cmd::assert::Assert) -> Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("stdout is JSON")
}

/// stdout of a run that prints one JSON object a line (validate, save --ndjson).
pub fn json_lines(assert: &assert_cmd::assert::Assert) -> Vec<Value> {
    String::from_utf8_lossy(&assert.get_output().stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
        .collect()
}

/// stderr as text.
pub fn stderr_text(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The message of the one JSON error a failing run writes on stderr.
pub fn error_message(assert: &assert_cmd::assert::Assert) -> String {
    json_error(assert)["error"]["message"]
        .as_str()
        .expect("the error has a message")
        .to_string()
}

/// The one JSON error object a failing run writes on stderr.
pub fn json_error(assert: &assert_cmd::assert::Assert) -> Value {
    let text = stderr_text(assert);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one JSON line on stderr, got: {text}"
    );
    serde_json::from_str(lines[0]).expect("stderr is one JSON object")
}

/// A local port with nothing listening on it (bound once by the OS, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}
