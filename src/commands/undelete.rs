//! `resumectl undelete ID`: a deleted record back from the trash, exactly as it was.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::output::Output;
use crate::values::parse_id;
use resumectl_core::ops;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl trash list                 # what can be put back\n  \
    resumectl undelete 0b6f8a52-6c1e-4a8e-9f0e-2d7c5b1a9e33")]
pub struct UndeleteArgs {
    /// The deleted record's id (`trash list` shows them)
    #[arg(value_name = "ID")]
    pub id: String,
}

pub async fn run(args: &UndeleteArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    let record = context
        .session(async |session| ops::trash::undelete(session, user, id).await)
        .await?;
    Ok(Output::Record(Box::new(record)))
}
