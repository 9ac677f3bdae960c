//! `resumectl restore ID --version N`: make an old version current again, as a new
//! version (history is never rewritten).

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::{RecordIdArg, WriteArgs};
use crate::output::Output;
use resumectl_core::ops;

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// The version to make current again
    #[arg(long, value_name = "N")]
    pub version: i64,

    #[command(flatten)]
    pub write: WriteArgs,
}

pub async fn run(args: &RestoreArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let options = args.write.options();
    let saved = context
        .session(async |session| {
            ops::history::restore(session, user, id, args.version, &options).await
        })
        .await?;
    Ok(Output::Saved(Box::new(saved)))
}
