//! A command's connection: opened once, used for reads and for writes in a transaction,
//! and closed on every path, success or error. A connection dropped without a goodbye
//! leaves "connection reset by peer" in the server's log for every failed command.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use sqlx::Connection;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

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
    /// A write's transaction is open: set at its BEGIN, cleared at its COMMIT or
    /// ROLLBACK. Still set when a write was dropped half-way (a signal): the next use
    /// rolls it back first.
    writing: bool,
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
            writing: false,
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
        self.settle().await;
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
        self.settle().await;
        let statement = format!(
            "BEGIN READ ONLY; SET LOCAL statement_timeout = {}; {select}; COMMIT",
            self.timeout_ms()
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
    /// What `work` leaves for the COMMIT (`Transaction::with_commit`) goes in the same
    /// simple query, before it: one round trip for both.
    pub async fn write<T>(
        &mut self,
        work: impl AsyncFnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.settle().await;
        let commits = self.commits.clone();
        // Who writes, for the version rows this transaction inserts (their column's
        // default reads it), sent with BEGIN: no round trip of its own.
        let begin = format!(
            "BEGIN{}; SET LOCAL statement_timeout = {}",
            self.set_actor.as_deref().unwrap_or_default(),
            self.timeout_ms()
        );
        // Set before BEGIN is sent: a write dropped while it is on its way is rolled back.
        self.writing = true;
        if let Err(error) = sqlx::raw_sql(sqlx::AssertSqlSafe(begin))
            .execute(&mut self.connection)
            .await
        {
            self.settle().await;
            return Err(map_error(error, "starting the transaction"));
        }
        let mut transaction = Transaction {
            connection: &mut self.connection,
            with_commit: String::new(),
            waiting_for: Vec::new(),
        };
        let value = match work(&mut transaction).await {
            Ok(value) => value,
            Err(error) => {
                self.settle().await;
                return Err(error);
            }
        };
        let commit = format!("{}COMMIT", transaction.with_commit);
        let in_flight = commits.sending();
        let committed = sqlx::raw_sql(sqlx::AssertSqlSafe(commit))
            .execute(&mut self.connection)
            .await;
        drop(in_flight);
        if let Err(error) = committed {
            self.settle().await;
            return Err(map_error(error, "committing"));
        }
        self.writing = false;
        commits.0.committed.store(true, Ordering::SeqCst);
        Ok(value)
    }

    /// Rolls back a write's transaction left open (its work failed, or was dropped).
    /// Best effort: a connection that cannot say ROLLBACK is closed, and the server
    /// rolls back then.
    async fn settle(&mut self) {
        if std::mem::take(&mut self.writing) {
            let rollback = sqlx::raw_sql("ROLLBACK").execute(&mut self.connection);
            let _ = tokio::time::timeout(Duration::from_secs(2), rollback).await;
        }
    }

    fn timeout_ms(&self) -> u128 {
        self.statement_timeout
            .map_or(0, |timeout| timeout.as_millis())
    }

    /// `begin` and the statement timeout in one round trip.
    async fn begin(&mut self, begin: &str) -> Result<sqlx::Transaction<'_, sqlx::Postgres>> {
        let statement = format!(
            "{begin}; SET LOCAL statement_timeout = {}",
            self.timeout_ms()
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

/// A write's open transaction: its connection (a `PgConnection` to every statement), and
/// the statements left to send with its COMMIT.
pub struct Transaction<'c> {
    connection: &'c mut PgConnection,
    with_commit: String,
    /// The records those statements write to.
    waiting_for: Vec<Uuid>,
}

impl Transaction<'_> {
    /// Sends `statement` (a simple query: its values written into it as literals), which
    /// writes to `record`, with the COMMIT, in the same round trip. Its errors fail the
    /// COMMIT: the transaction is rolled back as a whole.
    pub(crate) fn with_commit(&mut self, record: Uuid, statement: &str) {
        self.with_commit.push_str(statement);
        self.with_commit.push_str("; ");
        self.waiting_for.push(record);
    }

    /// Sends what waits for the COMMIT now when any of it writes to `record`, for a
    /// statement about that record that must see it (a batch in one transaction that
    /// writes a record twice). Other records' rows keep waiting.
    pub(crate) async fn send_waiting_for(&mut self, record: Uuid) -> Result<()> {
        if !self.waiting_for.contains(&record) {
            return Ok(());
        }
        self.waiting_for.clear();
        let waiting = std::mem::take(&mut self.with_commit);
        sqlx::raw_sql(sqlx::AssertSqlSafe(waiting))
            .execute(&mut *self.connection)
            .await
            .map_err(|error| map_error(error, "recording the version"))?;
        Ok(())
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.connection
    }
}

impl std::ops::DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.connection
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
