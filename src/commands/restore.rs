//! `resumectl restore ID --version N`: make an old version current again, as a new
//! version (history is never rewritten).

use anyhow::Result;
use clap::Args;

use crate::cli::WriteArgs;
use crate::commands::{Context, parse_id};
use crate::db::{self, versions};
use crate::output::Output;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The record id (a UUID)
    pub id: String,

    /// The version to make current again
    #[arg(long, value_name = "N")]
    pub version: i64,

    #[command(flatten)]
    pub write: WriteArgs,
}

pub async fn run(args: &RestoreArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    let mut connection = context.connect().await?;
    let mut transaction = db::begin(&mut connection, context.settings.statement_timeout).await?;
    let record = versions::restore(
        &mut transaction,
        user,
        id,
        args.version,
        &args.write.options(),
    )
    .await?;
    db::commit(transaction).await?;
    db::close(connection).await;
    Ok(Output::Record(Box::new(record)))
}
