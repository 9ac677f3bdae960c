//! `resumectl history ID`: every version of a record, oldest first.

use anyhow::Result;
use clap::Args;

use crate::commands::{Context, parse_id};
use crate::db::{self, versions};
use crate::output::Output;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The record id (a UUID)
    pub id: String,
}

pub async fn run(args: &HistoryArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    let mut connection = context.connect().await?;
    let versions = versions::list(&mut connection, user, id).await?;
    db::close(connection).await;
    Ok(Output::History(versions))
}
