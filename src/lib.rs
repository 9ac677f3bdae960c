//! resumectl: the terminal's way into the AI resume optimizer's `optimized_resumes` table.

pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod document;
pub mod error;
pub mod export;
pub mod input;
pub mod interrupt;
pub mod memory;
pub mod output;
pub mod prompt;
pub mod timings;

use std::io::Write;

use anyhow::Result;

use crate::cli::Command;
use crate::commands::Context;
use crate::config::Settings;
use crate::output::Output;

/// Shown at the end of `--help`; README repeats it. A test checks it against `ErrorKind`.
pub const EXIT_CODES_HELP: &str = "\
Configuration (flag > environment > ./.env > config file):
  database URL   --database-url, DATABASE_URL, database_url
  user id        --user, RESUMECTL_USER, user
  config file    --config, RESUMECTL_CONFIG [default: $XDG_CONFIG_HOME/resumectl/config.toml]

Exit codes:
  0  success
  1  unexpected error (a bug: please report it)
  2  usage error, or a confirmation needed without a terminal
  3  not configured: no user id or no database URL
  4  record not found (absent, or owned by another user)
  5  invalid input; nothing was written
  6  write conflict: the record changed since the given version
  7  database unreachable, or a database error
  9  writing stdout failed (full or unwritable); database writes stay committed
  130  interrupted (SIGINT); a batch reports what it wrote
  143  terminated (SIGTERM); a batch reports what it wrote

With --format json (the default when stdout is not a terminal) an error is one JSON
object on stderr: {\"error\":{\"kind\":...,\"message\":...}}.";

/// Runs one parsed command with its resolved settings. Commands that report as they
/// read (`validate`, `save --ndjson`) write their items to `out`; every other returns its
/// whole output.
pub async fn run(command: &Command, settings: &Settings, out: &mut dyn Write) -> Result<Output> {
    let context = Context { settings };
    match command {
        Command::Save(args) if args.ndjson => commands::save_batch::run(args, &context, out).await,
        Command::Validate(args) => commands::validate::run(args, settings, out),
        Command::Schema(args) => commands::schema::run(args),
        Command::List(args) => commands::list::run(args, &context).await,
        Command::Export(args) => commands::export::run(args, &context).await,
        Command::Migrate(args) => commands::migrate::run(args, &context).await,
        Command::Get(args) => commands::get::run(args, &context).await,
        Command::Save(args) => commands::save::run(args, &context).await,
        Command::Delete(args) => commands::delete::run(args, &context).await,
        Command::SetQa(args) => commands::set_qa::run(args, &context).await,
        Command::Edit(args) => commands::edit::run(args, &context).await,
        Command::History(args) => commands::history::run(args, &context).await,
        Command::Diff(args) => commands::diff::run(args, &context).await,
        Command::Restore(args) => commands::restore::run(args, &context).await,
        Command::Completions(args) => commands::completions::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn help_lists_every_exit_code_with_its_description() {
        for kind in ErrorKind::ALL {
            let line = format!("  {}  {}", kind.exit_code(), kind.description());
            assert!(EXIT_CODES_HELP.contains(&line), "missing from help: {line}");
        }
    }
}
