//! `resumectl history ID`: a record's versions, oldest first, the newest page of them
//! (`--limit`), or the page before a version (`--before`).

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use resumectl_core::ops;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    resumectl history ID                      # the newest 50 versions\n  \
    resumectl history ID --limit 10 --before 41  # versions 31 to 40")]
pub struct HistoryArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// At most the newest N versions (a note says how to see older ones)
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(i64).range(1..=10_000))]
    pub limit: i64,

    /// Only versions older than VERSION (the next page: the note's --before)
    #[arg(long, value_name = "VERSION", value_parser = clap::value_parser!(i64).range(1..))]
    pub before: Option<i64>,
}

pub async fn run(args: &HistoryArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let page = context
        .session(async |session| {
            ops::history::list(session, user, id, args.before, args.limit).await
        })
        .await?;
    Ok(Output::History(page))
}
