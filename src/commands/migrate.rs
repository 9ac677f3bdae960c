//! `resumectl migrate [status] [--dry-run]`: apply the embedded migrations, show what
//! would be applied, or report on them.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::commands::Context;
use crate::output::Output;
use crate::values::MAX_TIMEOUT_SECONDS;
use resumectl_core::ops;
use resumectl_core::ops::Target;
use resumectl_core::ops::migrate::MigrateRequest;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub action: Option<MigrateAction>,

    /// Retry connection failures for up to SECONDS while the database starts (CI steps)
    #[arg(long, global = true, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(0..=MAX_TIMEOUT_SECONDS))]
    pub wait: Option<u64>,

    /// Give up after SECONDS waiting for another migration or a table lock
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TIMEOUT_SECONDS))]
    pub lock_timeout: u64,

    /// Print the SQL of the migrations that would be applied, and apply nothing (exit 0;
    /// exit 7 when migrating would fail on the tables as they are)
    #[arg(long)]
    pub dry_run: bool,

    /// In table mode, a row for every schema check (by default one summary line, and rows
    /// only for the checks that fail)
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// List applied and pending migrations and check the expected columns and indexes
    /// (exit 0 only when all are there, 7 otherwise)
    Status,
}

pub async fn run(args: &MigrateArgs, context: &Context<'_>) -> Result<Output> {
    let settings = context.settings;
    // Migrations may have a direct URL of their own (DATABASE_URL can go through a
    // pooler); given one, it is trusted as direct.
    let (target, direct) = match settings.migration_database_url() {
        Some((url, source)) => (Target::parse(url, source)?, true),
        None => (
            Target::parse(settings.database_url()?, settings.database_url_source())?,
            false,
        ),
    };
    let connect = context.options_for(target, args.wait.map(Duration::from_secs));
    if args.dry_run && args.action.is_some() {
        return Err(resumectl_core::error::usage(
            "--dry-run is for `migrate`; `migrate status` writes nothing anyway",
        ));
    }
    if args.dry_run {
        return Ok(Output::MigrationPlan(ops::migrate::plan(&connect).await?));
    }
    let request = match args.action {
        Some(MigrateAction::Status) => MigrateRequest::Status,
        None => MigrateRequest::Apply {
            direct,
            lock_timeout: Duration::from_secs(args.lock_timeout),
        },
    };
    Ok(Output::Migration {
        report: ops::migrate::migrate(&connect, request).await?,
        verbose: args.verbose,
    })
}
