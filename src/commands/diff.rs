//! `resumectl diff ID [--from N] [--to M]`: what changed in structured_output between
//! two versions, as JSON paths.

use anyhow::Result;
use clap::Args;
use serde::Serialize;
use uuid::Uuid;

use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::{records, versions};
use crate::document::diff::{PathChange, diff};
use crate::error;
use crate::output::Output;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The record id (a UUID)
    pub id: String,

    /// The older version [default: the one before --to]
    #[arg(long, value_name = "N")]
    pub from: Option<i64>,

    /// The newer version [default: the current one]
    #[arg(long, value_name = "M")]
    pub to: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub id: Uuid,
    pub from: i64,
    pub to: i64,
    pub changes: Vec<PathChange>,
}

pub async fn run(args: &DiffArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    let mut connection = context.connect().await?;
    let current = records::fetch(&mut connection, user, id).await?;
    let to = args.to.unwrap_or(current.version);
    let from = match args.from {
        Some(from) => from,
        None if to > 0 => to - 1,
        None => {
            return Err(error::not_found(format!(
                "record {id} has no version before {to} to compare with"
            )));
        }
    };
    let document_at = |record: &records::Record| -> Result<serde_json::Value> {
        Ok(match &record.structured_output {
            Some(text) => crate::document::parse_stored(text)?,
            None => serde_json::Value::Null,
        })
    };
    let older = versions::fetch(&mut connection, user, id, from).await?;
    let newer = if to == current.version {
        current
    } else {
        versions::fetch(&mut connection, user, id, to).await?
    };
    db::close(connection).await;
    Ok(Output::Diff(DiffReport {
        id,
        from,
        to,
        changes: diff(&document_at(&older)?, &document_at(&newer)?),
    }))
}
