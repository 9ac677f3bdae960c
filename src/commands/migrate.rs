//! `resumectl migrate [status]`: apply the embedded migrations, or report on them.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::cli::MAX_TIMEOUT_SECONDS;
use crate::commands::Context;
use crate::db::{self, Target};
use crate::output::Output;

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
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// List applied and pending migrations and check the expected columns and indexes
    /// (exit 0 only when all are there, 7 otherwise)
    Status,
}

pub async fn run(args: &MigrateArgs, context: &Context<'_>) -> Result<Output> {
    let (target, direct) = Target::for_migrations(context.settings)?;
    let mut connection = target
        .connect(
            context.settings.connect_timeout,
            args.wait.map(Duration::from_secs),
        )
        .await?;
    let applied_now = match args.action {
        Some(MigrateAction::Status) => Vec::new(),
        None => {
            if !direct {
                db::migrate::refuse_pooler(
                    &mut connection,
                    &target,
                    context.settings.connect_timeout,
                )
                .await?;
            }
            db::migrate::apply(&mut connection, Duration::from_secs(args.lock_timeout)).await?
        }
    };
    let mut report = db::migrate::status(&mut connection).await?;
    db::close(connection).await;
    report.applied_now = applied_now;
    Ok(Output::Migration(report))
}
