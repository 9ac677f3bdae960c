//! `resumectl history ID`: every version of a record, oldest first.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use resumectl_core::ops;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub record: RecordIdArg,
}

pub async fn run(args: &HistoryArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let versions = context
        .session(async |session| ops::history::list(session, user, id).await)
        .await?;
    Ok(Output::History(versions))
}
