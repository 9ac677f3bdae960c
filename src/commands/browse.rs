//! `resumectl browse`: the support console, for people at a terminal. Scripts use
//! `list` and `get`.

use anyhow::Result;
use clap::Args;

use crate::browse::{self, Setup};
use crate::commands::Context;
use crate::output::Output;
use resumectl_core::error;

#[derive(Debug, Args)]
#[command(after_help = BROWSE_HELP)]
pub struct BrowseArgs {
    /// Every user's records, with a user column (actions act as each record's owner)
    #[arg(long)]
    pub all_users: bool,

    /// Look only: the keys that write (e, r, D) say "read-only" and do nothing
    #[arg(long)]
    pub read_only: bool,
}

const BROWSE_HELP: &str = "Keys: ↑↓ move, Enter opens a record, / filters (Enter keeps, Esc \
     clears), Tab and v h a o j switch a record's views (Resume, History, QA, Exports, \
     JSON), x shows what the ui excludes, Enter in History diffs a version against the \
     current one, e edits in $EDITOR, r restores the selected version, D deletes (to the \
     trash); each write asks for y first. ? lists the keys, q or Esc goes back then quits, \
     Ctrl-C quits. Needs a terminal on stdin and stdout: scripts use `resumectl list` and \
     `resumectl get`. NO_COLOR is honoured.";

pub async fn run(args: &BrowseArgs, context: &Context<'_>) -> Result<Output> {
    let terminal = context.shell.terminal();
    if !terminal.stdin || !terminal.stdout {
        return Err(error::usage(
            "browse needs a terminal on stdin and stdout; scripts use `resumectl list` and \
             `resumectl get ID`",
        ));
    }
    let settings = context.settings;
    if settings.no_input {
        return Err(error::usage(
            "browse waits for keys, which --no-input forbids; use `resumectl list` and \
             `resumectl get ID`",
        ));
    }
    let user = match args.all_users {
        true => None,
        false => Some(context.user()?.to_string()),
    };
    let options = context.connect_options()?;
    let setup = Setup {
        database: options.target.describe(),
        options,
        user,
        read_only: args.read_only,
        editor: settings.editor.clone().unwrap_or_else(|| "vi".into()),
        colour: context.shell.colour(),
        secrets: settings.secrets(),
        timings: std::env::var_os("RESUMECTL_TIMINGS").is_some_and(|value| value == "1"),
    };
    browse::run(setup).await?;
    Ok(Output::Nothing)
}
