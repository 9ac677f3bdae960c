//! The options every subcommand takes: the flag and environment layer of the settings.

use std::path::PathBuf;

use clap::Args;

use crate::values::{Format, MAX_TIMEOUT_SECONDS, parse_size};

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

    /// Who is making the changes, recorded with every version written [default: OS
    /// user@host]
    #[arg(long, global = true, value_name = "NAME", env = "RESUMECTL_ACTOR")]
    pub actor: Option<String>,

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
