//! `resumectl diff ID [--from N] [--to M]`: what changed in structured_output between
//! two versions, as JSON paths.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use resumectl_core::ops;

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// The older version [default: the one before --to]
    #[arg(long, value_name = "N")]
    pub from: Option<i64>,

    /// The newer version [default: the current one]
    #[arg(long, value_name = "M")]
    pub to: Option<i64>,
}

pub async fn run(args: &DiffArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let report = context
        .session(async |session| ops::history::diff(session, user, id, args.from, args.to).await)
        .await?;
    Ok(Output::Diff(report))
}
