//! `resumectl delete ID...`: delete records, all of them or none, after a confirmation.

use anyhow::Result;
use clap::Args;

use crate::commands::{Context, parse_id};
use crate::db::records;
use crate::db::{self, map_error};
use crate::error;
use crate::output::Output;
use crate::prompt;

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The records to delete (UUIDs)
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Do not ask: required when there is no terminal
    #[arg(long, short = 'y')]
    pub yes: bool,
}

pub async fn run(args: &DeleteArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let mut ids = Vec::new();
    for text in &args.ids {
        let id = parse_id(text)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut connection = context.connect().await?;
    let found = records::titles(&mut connection, user, &ids).await?;
    let missing: Vec<String> = ids
        .iter()
        .filter(|id| !found.iter().any(|(found_id, _, _)| found_id == *id))
        .map(|id| id.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(error::not_found(format!(
            "not found (absent, or owned by another user): {}; nothing was deleted",
            missing.join(", ")
        )));
    }

    let listing: Vec<String> = found
        .iter()
        .map(|(id, title, _)| format!("  {id}  {}", crate::output::terminal::safe(title)))
        .collect();
    let history: i64 = found.iter().map(|(_, _, versions)| versions).sum();
    let question = format!(
        "Delete {} record{} and {history} version{} of history?\n{}\n",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if history == 1 { "" } else { "s" },
        listing.join("\n")
    );
    if !prompt::confirm(context.settings, &question, args.yes)? {
        return Err(error::usage("not confirmed: nothing was deleted"));
    }

    let mut transaction = db::begin(&mut connection, context.settings.statement_timeout).await?;
    let deleted = records::delete(&mut transaction, user, &ids).await?;
    if deleted.len() != ids.len() {
        // Someone else deleted one in between: keep the all-or-nothing promise.
        transaction
            .rollback()
            .await
            .map_err(|error| map_error(error, "rolling back"))?;
        return Err(error::not_found(
            "a record disappeared while deleting; nothing was deleted",
        ));
    }
    db::commit(transaction).await?;
    db::close(connection).await;
    Ok(Output::Deleted(deleted))
}
