//! Applies the embedded migrations under a bounded advisory lock, and reports whether a
//! database has every column and index resumectl relies on.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnection;

use crate::db::{Target, map_error};
use crate::error;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Our own advisory lock key ("resu"), held for the whole run so that concurrent
/// `migrate` calls (a CI matrix) apply each migration once. It fits in 32 bits, so it
/// appears in pg_locks as classid 0, objid KEY.
const LOCK_KEY: i64 = 0x7265_7375;

const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

#[derive(Debug, Serialize)]
pub struct MigrationState {
    pub version: i64,
    pub description: String,
    /// "applied", "pending", or "changed" (applied, but the embedded file differs).
    pub state: &'static str,
    pub applied_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct SchemaCheck {
    pub name: String,
    pub ok: bool,
    /// What is wrong: "missing", or "incompatible type ...".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct MigrationReport {
    pub migrations: Vec<MigrationState>,
    /// Versions this run applied (empty for `migrate status`, or when up to date).
    pub applied_now: Vec<i64>,
    pub checks: Vec<SchemaCheck>,
    pub up_to_date: bool,
}

/// Refuses to migrate through a transaction-mode pooler (PgBouncer, a managed "pooled"
/// endpoint): the migration lock is a session lock, which such a pooler hands to other
/// clients between transactions. The probe asks the pooler to share: a second
/// connection holds a transaction open while the first asks again for its backend. Over
/// a direct connection (or a plain port forward) each keeps its own backend; a pooler
/// gives the second the first one's idle backend, and the first another one, or makes
/// it wait. A URL given as --migration-database-url is trusted as direct, unprobed.
pub async fn refuse_pooler(
    connection: &mut PgConnection,
    target: &Target,
    connect_timeout: Duration,
) -> Result<()> {
    let first = backend(&mut *connection).await?;
    let mut other = target.connect(connect_timeout, None).await?;
    let mut holding = crate::db::begin(&mut other, None).await?;
    let other_backend = backend(&mut holding).await?;
    let again = match tokio::time::timeout(PROBE_WAIT, backend(&mut *connection)).await {
        Ok(again) => Some(again?),
        Err(_elapsed) => None,
    };
    drop(holding);
    crate::db::close(other).await;
    let sign = match again {
        _ if other_backend == first => Some("a second connection was given the same backend"),
        None => Some("a second connection's open transaction made the first one wait"),
        Some(again) if again != first => {
            Some("the connection moved to another backend between two transactions")
        }
        Some(_) => None,
    };
    match sign {
        None => Ok(()),
        Some(sign) => Err(error::not_configured(format!(
            "{} goes through a transaction-mode connection pooler ({sign}); migrations hold \
             a session lock that such a pooler breaks, so nothing was migrated: give the \
             server's direct URL with --migration-database-url or MIGRATION_DATABASE_URL",
            target.redacted_url()
        ))),
    }
}

async fn backend(connection: &mut PgConnection) -> Result<i32> {
    sqlx::query_scalar("SELECT pg_backend_pid()")
        .persistent(false)
        .fetch_one(connection)
        .await
        .map_err(|error| map_error(error, "checking the connection"))
}

/// How long the pooler probe waits for a backend a direct connection answers at once.
const PROBE_WAIT: Duration = Duration::from_secs(3);

/// Applies every pending migration. Waits at most `lock_timeout` for another migrator
/// (and for table locks held by the application), then fails naming who holds the lock.
pub async fn apply(connection: &mut PgConnection, lock_timeout: Duration) -> Result<Vec<i64>> {
    acquire_lock(connection, lock_timeout).await?;
    let result = match refuse_foreign_tables(connection).await {
        Ok(()) => apply_locked(connection, lock_timeout).await,
        Err(refused) => Err(refused),
    };
    let unlock = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(LOCK_KEY)
        .persistent(false)
        .execute(&mut *connection)
        .await;
    let applied = result?;
    unlock.map_err(|error| map_error(error, "releasing the migration lock"))?;
    Ok(applied)
}

async fn apply_locked(connection: &mut PgConnection, lock_timeout: Duration) -> Result<Vec<i64>> {
    // DDL over a busy table waits for its lock: bound that wait too.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "SET lock_timeout = '{}ms'",
        lock_timeout.as_millis()
    )))
    .execute(&mut *connection)
    .await
    .map_err(|error| map_error(error, "setting lock_timeout"))?;

    let before = applied_versions(connection).await?;
    // Our own lock (above) replaces sqlx's, whose wait has no bound.
    let mut migrator = Migrator::with_migrations(MIGRATOR.migrations.to_vec());
    migrator.set_locking(false);
    migrator
        .run(&mut *connection)
        .await
        .map_err(|error| migrate_error(error, lock_timeout))?;
    // The run succeeded, so every migration that was pending before it is applied now.
    Ok(MIGRATOR
        .iter()
        .map(|migration| migration.version)
        .filter(|version| !before.iter().any(|(done, _, _)| done == version))
        .collect())
}

fn migrate_error(error: sqlx::migrate::MigrateError, lock_timeout: Duration) -> anyhow::Error {
    use sqlx::migrate::MigrateError;
    match error {
        MigrateError::Execute(inner) | MigrateError::ExecuteMigration(inner, _) => {
            let is_lock_timeout = inner
                .as_database_error()
                .and_then(|database| database.code())
                .is_some_and(|code| code == "55P03");
            if is_lock_timeout {
                error::database(format!(
                    "migration gave up after {}s waiting for a table lock (--lock-timeout): \
                     another session holds a lock on optimized_resumes; \
                     see pg_stat_activity",
                    lock_timeout.as_secs()
                ))
            } else {
                map_error(inner, "applying a migration")
            }
        }
        MigrateError::VersionMismatch(version) => error::database(format!(
            "migration {version} was applied from a different file than the one in this \
             binary: the database was migrated by another build of resumectl"
        )),
        MigrateError::VersionMissing(version) => error::database(format!(
            "the database has migration {version}, which this binary does not know: \
             it was migrated by a newer resumectl"
        )),
        other => error::database(format!("migrating: {other}")),
    }
}

async fn acquire_lock(connection: &mut PgConnection, lock_timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + lock_timeout;
    loop {
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(LOCK_KEY)
            .persistent(false)
            .fetch_one(&mut *connection)
            .await
            .map_err(|error| map_error(error, "taking the migration lock"))?;
        if locked {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let holder = describe_lock_holder(connection).await;
            return Err(error::database(format!(
                "another migration holds the migration lock ({holder}); gave up after {}s \
                 (--lock-timeout)",
                lock_timeout.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// pid, application_name, user, client address, connected since.
type LockHolder = (
    i32,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
);

async fn describe_lock_holder(connection: &mut PgConnection) -> String {
    let row: Result<Option<LockHolder>, _> = sqlx::query_as(
        "SELECT a.pid, a.application_name, a.usename::text, a.client_addr::text, \
                    a.backend_start \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted \
               AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1 \
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             LIMIT 1",
    )
    .bind(LOCK_KEY)
    .persistent(false)
    .fetch_optional(&mut *connection)
    .await;
    match row {
        Ok(Some((pid, application, user, address, since))) => {
            let mut parts = vec![format!("pid {pid}")];
            if let Some(application) = application.filter(|name| !name.is_empty()) {
                parts.push(format!("application '{application}'"));
            }
            if let Some(user) = user {
                parts.push(format!("user '{user}'"));
            }
            parts.push(format!(
                "from {}",
                address.unwrap_or_else(|| "a local socket".into())
            ));
            if let Some(since) = since {
                parts.push(format!("connected since {}", since.to_rfc3339()));
            }
            format!("held by {}", parts.join(", "))
        }
        Ok(None) => "its holder has just let go; try again".into(),
        Err(_) => "its holder could not be read from pg_locks".into(),
    }
}

/// (version, checksum, installed_on) of every applied migration; empty before the first.
async fn applied_versions(
    connection: &mut PgConnection,
) -> Result<Vec<(i64, Vec<u8>, Option<DateTime<Utc>>)>> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(MIGRATIONS_TABLE)
        .persistent(false)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the migration table"))?;
    if !exists {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT version, checksum, installed_on FROM _sqlx_migrations \
         WHERE success ORDER BY version",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the migration table"))
}

/// A column resumectl reads or writes: its table, its name, and the types it works with
/// (as information_schema names them). The web application's tables differ: user_id may be
/// TEXT or VARCHAR(n), timestamps may have no time zone.
struct ExpectedColumn {
    table: &'static str,
    name: &'static str,
    types: &'static [&'static str],
}

const fn column(
    table: &'static str,
    name: &'static str,
    types: &'static [&'static str],
) -> ExpectedColumn {
    ExpectedColumn { table, name, types }
}

const RECORDS: &str = "optimized_resumes";
const HISTORY: &str = "optimized_resume_versions";
const TEXT: &[&str] = &["character varying", "text"];
const JSONB: &[&str] = &["jsonb"];
const UUID: &[&str] = &["uuid"];
const TIMESTAMP: &[&str] = &["timestamp with time zone", "timestamp without time zone"];

const EXPECTED_COLUMNS: &[ExpectedColumn] = &[
    column(RECORDS, "id", UUID),
    column(RECORDS, "user_id", TEXT),
    column(RECORDS, "original_resume_id", UUID),
    column(RECORDS, "job_analysis_id", UUID),
    column(RECORDS, "title", TEXT),
    column(RECORDS, "optimized_content", TEXT),
    column(RECORDS, "optimization_summary", &["jsonb", "json"]),
    column(RECORDS, "match_score", &["integer"]),
    column(RECORDS, "improvements_made", &["ARRAY"]),
    column(RECORDS, "keywords_added", &["ARRAY"]),
    column(RECORDS, "skills_highlighted", &["ARRAY"]),
    column(RECORDS, "structured_output", JSONB),
    column(RECORDS, "qa_metrics", JSONB),
    column(RECORDS, "export_formats", JSONB),
    column(RECORDS, "created_at", TIMESTAMP),
    column(RECORDS, "updated_at", TIMESTAMP),
    column(RECORDS, "version", &["bigint"]),
    column(HISTORY, "resume_id", UUID),
    column(HISTORY, "version", &["bigint"]),
    column(HISTORY, "structured_output", JSONB),
    column(HISTORY, "qa_metrics", JSONB),
    column(HISTORY, "export_formats", JSONB),
    column(HISTORY, "optimized_content", TEXT),
    column(HISTORY, "match_score", &["integer"]),
    column(HISTORY, "note", TEXT),
    column(HISTORY, "created_at", TIMESTAMP),
];

/// (column, access method) of the indexes the queries depend on.
const EXPECTED_INDEXES: &[(&str, &str)] = &[
    ("user_id", "btree"),
    ("structured_output", "gin"),
    ("qa_metrics", "gin"),
];

/// (table, column, type) of every column of the two tables, in the current schema.
async fn existing_columns(connection: &mut PgConnection) -> Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text \
         FROM information_schema.columns \
         WHERE table_name IN ('optimized_resumes', 'optimized_resume_versions') \
           AND table_schema = current_schema()",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the tables' columns"))
}

/// One check a column: there with a type resumectl works with, missing, or incompatible.
fn column_checks(existing: &[(String, String, String)]) -> Vec<SchemaCheck> {
    EXPECTED_COLUMNS
        .iter()
        .map(|expected| {
            let found = existing
                .iter()
                .find(|(table, name, _)| table == expected.table && name == expected.name)
                .map(|(_, _, found)| found.clone());
            let problem = match &found {
                None => Some("missing".to_string()),
                Some(found) if expected.types.contains(&found.as_str()) => None,
                Some(found) => Some(format!("incompatible type {found}")),
            };
            SchemaCheck {
                name: format!(
                    "column {}.{} ({})",
                    expected.table,
                    expected.name,
                    expected.types.join(" or ")
                ),
                ok: problem.is_none(),
                problem,
            }
        })
        .collect()
}

/// Refuses to migrate over tables that the migrations would not fix: a column there with
/// a type resumectl cannot use, or a history table that is someone else's (the
/// migration's CREATE TABLE IF NOT EXISTS would leave it as it is, and every write would
/// then fail). Nothing is changed.
async fn refuse_foreign_tables(connection: &mut PgConnection) -> Result<()> {
    let existing = existing_columns(connection).await?;
    let history_exists = existing.iter().any(|(table, _, _)| table == HISTORY);
    let refused: Vec<String> = column_checks(&existing)
        .into_iter()
        .zip(EXPECTED_COLUMNS)
        .filter_map(|(check, expected)| {
            let problem = check.problem?;
            let fixed_by_migrating =
                problem == "missing" && (expected.table == RECORDS || !history_exists);
            (!fixed_by_migrating)
                .then(|| format!("{}.{}: {problem}", expected.table, expected.name))
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    let hint = if refused.iter().any(|line| line.starts_with(HISTORY)) {
        format!(
            "; a table named {HISTORY} that is not resumectl's history is in the way: \
             rename it (ALTER TABLE {HISTORY} RENAME TO ...) and migrate again"
        )
    } else {
        String::new()
    };
    Err(error::database(format!(
        "the existing tables cannot be used as they are ({}): nothing was migrated{hint}",
        refused.join(", ")
    )))
}

pub async fn status(connection: &mut PgConnection) -> Result<MigrationReport> {
    let applied = applied_versions(connection).await?;
    let mut migrations = Vec::new();
    for migration in MIGRATOR.iter() {
        let found = applied
            .iter()
            .find(|(version, _, _)| *version == migration.version);
        let state = match found {
            None => "pending",
            Some((_, checksum, _)) if checksum.as_slice() != &*migration.checksum => "changed",
            Some(_) => "applied",
        };
        migrations.push(MigrationState {
            version: migration.version,
            description: migration.description.to_string(),
            state,
            applied_at: found.and_then(|(_, _, at)| *at),
        });
    }

    let mut checks = column_checks(&existing_columns(connection).await?);

    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.attname::text, am.amname::text \
         FROM pg_index i \
         JOIN pg_class ix ON ix.oid = i.indexrelid \
         JOIN pg_am am ON am.oid = ix.relam \
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] \
         WHERE i.indrelid = to_regclass('optimized_resumes') AND i.indpred IS NULL \
           AND i.indisvalid",
    )
    .persistent(false)
    .fetch_all(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the table's indexes"))?;
    for (column, method) in EXPECTED_INDEXES {
        let ok = indexes
            .iter()
            .any(|(found_column, found_method)| found_column == column && found_method == method);
        checks.push(SchemaCheck {
            name: format!("{method} index on optimized_resumes.{column}"),
            ok,
            problem: (!ok).then(|| "missing".to_string()),
        });
    }

    // Every history row is written with ON CONFLICT (resume_id, version) or relies on it
    // being unique.
    let history_key: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_index i \
             WHERE i.indrelid = to_regclass('optimized_resume_versions') AND i.indisunique \
               AND i.indpred IS NULL \
               AND (SELECT array_agg(a.attname::text ORDER BY a.attname) \
                    FROM pg_attribute a \
                    WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)) \
                   = ARRAY['resume_id', 'version'])",
    )
    .persistent(false)
    .fetch_one(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the history table's keys"))?;
    checks.push(SchemaCheck {
        name: "unique key on optimized_resume_versions (resume_id, version)".into(),
        ok: history_key,
        problem: (!history_key).then(|| "missing".to_string()),
    });

    let up_to_date = migrations
        .iter()
        .all(|migration| migration.state == "applied")
        && checks.iter().all(|check| check.ok);
    Ok(MigrationReport {
        migrations,
        applied_now: Vec::new(),
        checks,
        up_to_date,
    })
}
