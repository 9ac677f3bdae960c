//! `resumectl delete ID...`: delete records, all of them or none, after a confirmation:
//! into the trash (`undelete` puts them back), or for good with `--permanent`.

use anyhow::Result;
use clap::Args;
use clap_complete::ArgValueCandidates;

use crate::commands::{Context, complete};
use crate::output::{Output, terminal};
use crate::prompt;
use crate::values::parse_id;
use resumectl_core::ops;
use resumectl_core::ops::export::objects::Stores;

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The records to delete (UUIDs)
    #[arg(value_name = "ID", add = ArgValueCandidates::new(complete::record_ids), required = true)]
    pub ids: Vec<String>,

    /// Do not ask: required when there is no terminal
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Remove them for good, history included (by default they go to the trash, and
    /// `undelete` puts them back)
    #[arg(long)]
    pub permanent: bool,
}

pub async fn run(args: &DeleteArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let mut ids = Vec::new();
    for text in &args.ids {
        let id = parse_id(text)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let confirm = |plan: &ops::records::DeletePlan| {
        let listing: Vec<String> = plan
            .records
            .iter()
            .map(|(id, title)| {
                format!("  {id}  {}", terminal::safe(title.as_deref().unwrap_or("")))
            })
            .collect();
        let (count, versions) = (plan.records.len(), plan.versions);
        let question = format!(
            "{} {count} record{} and {versions} version{} of history{}?\n{}\n",
            if args.permanent { "Delete" } else { "Move" },
            if count == 1 { "" } else { "s" },
            if versions == 1 { "" } else { "s" },
            if args.permanent {
                " for good"
            } else {
                " to the trash"
            },
            listing.join("\n")
        );
        prompt::confirm(context.settings, &question, args.yes)
    };
    let deleted = context
        .session(async |session| {
            let mut stores = Stores::new(crate::config::aws::resolve);
            ops::records::delete(session, user, &ids, args.permanent, &mut stores, confirm).await
        })
        .await?;
    if !args.permanent {
        // The way back, as it can be run: with the --user this command was given.
        let undelete = match context.settings.user_from_flag() {
            true => format!("resumectl --user {} undelete", shell_words::quote(user)),
            false => "resumectl undelete".to_string(),
        };
        context.shell.note(&match deleted.as_slice() {
            [id] => format!("moved to the trash: `{undelete} {id}` puts it back"),
            _ => format!("moved to the trash: `{undelete} ID` puts each back"),
        });
    }
    Ok(Output::Deleted {
        ids: deleted,
        permanent: args.permanent,
    })
}
