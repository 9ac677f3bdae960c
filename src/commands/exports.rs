//! `resumectl exports prune`: uploaded exports past their expiry, deleted from the store
//! and taken out of export_formats.

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::commands::Context;
use crate::output::Output;
use resumectl_core::ops;
use resumectl_core::ops::export::objects::Stores;

#[derive(Debug, Args)]
pub struct ExportsArgs {
    #[command(subcommand)]
    pub command: ExportsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ExportsCommand {
    /// Delete uploaded objects whose expires_at has passed, and remove their URLs and
    /// upload notes from export_formats (every other key is kept)
    #[command(
        after_help = "Prints one JSON line a record, then a summary line. An object \
        already gone from the store counts as pruned; a store failure leaves that record \
        untouched, goes on with the others, and exits 7. Unexpired uploads are left alone."
    )]
    Prune {
        /// Print what would be pruned and change nothing
        #[arg(long)]
        dry_run: bool,

        /// Every user's records (for support staff)
        #[arg(long)]
        all_users: bool,
    },
}

pub async fn run(args: &ExportsArgs, context: &Context<'_>) -> Result<Output> {
    let ExportsCommand::Prune { dry_run, all_users } = &args.command;
    let user = match all_users {
        true => None,
        false => Some(context.user()?),
    };
    let mut stores = Stores::new(crate::config::aws::resolve);
    let mut records = Vec::new();
    let summary = context
        .session(async |session| {
            ops::prune::prune(session, user, &mut stores, *dry_run, |record| {
                records.push(record.clone());
                Ok(())
            })
            .await
        })
        .await?;
    Ok(Output::Pruned { records, summary })
}
