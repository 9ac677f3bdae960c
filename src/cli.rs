//! The command line: global options, the subcommands, and the argument blocks they share.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::ArgValueCandidates;
use uuid::Uuid;

use crate::commands::{self, complete};
pub use crate::output::Format;
use resumectl_core::error::{ErrorKind, Hint};
use resumectl_core::model::changes::WriteOptions;

#[derive(Debug, Parser)]
#[command(
    name = "resumectl",
    version,
    about = "Migrate, read, validate and write the resume records of the AI resume optimizer",
    long_about = "Migrate, read, validate and write the resume records of the AI resume optimizer.\n\n\
        Every read and write is scoped to the configured user id. Data goes to stdout, \
        diagnostics to stderr.",
    after_help = "Run 'resumectl --help' for configuration and the exit codes."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes. Precedence for each: flag > environment > `.env` in
/// the working directory > config file.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// PostgreSQL URL (postgres://user:password@host:port/database)
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// The user id that owns the records (every read and write is scoped by it)
    #[arg(
        long,
        global = true,
        value_name = "ID",
        env = "RESUMECTL_USER",
        hide_env_values = true
    )]
    pub user: Option<String>,

    /// Config file with keys database_url and user
    /// [default: $XDG_CONFIG_HOME/resumectl/config.toml]
    #[arg(long, global = true, value_name = "PATH", env = "RESUMECTL_CONFIG")]
    pub config: Option<PathBuf>,

    /// Output format [default: table on a terminal, json otherwise]
    #[arg(long, global = true, value_enum, env = "RESUMECTL_FORMAT")]
    pub format: Option<Format>,

    /// Filter the JSON output through a jq expression, evaluated in process (no jq
    /// needed): strings print raw, anything else as compact JSON, one result a line.
    /// Implies --format json
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Never prompt (also implied by CI=true); a command that needs a confirmation fails
    #[arg(long, global = true)]
    pub no_input: bool,

    /// Seconds to wait for a connection before giving up [default: 10]
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        env = "RESUMECTL_CONNECT_TIMEOUT",
        value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECONDS)
    )]
    pub connect_timeout: Option<u64>,

    /// Seconds a statement may run (or wait for a lock) before PostgreSQL cancels it;
    /// 0 for no limit [default: 30]
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        env = "RESUMECTL_STATEMENT_TIMEOUT",
        value_parser = clap::value_parser!(u64).range(0..=MAX_TIMEOUT_SECONDS)
    )]
    pub statement_timeout: Option<u64>,

    /// migrate only: a direct PostgreSQL URL for migrations, when DATABASE_URL goes through
    /// a transaction-mode pooler (PgBouncer, a managed "pooled" endpoint)
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "MIGRATION_DATABASE_URL",
        hide_env_values = true
    )]
    pub migration_database_url: Option<String>,

    /// Largest input accepted, in bytes or with a unit (16MiB, 512KiB) [default: 16MiB]
    #[arg(
        long,
        global = true,
        value_name = "SIZE",
        env = "RESUMECTL_MAX_INPUT_SIZE",
        value_parser = parse_size
    )]
    pub max_input_size: Option<u64>,
}

/// Conflict detection and change notes, shared by every command that writes a version.
#[derive(Debug, Clone, Args)]
pub struct WriteArgs {
    /// Write only if the record is still at version N; otherwise write nothing and exit 6
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i64).range(0..))]
    pub if_version: Option<i64>,

    /// A change note stored with the new version
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

impl WriteArgs {
    pub fn options(&self) -> WriteOptions {
        WriteOptions {
            if_version: self.if_version,
            note: self.note.clone(),
        }
    }
}

/// The end of `--help`: where settings come from, and the exit codes, built from the
/// one table in `error.rs` (README repeats it).
pub fn long_help_tail() -> String {
    let mut text = String::from(
        "Configuration (flag > environment > ./.env > config file):\n  \
         database URL   --database-url, DATABASE_URL, database_url\n  \
         user id        --user, RESUMECTL_USER, user\n  \
         config file    --config, RESUMECTL_CONFIG [default: $XDG_CONFIG_HOME/resumectl/config.toml]\n\n\
         Exit codes:\n  0  success\n",
    );
    for kind in ErrorKind::ALL {
        text.push_str(&format!("  {}  {}\n", kind.exit_code(), kind.description()));
    }
    text.push_str(
        "\nWith --format json (the default when stdout is not a terminal) an error is one \
         JSON\nobject on stderr: {\"error\":{\"kind\":...,\"message\":...}}.",
    );
    text
}

/// The command line, with the help that is built at run time.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().after_long_help(long_help_tail())
}

/// The record a command works on.
#[derive(Debug, Clone, Args)]
pub struct RecordIdArg {
    /// The record id (a UUID)
    #[arg(value_name = "ID", add = ArgValueCandidates::new(complete::record_ids))]
    pub id: String,
}

impl RecordIdArg {
    pub fn id(&self) -> anyhow::Result<Uuid> {
        parse_id(&self.id)
    }
}

/// A record id from the command line: a UUID, or exit 5 naming what was given.
pub fn parse_id(text: &str) -> anyhow::Result<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        resumectl_core::error::invalid(format!(
            "'{}' is not a record id: expected a UUID such as 0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33",
            text.escape_debug()
        ))
    })
}

/// What to do about an error, in this command line's words: the one place where the
/// lower layers' hints meet flag names.
pub fn hint_text(hint: &Hint) -> String {
    match hint {
        Hint::Migrate => "is the database migrated? run `resumectl migrate`".into(),
        Hint::StatementTimeout => "it ran longer than the statement timeout: raise \
            --statement-timeout, or 0 for none"
            .into(),
        Hint::ServerDown { waited: false } => {
            "is the server running? `migrate --wait SECONDS` waits for it".into()
        }
        Hint::ServerDown { waited: true } => "gave up after --wait".into(),
        Hint::ConnectTimeout => "--connect-timeout".into(),
        Hint::MigrationUrl => "give the server's direct URL with --migration-database-url or \
            MIGRATION_DATABASE_URL"
            .into(),
        Hint::LockTimeout => "--lock-timeout".into(),
        Hint::MissingReference { column } => match column.as_str() {
            "original_resume_id" => {
                "give --original-resume-id with the id of an existing resume".into()
            }
            "job_analysis_id" => {
                "give --job-analysis-id with the id of an existing job analysis".into()
            }
            "user_id" => "the user id (--user) must exist in the table it refers to".into(),
            other => format!("{other} must refer to an existing row"),
        },
        Hint::ReadAgain { id } => {
            format!("read it again with `resumectl get {id}` and reapply your change")
        }
        Hint::SeeHistory { id } => format!("see `resumectl history {id}`"),
        Hint::RenderTimeout => "a template that needs longer may have it with \
            --render-timeout SECONDS, or 0 for none"
            .into(),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the embedded schema migrations (safe over the web application's table)
    Migrate(commands::migrate::MigrateArgs),
    /// Print a record, or one column of it with --field
    Get(commands::get::GetArgs),
    /// Validate a structured_output document and write it (update, or create with --new)
    Save(commands::save::SaveArgs),
    /// Delete records (asks first on a terminal; --yes otherwise)
    Delete(commands::delete::DeleteArgs),
    /// Set a record's QA metrics from flags (merged) or from a file (replaced)
    SetQa(commands::set_qa::SetQaArgs),
    /// Edit a record's structured_output in $VISUAL/$EDITOR, validated, conflict-safe
    Edit(commands::edit::EditArgs),
    /// List a record's versions
    History(commands::history::HistoryArgs),
    /// Show what changed in structured_output between two versions, as JSON paths
    Diff(commands::diff::DiffArgs),
    /// Make an old version current again, as a new version
    Restore(commands::restore::RestoreArgs),
    /// List records: search titles and text, find by document contents (--contains)
    List(commands::list::ListArgs),
    /// Check documents offline with the validator save uses (no database needed)
    Validate(commands::validate::ValidateArgs),
    /// Print the JSON Schema (draft 2020-12) the validator is built from
    Schema(commands::schema::SchemaArgs),
    /// Render a record as txt, md, html, docx, pdf or jsonresume (reuses an unchanged
    /// earlier export)
    Export(commands::export::ExportArgs),
    /// Measure the quality figures (coverage, readability, duplicates, format compliance)
    /// from the document, with their evidence; --write keeps them; thresholds exit 8
    Qa(commands::qa::QaArgs),
    /// Print the shell completion script (bash, zsh, fish, ...); it completes record ids
    /// from the database
    Completions(commands::completions::CompletionsArgs),
    /// Write the manual pages to a folder (they are also committed under man/)
    #[command(hide = true)]
    Man(commands::man::ManArgs),
}

/// The longest timeout any option takes, in seconds: PostgreSQL's own limit for
/// statement_timeout and lock_timeout (2^31 - 1 milliseconds, about 24.8 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 2_147_483;

/// The largest input size accepted: PostgreSQL stores no text value over 1 GB.
pub const MAX_INPUT_SIZE: u64 = 1 << 30;

impl Command {
    /// True for the commands that handle SIGINT and SIGTERM themselves: a batch reports
    /// the lines it got to, and an editor's Ctrl-C is the editor's. A signal stops every
    /// other command where it is (`interrupt::stoppable`).
    pub fn handles_signals(&self) -> bool {
        matches!(self, Command::Save(args) if args.ndjson) || matches!(self, Command::Edit(_))
    }

    /// False for the commands that work offline (validate, schema, completions): a broken
    /// `.env` or config file does not stop them, it is named in a note and left out.
    pub fn needs_configuration(&self) -> bool {
        match self {
            Command::Validate(_)
            | Command::Schema(_)
            | Command::Completions(_)
            | Command::Man(_) => false,
            Command::Qa(args) => args.document.is_none(),
            _ => true,
        }
    }
}

/// Accepts `1048576`, `512KiB`, `16MiB`, `1GiB` (and K, M, G, KB, MB, GB as binary units),
/// from 1 byte to `MAX_INPUT_SIZE`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("'{text}' is not a size such as 16MiB or 1048576"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit '{other}' (use KiB, MiB or GiB)")),
    };
    number
        .checked_mul(factor)
        .filter(|&size| (1..=MAX_INPUT_SIZE).contains(&size))
        .ok_or_else(|| format!("'{text}' is out of range: give 1 byte to 1GiB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn help_lists_every_exit_code_with_its_description() {
        let help = long_help_tail();
        for kind in ErrorKind::ALL {
            let line = format!("  {}  {}", kind.exit_code(), kind.description());
            assert!(help.contains(&line), "missing from help: {line}");
        }
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(parse_size("1GiB"), Ok(MAX_INPUT_SIZE));
        assert!(parse_size("1025MiB").is_err());
        assert!(parse_size("18446744073709551615").is_err());
        assert!(parse_size("17179869184GiB").is_err());
    }
}
