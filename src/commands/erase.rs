//! `resumectl erase`: every record, version, trashed record and uploaded object of the
//! configured user, erased (GDPR Art. 17), with a receipt and a line in the ledger;
//! `--dry-run` shows the plan, `--check` says whether anything is left.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::output::Output;
use crate::output::terminal;
use crate::prompt;
use resumectl_core::model::erase::UserData;
use resumectl_core::ops;
use resumectl_core::ops::export::objects::Stores;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl --user USER erase --dry-run     # counts and object keys; changes nothing\n  \
    resumectl --user USER erase               # asks for the user id to be typed back\n  \
    resumectl --user USER erase --yes         # in a script\n  \
    resumectl --user USER erase --check       # exit 0: nothing left; 8: something is\n  \
    resumectl erase --check --all-users       # after restoring a backup: every erasure in the ledger")]
pub struct EraseArgs {
    /// Print what would be erased (counts and object keys) and change nothing
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,

    /// Exit 0 when nothing of the user is left (rows, history, trash, recorded objects),
    /// 8 when something is, listing it
    #[arg(long)]
    pub check: bool,

    /// With --check: every erasure in the ledger, whoever it was of (no user id needed):
    /// exit 8 when the data of an erased user is here again (a backup restored from
    /// before it), naming it by the hash the ledger keeps
    #[arg(long, requires = "check")]
    pub all_users: bool,

    /// Do not ask: required when there is no terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn run(args: &EraseArgs, context: &Context<'_>) -> Result<Output> {
    if args.all_users {
        let resurfaced = context
            .session(async |session| ops::erase::resurfaced(session).await)
            .await?;
        return Ok(Output::LedgerCheck(resurfaced));
    }
    let user = context.user()?;
    let mut stores = Stores::new(crate::config::aws::resolve);
    if args.dry_run {
        let plan = context
            .session(async |session| ops::erase::plan(session, user).await)
            .await?;
        return Ok(Output::ErasePlan(plan));
    }
    if args.check {
        let left = context
            .session(async |session| ops::erase::check(session, user, &mut stores).await)
            .await?;
        return Ok(Output::EraseCheck(left));
    }
    let confirm = |plan: &UserData| {
        if plan.is_empty() {
            return Err(resumectl_core::error::not_found(format!(
                "nothing of user {} is here: nothing was erased (a mistyped id, or erased \
                 already: `erase --check` says)",
                terminal::safe(user)
            )));
        }
        let question = format!(
            "Erase everything of user {}: {} records, {} versions, {} in the trash, {} \
             uploaded objects? Nothing can bring them back. Type the user id to go on",
            terminal::safe(user),
            plan.records,
            plan.versions,
            plan.trashed,
            plan.objects.len()
        );
        prompt::type_back(context.settings, &question, user, args.yes)
    };
    let receipt = context
        .session(async |session| ops::erase::erase(session, user, &mut stores, confirm).await)
        .await?;
    Ok(Output::Erased(receipt))
}
