//! The database side: one connection per command, the migrator, and every SQL statement.

pub mod listing;
pub mod migrate;
pub mod records;
pub mod versions;

use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError};
use sqlx::{ConnectOptions, Connection};

use crate::config::{Settings, redact_url};
use crate::error::{self, CliError, ErrorKind};

/// How to reach the database, parsed once; `describe()` is the only way it is printed.
#[derive(Clone)]
pub struct Target {
    options: PgConnectOptions,
    redacted: String,
}

impl Target {
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        Target::parse(settings.database_url()?, settings.database_url_source())
    }

    /// Where migrations run: the direct URL when one is configured (true), else the
    /// database URL (false: it may go through a pooler).
    pub fn for_migrations(settings: &Settings) -> Result<(Self, bool)> {
        match settings.migration_database_url() {
            Some((url, source)) => Ok((Target::parse(url, source)?, true)),
            None => Ok((Target::from_settings(settings)?, false)),
        }
    }

    fn parse(url: &str, source: &str) -> Result<Self> {
        let refuse = |why: String| {
            CliError::new(
                ErrorKind::NotConfigured,
                format!(
                    "the database URL from {source} is not a valid postgres:// URL ({}): {why}",
                    redact_url(url),
                ),
            )
        };
        if crate::config::is_malformed_url(url) {
            return Err(CliError::new(
                ErrorKind::NotConfigured,
                format!(
                    "the database URL from {source} is malformed ({}): it cannot be read \
                     safely, so none of it is shown; if the password holds special characters, \
                     percent-encode them (/ as %2F, @ as %40, : as %3A, # as %23, ? as %3F)",
                    redact_url(url),
                ),
            )
            .into());
        }
        // sqlx parses any scheme; a mysql:// URL must not quietly reach PostgreSQL.
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(refuse("the scheme must be postgres:// or postgresql://".into()).into());
        }
        check_tls_files(url, source)?;
        let options = PgConnectOptions::from_str(url).map_err(|error| refuse(error.to_string()))?;
        if asks_for_channel_binding(url) {
            crate::output::notice(
                "the database URL asks for channel_binding, which resumectl's PostgreSQL \
                 driver does not support: it is ignored. To authenticate the server, use \
                 sslmode=verify-full with sslrootcert",
            );
        }
        let options = options
            .application_name("resumectl")
            // Not a parameter PgBouncer passes on (it refuses the connection), and nothing
            // here reads floating-point columns.
            .extra_float_digits(None)
            // One-shot commands: statement logging at INFO would only add noise to stderr.
            .disable_statement_logging();
        Ok(Target {
            options,
            redacted: redact_url(url),
        })
    }

    /// "host:port/database as user": what a message may say about the target.
    pub fn describe(&self) -> String {
        let place = match self.options.get_socket() {
            Some(socket) => socket.display().to_string(),
            None => format!("{}:{}", self.options.get_host(), self.options.get_port()),
        };
        format!(
            "{place}/{} as {}",
            self.options
                .get_database()
                .unwrap_or(self.options.get_username()),
            self.options.get_username()
        )
    }

    pub fn redacted_url(&self) -> &str {
        &self.redacted
    }

    /// Opens one connection (a one-shot command needs no pool), bounded by `timeout`.
    /// With `wait`, connection failures (not authentication or configuration errors)
    /// are retried until `wait` has passed: for CI steps that start the database.
    pub async fn connect(&self, timeout: Duration, wait: Option<Duration>) -> Result<PgConnection> {
        let started = Instant::now();
        let _timing = ConnectTiming(started);
        let mut delay = Duration::from_millis(100);
        loop {
            let attempt = tokio::time::timeout(timeout, PgConnection::connect_with(&self.options));
            let failure = match attempt.await {
                Ok(Ok(mut connection)) => {
                    prepare_session(&mut connection).await?;
                    return Ok(connection);
                }
                Ok(Err(error)) => error,
                Err(_elapsed) => {
                    let message = format!(
                        "cannot connect to PostgreSQL at {}: no answer within {}s \
                         (--connect-timeout)",
                        self.describe(),
                        timeout.as_secs()
                    );
                    if wait.is_some_and(|wait| started.elapsed() < wait) {
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(error::database(message));
                }
            };
            if let Some(tls) = tls_failure(&failure) {
                return Err(error::database(format!(
                    "cannot connect to PostgreSQL at {}: TLS: {tls} (with sslmode=verify-full \
                     the server's certificate must be signed by the CA in sslrootcert and name \
                     the host connected to, here '{}'; sslmode=require encrypts without \
                     checking either)",
                    self.describe(),
                    self.options.get_host()
                )));
            }
            let retryable = is_retryable_connect_error(&failure);
            if retryable
                && let Some(wait) = wait
                && started.elapsed() < wait
            {
                // elapsed() moves on between the check and here: never subtract past zero.
                tokio::time::sleep(delay.min(wait.saturating_sub(started.elapsed()))).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                continue;
            }
            let hint = if retryable {
                if wait.is_some() {
                    " (gave up after --wait)"
                } else {
                    " (is the server running? `migrate --wait SECONDS` waits for it)"
                }
            } else {
                ""
            };
            return Err(error::database(format!(
                "cannot connect to PostgreSQL at {}: {}{hint}",
                self.describe(),
                connect_error_text(&failure)
            )));
        }
    }
}

/// Says goodbye to the server (a Terminate message, then a clean TLS and TCP shutdown):
/// without it, every call over TLS leaves "could not receive data from client:
/// Connection reset by peer" in the server's log. Bounded: the work is already done.
pub async fn close(connection: PgConnection) {
    let _ = tokio::time::timeout(Duration::from_secs(2), connection.close()).await;
}

/// Adds a connection's time (every attempt, TLS and authentication included) to the
/// "connect" timing, however the attempt ends.
struct ConnectTiming(Instant);

impl Drop for ConnectTiming {
    fn drop(&mut self) {
        crate::timings::record("connect", self.0.elapsed());
    }
}

/// Starts the transaction a write and its bookkeeping share, its statements bounded by
/// `statement_timeout`. `SET LOCAL` ends with the transaction, so nothing leaks into a
/// pooled server connection that other clients share (a session `SET` would).
pub async fn begin(
    connection: &mut PgConnection,
    statement_timeout: Option<Duration>,
) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
    let statement = format!(
        "BEGIN; SET LOCAL statement_timeout = {}",
        statement_timeout.map_or(0, |timeout| timeout.as_millis())
    );
    connection
        .begin_with(sqlx::AssertSqlSafe(statement))
        .await
        .map_err(|error| map_error(error, "starting the transaction"))
}

/// The certificate and key files a URL (or libpq's environment variables) names must
/// exist: a missing one is a configuration mistake to name, not a server to wait for.
fn check_tls_files(url: &str, source: &str) -> Result<()> {
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(());
    };
    let from_url = parsed
        .query_pairs()
        .filter(|(key, _)| matches!(key.as_ref(), "sslrootcert" | "sslcert" | "sslkey"))
        .map(|(key, value)| (key.into_owned(), value.into_owned(), source.to_string()));
    let from_env = [
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ]
    .into_iter()
    .filter_map(|(key, variable)| {
        let value = std::env::var(variable).ok()?;
        Some((key.to_string(), value, variable.to_string()))
    });
    for (key, path, from) in from_url.chain(from_env) {
        // libpq's special value: the system's certificate store.
        if key == "sslrootcert" && path == "system" {
            continue;
        }
        if !std::path::Path::new(&path).is_file() {
            return Err(error::not_configured(format!(
                "the {key} file '{}' (from {from}) does not exist or is not a file",
                path.escape_debug()
            )));
        }
    }
    Ok(())
}

/// True when the URL's query asks for channel binding (`channel_binding=require`).
fn asks_for_channel_binding(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|parsed| {
        parsed
            .query_pairs()
            .any(|(key, value)| key == "channel_binding" && value != "disable")
    })
}

pub async fn commit(transaction: sqlx::Transaction<'_, sqlx::Postgres>) -> Result<()> {
    transaction
        .commit()
        .await
        .map_err(|error| map_error(error, "committing"))
}

/// Settings every session gets, whatever the server's defaults are.
async fn prepare_session(connection: &mut PgConnection) -> Result<()> {
    // UTC so that timestamps print the same everywhere.
    sqlx::raw_sql("SET TIME ZONE 'UTC'")
        .execute(&mut *connection)
        .await
        .map_err(|error| map_error(error, "preparing the session"))?;
    Ok(())
}

/// The text of a failed TLS handshake or certificate check: never worth retrying, and
/// never "is the server running?". The driver reports some of them as I/O errors.
fn tls_failure(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Tls(tls) => Some(tls.to_string()),
        sqlx::Error::Io(io) => {
            let text = io.to_string();
            let lower = text.to_ascii_lowercase();
            ["certificate", "tls", "handshake", "ssl"]
                .iter()
                .any(|word| lower.contains(word))
                .then_some(text)
        }
        _ => None,
    }
}

/// Errors worth retrying while a database starts: refused, reset, starting up.
fn is_retryable_connect_error(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(database) => matches!(
            database.code().as_deref(),
            // cannot_connect_now (starting up / shutting down), too_many_connections
            Some("57P03") | Some("53300")
        ),
        _ => false,
    }
}

fn connect_error_text(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Tls(tls) => format!("TLS: {tls}"),
        sqlx::Error::Database(database) => database.message().to_string(),
        other => other.to_string(),
    }
}

/// Maps a statement's failure to an error kind: constraint and data errors are the
/// input's fault (exit 5); a missing table means the database is not migrated (exit 7).
pub fn map_error(error: sqlx::Error, doing: &str) -> anyhow::Error {
    let Some(database) = error.as_database_error() else {
        return error::database(format!("{doing}: {error}"));
    };
    let code = database
        .code()
        .map(|code| code.into_owned())
        .unwrap_or_default();
    let detail = database
        .try_downcast_ref::<PgDatabaseError>()
        .and_then(|pg| pg.detail().map(str::to_string));
    let constraint = database.constraint().map(str::to_string);
    let mut message = format!("{doing}: {}", database.message());
    if let Some(constraint) = &constraint {
        message.push_str(&format!(" (constraint {constraint})"));
    }
    if let Some(detail) = detail {
        message.push_str(&format!(": {detail}"));
    }
    let kind = match code.as_str() {
        code if code.starts_with("23") || code.starts_with("22") => ErrorKind::InvalidInput,
        "42P01" | "42703" => {
            message.push_str(" (is the database migrated? run `resumectl migrate`)");
            ErrorKind::Database
        }
        "57014" => {
            message.push_str(
                " (it ran longer than the statement timeout: raise --statement-timeout, \
                 or 0 for none)",
            );
            ErrorKind::Database
        }
        _ => ErrorKind::Database,
    };
    CliError::new(kind, message).into()
}
