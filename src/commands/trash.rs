//! `resumectl trash list|purge`: what `delete` moved to the trash, and removing it for
//! good once it is old enough.

use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};

use crate::commands::Context;
use crate::output::{Output, terminal};
use crate::prompt;
use crate::values::parse_duration;
use resumectl_core::error;
use resumectl_core::ops;
use resumectl_core::ops::export::objects::Stores;
use resumectl_core::ops::trash::Shelf;

#[derive(Debug, Args)]
pub struct TrashArgs {
    #[command(subcommand)]
    pub command: TrashCommand,
}

#[derive(Debug, Subcommand)]
pub enum TrashCommand {
    /// List deleted records, newest first: id, title, version, when, by whom
    List {
        /// Every user's deleted records, with a user column (for support staff)
        #[arg(long)]
        all_users: bool,

        /// The records put back instead, with when and by whom (`undelete`)
        #[arg(long, conflicts_with = "purged")]
        undeleted: bool,

        /// The records removed for good, with when and by whom (a purge, a permanent
        /// delete); no copy of them is kept
        #[arg(long)]
        purged: bool,
    },
    /// Remove for good what was deleted before DURATION ago (asks first; --yes otherwise)
    #[command(after_help = "Nothing is purged unless this is run: the trash keeps \
        everything until then. The default retention is 30 days.")]
    Purge {
        /// How long a deleted record is kept ("30d", "12h", "1w")
        #[arg(long, value_name = "DURATION", default_value = "30d", value_parser = parse_duration)]
        older_than: Duration,

        /// Do not ask: required when there is no terminal
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

pub async fn run(args: &TrashArgs, context: &Context<'_>) -> Result<Output> {
    match &args.command {
        TrashCommand::List {
            all_users,
            undeleted,
            purged,
        } => {
            let shelf = match (undeleted, purged) {
                (true, _) => Shelf::Undeleted,
                (_, true) => Shelf::Purged,
                _ => Shelf::Trashed,
            };
            let user = match all_users {
                true => None,
                false => Some(context.user()?),
            };
            let entries = context
                .session(async |session| ops::trash::list(session, user, shelf).await)
                .await?;
            Ok(Output::Trash {
                entries,
                all_users: *all_users,
                shelf,
            })
        }
        TrashCommand::Purge { older_than, yes } => {
            let user = context.user()?;
            let before = chrono::Duration::from_std(*older_than)
                .ok()
                .and_then(|age| chrono::Utc::now().checked_sub_signed(age))
                .ok_or_else(|| error::usage("--older-than reaches before any date"))?;
            let confirm = |due: &[resumectl_core::model::trash::TrashEntry]| {
                let listing: Vec<String> = due
                    .iter()
                    .map(|entry| {
                        let title = entry.title.as_deref().unwrap_or("");
                        format!("  {}  {}", entry.id, terminal::safe(title))
                    })
                    .collect();
                let count = due.len();
                let question = format!(
                    "Remove {count} deleted record{} for good (no undelete after this)?\n{}\n",
                    if count == 1 { "" } else { "s" },
                    listing.join("\n")
                );
                prompt::confirm(context.settings, &question, *yes)
            };
            let purged = context
                .session(async |session| {
                    let mut stores = Stores::new(crate::config::aws::resolve);
                    ops::trash::purge(session, user, before, &mut stores, confirm).await
                })
                .await?;
            Ok(Output::Purged(purged))
        }
    }
}
