//! `resumectl get ID [--field NAME] [--version N]`: print a record, or one column in a
//! form `save` accepts back.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use crate::values;
use resumectl_core::model::record::Column;
use resumectl_core::ops;

#[derive(Debug, Args)]
pub struct GetArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// Print only this column: JSON columns as JSON, text columns raw
    #[arg(long, value_name = "NAME", value_parser = values::column_parser())]
    pub field: Option<Column>,

    /// Print the record as it was at version N (see `resumectl history ID`)
    #[arg(long, value_name = "N")]
    pub version: Option<i64>,
}

pub async fn run(args: &GetArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let record = context
        .session(async |session| ops::records::get(session, user, id, args.version).await)
        .await?;
    Ok(match args.field {
        None => Output::Record(Box::new(record)),
        Some(column) => Output::Field(record.value(column)),
    })
}
