//! The error kinds a caller can tell apart, and the exit code each one maps to.

use std::process::ExitCode;

/// The exit codes resumectl documents. Scripts depend on these numbers: never renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A bug or an environment failure nobody planned for.
    Unexpected,
    /// The command line is wrong, or a prompt was needed where none may be shown.
    Usage,
    /// No user id or no database URL, or an unreadable configuration file.
    NotConfigured,
    /// The record does not exist or belongs to another user (deliberately the same answer).
    NotFound,
    /// A document, id, file or value was refused before anything was written.
    InvalidInput,
    /// The record moved on since the version the write was made against.
    Conflict,
    /// The database could not be reached, or it refused the statement.
    Database,
    /// A document measured by `qa` fell short of a threshold given (a minimum coverage ...).
    BelowTheBar,
    /// Writing the output failed (stdout full or unwritable). What was written to the
    /// database stays written. A closed stdout (`| head`) is not this: it exits 0.
    Output,
    /// SIGINT: a batch stopped reading and reported every line it wrote.
    Interrupted,
    /// SIGTERM: as for SIGINT.
    Terminated,
}

impl ErrorKind {
    /// Every kind, in exit-code order: the table in the help and README is built from this.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::Unexpected,
        ErrorKind::Usage,
        ErrorKind::NotConfigured,
        ErrorKind::NotFound,
        ErrorKind::InvalidInput,
        ErrorKind::Conflict,
        ErrorKind::Database,
        ErrorKind::BelowTheBar,
        ErrorKind::Output,
        ErrorKind::Interrupted,
        ErrorKind::Terminated,
    ];

    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Unexpected => 1,
            ErrorKind::Usage => 2,
            ErrorKind::NotConfigured => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::InvalidInput => 5,
            ErrorKind::Conflict => 6,
            ErrorKind::Database => 7,
            ErrorKind::BelowTheBar => 8,
            ErrorKind::Output => 9,
            ErrorKind::Interrupted => 130,
            ErrorKind::Terminated => 143,
        }
    }

    /// The stable name used in `{"error":{"kind":...}}`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Unexpected => "unexpected",
            ErrorKind::Usage => "usage",
            ErrorKind::NotConfigured => "not_configured",
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Database => "database",
            ErrorKind::BelowTheBar => "below_the_bar",
            ErrorKind::Output => "output",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Terminated => "terminated",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            ErrorKind::Unexpected => "unexpected error (a bug: please report it)",
            ErrorKind::Usage => "usage error, or a confirmation needed without a terminal",
            ErrorKind::NotConfigured => "not configured: no user id or no database URL",
            ErrorKind::NotFound => {
                "record not found (absent, owned by another user, or not in the trash)"
            }
            ErrorKind::InvalidInput => "invalid input; nothing was written",
            ErrorKind::Conflict => {
                "write conflict: the record changed since the given version, or its id is taken"
            }
            ErrorKind::Database => {
                "database unreachable, or a database error (for an upload: the object store)"
            }
            ErrorKind::BelowTheBar => {
                "a check failed: a qa figure fell short of a threshold, or data is left after \
                 an erasure"
            }
            ErrorKind::Output => {
                "writing stdout failed (full or unwritable); database writes stay committed"
            }
            ErrorKind::Interrupted => {
                "interrupted (SIGINT): a write in flight rolls back; a batch reports what it wrote"
            }
            ErrorKind::Terminated => {
                "terminated (SIGTERM): a write in flight rolls back; a batch reports what it wrote"
            }
        }
    }

    pub fn exit(self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }
}

/// One problem inside an input, located by file, line or JSON path.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where: a JSON pointer (`/qa/scores/...`), or `line 3 column 7` for syntax errors.
    pub path: String,
    pub message: String,
    /// What to do about it, in the command line's words when it is shown (the command
    /// line folds it into `message`).
    #[serde(skip)]
    pub hint: Option<Hint>,
}

impl Problem {
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: Hint) -> Problem {
        self.hint = Some(hint);
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// What the person can do about an error, said by the layer that knows: the database
/// layer knows a statement timed out; only the command line knows what the setting to
/// raise is called (the binary's `hints::hint_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The schema is missing: migrate.
    Migrate,
    /// The statement ran past the statement timeout.
    StatementTimeout,
    /// The server did not answer; `waited`: already retried for as long as asked.
    ServerDown { waited: bool },
    /// No answer within the connect timeout.
    ConnectTimeout,
    /// Migrations through a transaction-mode pooler: give the direct URL.
    MigrationUrl,
    /// Another migration or a table lock held on past the lock timeout.
    LockTimeout,
    /// A new record's column refers to a row that does not exist: give that column.
    MissingReference { column: String },
    /// The record moved on: read it again before writing.
    ReadAgain { id: uuid::Uuid },
    /// The version asked for is not there: the history lists them.
    SeeHistory { id: uuid::Uuid },
    /// Typesetting a PDF ran past its deadline.
    RenderTimeout,
    /// An input (or one line of it) is larger than the input limit.
    InputLimit,
    /// A file that is not this record's last export is in the way; `elsewhere`: writing
    /// another file instead would do too.
    Overwrite { elsewhere: bool },
    /// A presigned URL needs an S3 upload.
    PresignNeedsS3,
    /// A presigned URL would carry temporary credentials' session token.
    PresignTemporaryCredentials,
    /// The time to live reaches past any date.
    TtlTooFar,
    /// A record with no document exports only as plain text.
    PlainTextOnly,
    /// A JSON Resume has no cover note.
    CoverNote,
}

/// An error whose kind decides the exit code. Anything else that reaches `main` is
/// `Unexpected` unless it is a database error (see `classify`).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    /// Every located problem, when the input had several (validation reports them all).
    pub problems: Vec<Problem>,
    pub hint: Option<Hint>,
}

impl CliError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CliError {
            kind,
            message: message.into(),
            problems: Vec::new(),
            hint: None,
        }
    }

    pub fn with_problems(mut self, problems: Vec<Problem>) -> Self {
        self.problems = problems;
        self
    }

    pub fn with_hint(mut self, hint: Hint) -> Self {
        self.hint = Some(hint);
        self
    }
}

/// The hint of the first `CliError` in a chain that has one.
pub fn hint(error: &anyhow::Error) -> Option<&Hint> {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<CliError>())
        .find_map(|cli| cli.hint.as_ref())
}

pub fn usage(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::Usage, message).into()
}

pub fn not_configured(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::NotConfigured, message).into()
}

pub fn not_found(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::NotFound, message).into()
}

pub fn invalid(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::InvalidInput, message).into()
}

pub fn unexpected(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::Unexpected, message).into()
}

pub fn interrupted(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::Interrupted, message).into()
}

pub fn database(message: impl Into<String>) -> anyhow::Error {
    CliError::new(ErrorKind::Database, message).into()
}

/// Finds the kind of an error chain: the first `CliError` in it wins; a bare sqlx error
/// is a database error; anything else is unexpected.
pub fn classify(error: &anyhow::Error) -> (ErrorKind, &[Problem]) {
    for cause in error.chain() {
        if let Some(cli) = cause.downcast_ref::<CliError>() {
            return (cli.kind, &cli.problems);
        }
    }
    for cause in error.chain() {
        if cause.downcast_ref::<sqlx::Error>().is_some()
            || cause
                .downcast_ref::<sqlx::migrate::MigrateError>()
                .is_some()
        {
            return (ErrorKind::Database, &[]);
        }
    }
    (ErrorKind::Unexpected, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_table() {
        let codes: Vec<u8> = ErrorKind::ALL.iter().map(|kind| kind.exit_code()).collect();
        assert_eq!(codes, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 130, 143]);
    }

    #[test]
    fn classify_finds_the_kind_under_context() {
        let error = anyhow::Error::from(CliError::new(ErrorKind::NotFound, "no such record"))
            .context("reading record");
        assert_eq!(classify(&error).0, ErrorKind::NotFound);
        assert_eq!(classify(&anyhow::anyhow!("boom")).0, ErrorKind::Unexpected);
    }
}
