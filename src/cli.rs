//! The command line: global options, the subcommands, and the argument blocks they share.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "resumectl",
    version,
    about = "Migrate, read, validate and write the resume records of the AI resume optimizer",
    long_about = "Migrate, read, validate and write the resume records of the AI resume optimizer.\n\n\
        Every read and write is scoped to the configured user id. Data goes to stdout, \
        diagnostics to stderr.",
    after_long_help = crate::EXIT_CODES_HELP,
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
    pub fn options(&self) -> crate::db::versions::WriteOptions {
        crate::db::versions::WriteOptions {
            if_version: self.if_version,
            note: self.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
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
    /// Render a record as txt, md, html or docx (reuses an unchanged earlier export)
    Export(commands::export::ExportArgs),
    /// Print shell completions
    Completions(commands::completions::CompletionsArgs),
}

/// The longest timeout any option takes, in seconds: PostgreSQL's own limit for
/// statement_timeout and lock_timeout (2^31 - 1 milliseconds, about 24.8 days).
pub const MAX_TIMEOUT_SECONDS: u64 = 2_147_483;

/// The largest input size accepted: PostgreSQL stores no text value over 1 GB.
pub const MAX_INPUT_SIZE: u64 = 1 << 30;

impl Command {
    /// False for the commands that work offline (validate, schema, completions): a broken
    /// `.env` or config file does not stop them, it is named in a note and left out.
    pub fn needs_configuration(&self) -> bool {
        !matches!(
            self,
            Command::Validate(_) | Command::Schema(_) | Command::Completions(_)
        )
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
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
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
