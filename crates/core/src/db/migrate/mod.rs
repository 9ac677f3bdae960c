//! Applies the embedded migrations under a bounded advisory lock, refusing a pooler that
//! would break the lock and tables the migrations could not fix.

mod checks;
mod search;

pub use checks::status;

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::{DateTime, Utc};
use sqlx::Connection;
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnection;

use crate::db::errors::map_error;
use crate::db::session::Session;
use crate::db::target::Target;
use crate::error::{self, CliError, ErrorKind, Hint};
use crate::model::reports::PendingMigration;

/// The migrations in `migrations/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// Our own advisory lock key ("resu"), held for the whole run so that concurrent
/// `migrate` calls (a CI matrix) apply each migration once. It fits in 32 bits, so it
/// appears in pg_locks as classid 0, objid KEY.
const LOCK_KEY: i64 = 0x7265_7375;

const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Refuses to migrate through a transaction-mode pooler (PgBouncer, a managed "pooled"
/// endpoint): the migration lock is a session lock, which such a pooler hands to other
/// clients between transactions. The probe asks the pooler to share: a second
/// connection holds a transaction open while the first asks again for its backend. Over
/// a direct connection (or a plain port forward) each keeps its own backend; a pooler
/// gives the second the first one's idle backend, and the first another one, or makes
/// it wait. A URL given as the migration URL is trusted as direct, unprobed.
pub async fn refuse_pooler(
    session: &mut Session,
    target: &Target,
    connect_timeout: Duration,
) -> Result<()> {
    let connection = session.connection();
    let first = backend(&mut *connection).await?;
    let mut other = target.connect(connect_timeout, None).await?;
    let probe = async {
        let mut holding = other
            .begin()
            .await
            .map_err(|error| map_error(error, "probing for a pooler"))?;
        let other_backend = backend(&mut holding).await?;
        let again = match tokio::time::timeout(PROBE_WAIT, backend(&mut *connection)).await {
            Ok(again) => Some(again?),
            Err(_elapsed) => None,
        };
        Ok::<_, anyhow::Error>((other_backend, again))
    }
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(2), other.close()).await;
    let (other_backend, again) = probe?;
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
        Some(sign) => Err(CliError::new(
            ErrorKind::NotConfigured,
            format!(
                "{} goes through a transaction-mode connection pooler ({sign}); migrations \
                 hold a session lock that such a pooler breaks, so nothing was migrated",
                target.redacted_url()
            ),
        )
        .with_hint(Hint::MigrationUrl)
        .into()),
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

/// What `apply` did: the migrations it applied, and what stopped the search indexes,
/// when something did.
pub struct Applied {
    pub versions: Vec<i64>,
    pub search_note: Option<crate::model::reports::SearchIndexing>,
}

/// Applies every pending migration, then builds the search indexes the server allows
/// (`search::ensure`). Waits at most `lock_timeout` for another migrator (and for table
/// locks held by the application), then fails naming who holds the lock.
pub async fn apply(connection: &mut PgConnection, lock_timeout: Duration) -> Result<Applied> {
    acquire_lock(connection, lock_timeout).await?;
    let result = match checks::refuse_foreign_tables(connection).await {
        Ok(()) => match apply_locked(connection, lock_timeout).await {
            Ok(versions) => search::ensure(connection).await.map(|search_note| Applied {
                versions,
                search_note,
            }),
            Err(error) => Err(error),
        },
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

/// What `apply` would run, without running it or taking any lock: every migration not
/// yet applied, with its SQL. Fails as `apply` would on tables the migrations could not
/// fix, and on a migration applied from a different file.
pub async fn plan(connection: &mut PgConnection) -> Result<Vec<PendingMigration>> {
    checks::refuse_foreign_tables(connection).await?;
    let applied = applied_versions(connection).await?;
    // What sqlx's run refuses before applying anything: a migration that failed half way,
    // and one this binary does not know.
    if let Some(version) = failed_version(connection).await? {
        return Err(migrate_error(
            sqlx::migrate::MigrateError::Dirty(version),
            Duration::ZERO,
        ));
    }
    if let Some((unknown, _, _)) = applied
        .iter()
        .find(|(version, _, _)| !MIGRATOR.iter().any(|known| known.version == *version))
    {
        return Err(migrate_error(
            sqlx::migrate::MigrateError::VersionMissing(*unknown),
            Duration::ZERO,
        ));
    }
    let mut pending = Vec::new();
    for migration in MIGRATOR.iter() {
        match applied
            .iter()
            .find(|(version, _, _)| *version == migration.version)
        {
            Some((_, checksum, _)) if checksum.as_slice() != &*migration.checksum => {
                return Err(migrate_error(
                    sqlx::migrate::MigrateError::VersionMismatch(migration.version),
                    Duration::ZERO,
                ));
            }
            Some(_) => {}
            None => pending.push(PendingMigration {
                version: migration.version,
                description: migration.description.to_string(),
                in_transaction: !migration.no_tx,
                sql: migration.sql.as_str().to_string(),
            }),
        }
    }
    Ok(pending)
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
                let message = format!(
                    "migration gave up after {}s waiting for a table lock: another session \
                     holds a lock on optimized_resumes; see pg_stat_activity",
                    lock_timeout.as_secs()
                );
                CliError::new(ErrorKind::Database, message)
                    .with_hint(Hint::LockTimeout)
                    .into()
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
            let message = format!(
                "another migration holds the migration lock ({holder}); gave up after {}s",
                lock_timeout.as_secs()
            );
            return Err(CliError::new(ErrorKind::Database, message)
                .with_hint(Hint::LockTimeout)
                .into());
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

/// Whether sqlx's migration table exists yet (not before the first migration).
async fn migrations_table_exists(connection: &mut PgConnection) -> Result<bool> {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(MIGRATIONS_TABLE)
        .persistent(false)
        .fetch_one(&mut *connection)
        .await
        .map_err(|error| map_error(error, "reading the migration table"))
}

/// A migration recorded as failed (sqlx's "dirty" state), if any.
async fn failed_version(connection: &mut PgConnection) -> Result<Option<i64>> {
    if !migrations_table_exists(connection).await? {
        return Ok(None);
    }
    sqlx::query_scalar(
        "SELECT version FROM _sqlx_migrations WHERE NOT success ORDER BY version LIMIT 1",
    )
    .persistent(false)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|error| map_error(error, "reading the migration table"))
}

/// (version, checksum, installed_on) of every applied migration; empty before the first.
pub(super) async fn applied_versions(
    connection: &mut PgConnection,
) -> Result<Vec<(i64, Vec<u8>, Option<DateTime<Utc>>)>> {
    if !migrations_table_exists(connection).await? {
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
