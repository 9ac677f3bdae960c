//! Where the database is: a URL parsed once (refused when it cannot be read safely), and
//! connecting to it within a timeout, retrying only what a starting server answers.

use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::Result;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Connection};

use crate::error::{self, CliError, ErrorKind, Hint};
use crate::secrets::{is_malformed_url, redact_url};

/// How to reach the database, parsed once; `describe()` is the only way it is printed.
#[derive(Clone)]
pub struct Target {
    options: PgConnectOptions,
    redacted: String,
    /// What the person should know about the URL (a setting the driver ignores).
    pub warnings: Vec<String>,
}

impl Target {
    /// `source` names where the URL came from, for messages ("DATABASE_URL").
    pub fn parse(url: &str, source: &str) -> Result<Self> {
        if is_malformed_url(url) {
            return Err(error::not_configured(format!(
                "the database URL from {source} is malformed ({}): it cannot be read \
                 safely, so none of it is shown; if the password holds special characters, \
                 percent-encode them (/ as %2F, @ as %40, : as %3A, # as %23, ? as %3F)",
                redact_url(url),
            )));
        }
        let refuse = |why: String| {
            error::not_configured(format!(
                "the database URL from {source} is not a valid postgres:// URL ({}): {why}",
                redact_url(url),
            ))
        };
        // sqlx parses any scheme; a mysql:// URL must not quietly reach PostgreSQL.
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(refuse(
                "the scheme must be postgres:// or postgresql://".into(),
            ));
        }
        check_tls_files(url, source)?;
        // Every connection says it is resumectl (pg_stat_activity, the server's log).
        let options = PgConnectOptions::from_str(url)
            .map_err(|error| refuse(error.to_string()))?
            .application_name("resumectl");
        let mut warnings = Vec::new();
        if asks_for_channel_binding(url) {
            warnings.push(
                "the database URL asks for channel_binding, which resumectl's PostgreSQL \
                 driver does not support: it is ignored. To authenticate the server, use \
                 sslmode=verify-full with sslrootcert"
                    .to_string(),
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
            warnings,
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

    /// Opens one connection (a one-shot command needs no pool), each attempt bounded by
    /// `timeout`. With `wait`, connection failures (not authentication, TLS or
    /// configuration errors) are retried until `wait` has passed: for CI steps that start
    /// the database.
    pub async fn connect(&self, timeout: Duration, wait: Option<Duration>) -> Result<PgConnection> {
        let started = Instant::now();
        let _timing = ConnectTiming(started);
        let mut delay = Duration::from_millis(100);
        let may_retry = || wait.is_some_and(|wait| started.elapsed() < wait);
        loop {
            let attempt = tokio::time::timeout(timeout, PgConnection::connect_with(&self.options));
            let failure = match attempt.await {
                Ok(Ok(connection)) => return Ok(connection),
                Ok(Err(error)) => error,
                Err(_elapsed) if may_retry() => {
                    tokio::time::sleep(delay).await;
                    continue;
                }
                Err(_elapsed) => {
                    let message = format!(
                        "cannot connect to PostgreSQL at {}: no answer within {}s",
                        self.describe(),
                        timeout.as_secs()
                    );
                    return Err(CliError::new(ErrorKind::Database, message)
                        .with_hint(Hint::ConnectTimeout)
                        .into());
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
            if retryable && may_retry() {
                let left = wait.unwrap_or_default().saturating_sub(started.elapsed());
                tokio::time::sleep(delay.min(left)).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                continue;
            }
            let refused = CliError::new(
                ErrorKind::Database,
                format!(
                    "cannot connect to PostgreSQL at {}: {}",
                    self.describe(),
                    connect_error_text(&failure)
                ),
            );
            return Err(if retryable {
                refused.with_hint(Hint::ServerDown {
                    waited: wait.is_some(),
                })
            } else {
                refused
            }
            .into());
        }
    }
}

/// Adds a connection's time (every attempt, TLS and authentication included) to the
/// "connect" timing, however the attempt ends.
struct ConnectTiming(Instant);

impl Drop for ConnectTiming {
    fn drop(&mut self) {
        crate::timings::record("connect", self.0.elapsed());
    }
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
