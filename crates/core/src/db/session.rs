//! A command's connection: opened once, used for reads and for writes in a transaction,
//! and closed on every path, success or error. A connection dropped without a goodbye
//! leaves "connection reset by peer" in the server's log for every failed command.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::db::errors::map_error;
use crate::db::target::Target;

/// Where and how to connect: everything a session needs, resolved from the settings.
#[derive(Clone)]
pub struct ConnectOptions {
    pub target: Target,
    pub connect_timeout: Duration,
    /// None: no limit.
    pub statement_timeout: Option<Duration>,
    /// Retry connection failures for this long (a database still starting).
    pub wait: Option<Duration>,
    /// Where the sessions' writes are counted (the caller watches it at a signal).
    pub commits: Commits,
    /// Who the writes are made by: recorded with every version they write.
    pub actor: Option<String>,
}

/// The COMMITs of every session opened with the same `ConnectOptions`: how many are on
/// their way to the server, and whether any arrived. A signal waits for the first and
/// reports the second, so that what it says is what happened. Clones share the count.
#[derive(Debug, Clone, Default)]
pub struct Commits(Arc<CommitCount>);

#[derive(Debug, Default)]
struct CommitCount {
    in_flight: AtomicUsize,
    committed: AtomicBool,
}

impl Commits {
    /// How many COMMITs are on their way to the server right now.
    pub fn in_flight(&self) -> usize {
        self.0.in_flight.load(Ordering::SeqCst)
    }

    /// Whether a transaction committed.
    pub fn any_committed(&self) -> bool {
        self.0.committed.load(Ordering::SeqCst)
    }

    /// Counts a COMMIT as on its way until the guard goes, however it goes: answered, or
    /// dropped with the work waiting for it (a signal stopped it).
    fn sending(&self) -> InFlight<'_> {
        self.0.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }
}

struct InFlight<'a>(&'a Commits);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One open connection, the statement timeout its transactions carry, and where its
/// commits are counted.
pub struct Session {
    connection: PgConnection,
    statement_timeout: Option<Duration>,
    commits: Commits,
    /// `SET LOCAL resumectl.actor = ...`, ready to send with each write's BEGIN.
    set_actor: Option<String>,
}

impl Session {
    pub async fn open(options: &ConnectOptions) -> Result<Session> {
        // No `SET TIME ZONE`: sqlx asks for TimeZone=UTC in the startup packet (PgBouncer
        // passes it on), so a TIMESTAMP without time zone reads as UTC everywhere, at no
        // round trip of its own.
        let connection = options
            .target
            .connect(options.connect_timeout, options.wait)
            .await?;
        Ok(Session {
            connection,
            statement_timeout: options.statement_timeout,
            commits: options.commits.clone(),
            set_actor: options
                .actor
                .as_deref()
                .map(|actor| format!("; SET LOCAL resumectl.actor = {}", quote_literal(actor))),
        })
    }

    /// Runs `work` in a read-only transaction under the statement timeout: reads are
    /// bounded as writes are (a read behind an ACCESS EXCLUSIVE lock otherwise waits for
    /// ever). A transaction, not a session-level `SET`, so that nothing leaks into a
    /// server connection that a transaction-mode pooler shares with other clients.
    pub async fn read<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<T>,
    ) -> Result<T> {
        let mut transaction = self.begin("BEGIN READ ONLY").await?;
        let value = work(&mut transaction).await?;
        // Nothing to keep: COMMIT only ends the transaction (and is not counted as a
        // write that a signal must report).
        transaction
            .commit()
            .await
            .map_err(|error| map_error(error, "ending the read"))?;
        Ok(value)
    }

    /// One read statement and its transaction in one round trip: BEGIN READ ONLY, the
    /// statement timeout, `select` and COMMIT go together in one simple query, whose
    /// values are written into it as literals (`quote_literal`, or a type whose text is
    /// safe, such as a Uuid). `read` with the extended protocol takes four round trips.
    /// Its rows come back as text, which sqlx decodes as it does binary.
    pub async fn read_at_once<O>(&mut self, select: &str, what: &str) -> Result<Vec<O>>
    where
        O: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
    {
        let statement = format!(
            "BEGIN READ ONLY; SET LOCAL statement_timeout = {}; {select}; COMMIT",
            self.statement_timeout
                .map_or(0, |timeout| timeout.as_millis())
        );
        let rows = match sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .fetch_all(&mut self.connection)
            .await
        {
            Ok(rows) => rows,
            Err(error) => {
                // The statements after a failed one were skipped, COMMIT too: the
                // transaction is open and failed until it is rolled back.
                let _ = sqlx::raw_sql("ROLLBACK")
                    .execute(&mut self.connection)
                    .await;
                return Err(map_error(error, what));
            }
        };
        rows.iter()
            .map(O::from_row)
            .collect::<Result<_, _>>()
            .map_err(|error| map_error(error, what))
    }

    /// Runs `work` in one transaction, its statements bounded by the statement timeout:
    /// committed when `work` succeeds, rolled back otherwise. `SET LOCAL` ends with the
    /// transaction, so nothing leaks into a pooled server connection other clients share.
    pub async fn write<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut PgConnection) -> Result<T>,
    ) -> Result<T> {
        let commits = self.commits.clone();
        // Who writes, for the version rows this transaction inserts (their column's
        // default reads it), sent with BEGIN: no round trip of its own.
        let begin = format!("BEGIN{}", self.set_actor.as_deref().unwrap_or_default());
        let mut transaction = self.begin(&begin).await?;
        let value = work(&mut transaction).await?;
        let in_flight = commits.sending();
        let committed = transaction.commit().await;
        drop(in_flight);
        committed.map_err(|error| map_error(error, "committing"))?;
        commits.0.committed.store(true, Ordering::SeqCst);
        Ok(value)
    }

    /// `begin` and the statement timeout in one round trip.
    async fn begin(&mut self, begin: &str) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
        let statement = format!(
            "{begin}; SET LOCAL statement_timeout = {}",
            self.statement_timeout
                .map_or(0, |timeout| timeout.as_millis())
        );
        self.connection
            .begin_with(sqlx::AssertSqlSafe(statement))
            .await
            .map_err(|error| map_error(error, "starting the transaction"))
    }

    /// The connection itself, for work that manages its own transactions (an all-or-nothing
    /// batch spans many calls).
    pub(crate) fn connection(&mut self) -> &mut PgConnection {
        &mut self.connection
    }

    pub async fn close(self) {
        close(self.connection).await;
    }
}

/// `text` as an SQL string literal (PQescapeLiteral's rules): quotes doubled, and with
/// backslashes doubled in an E'' literal when it has any, so that it reads the same
/// whatever standard_conforming_strings says.
pub(crate) fn quote_literal(text: &str) -> String {
    let quoted = text.replace('\'', "''");
    if quoted.contains('\\') {
        format!("E'{}'", quoted.replace('\\', "\\\\"))
    } else {
        format!("'{quoted}'")
    }
}

/// Opens a session, runs `work` with it, and closes it whatever `work` returned.
pub async fn with_session<T>(
    options: &ConnectOptions,
    work: impl AsyncFnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    let mut session = Session::open(options).await?;
    let result = work(&mut session).await;
    session.close().await;
    result
}

/// Says goodbye to the server (a Terminate message, then a clean TLS and TCP shutdown).
/// Bounded: the work is already done, or already failed.
async fn close(connection: PgConnection) {
    let _ = tokio::time::timeout(Duration::from_secs(2), connection.close()).await;
}

#[cfg(test)]
mod tests {
    use super::quote_literal;

    #[test]
    fn literals_are_quoted_as_libpq_quotes_them() {
        assert_eq!(quote_literal("ana@host"), "'ana@host'");
        assert_eq!(quote_literal("O'Brien"), "'O''Brien'");
        assert_eq!(quote_literal(r"DOMAIN\ana"), r"E'DOMAIN\\ana'");
        assert_eq!(quote_literal(r"a\'; DROP"), r"E'a\\''; DROP'");
    }
}
