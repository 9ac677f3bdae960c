//! resumectl: the terminal's way into the AI resume optimizer's `optimized_resumes` table.
//!
//! The layers, each using only those below it:
//! - `app` (parse, configure, run, report) and `cli` (the command line, hints in its words)
//! - `commands`: one file a subcommand, its arguments turned into one call into `ops`
//! - `browse`: the support console, a terminal UI over the same `ops`
//! - `ops`: the operations, a session and a typed request in, model types out
//! - `db` (every SQL statement), `document` (parsing, validation, diff), `export`
//!   (renderers), `input` (files, stdin, NDJSON lines), `output` (tables, JSON, notes)
//! - `model` (plain types) and `error` (the kinds and their exit codes)
//!
//! Every module is private: only `main` is public, so the compiler finds dead code.

mod app;
mod browse;
mod cli;
mod commands;
mod config;
mod hints;
mod interrupt;
mod output;
mod prompt;
mod values;

use std::io::Write;

use anyhow::Result;

pub use app::main;
use cli::Command;
use commands::Context;
use output::Output;

/// Runs one parsed command. Commands that report as they read (`validate`,
/// `save --ndjson`) write their items to `out`; every other returns its whole output.
async fn run(command: &Command, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    let work = dispatch(command, context, out);
    if command.handles_signals() {
        work.await
    } else {
        interrupt::stoppable(context.shell.json(), &context.commits, work).await
    }
}

/// The one call into `commands` for each subcommand.
async fn dispatch(command: &Command, context: &Context<'_>, out: &mut dyn Write) -> Result<Output> {
    match command {
        Command::Save(args) if args.ndjson => commands::save_batch::run(args, context, out).await,
        Command::Edit(args) => commands::edit::run(args, context).await,
        Command::Save(args) => commands::save::run(args, context).await,
        Command::Import(args) => commands::import::run(args, context).await,
        Command::Validate(args) => commands::validate::run(args, context, out).await,
        Command::Schema(args) => commands::schema::run(args),
        Command::List(args) => commands::list::run(args, context).await,
        Command::Browse(args) => commands::browse::run(args, context).await,
        Command::Export(args) if args.watch => commands::watch::run(args, context, out).await,
        Command::Export(args) => commands::export::run(args, context).await,
        Command::Qa(args) => commands::qa::run(args, context, out).await,
        Command::Migrate(args) => commands::migrate::run(args, context).await,
        Command::Get(args) => commands::get::run(args, context).await,
        Command::Delete(args) => commands::delete::run(args, context).await,
        Command::Undelete(args) => commands::undelete::run(args, context).await,
        Command::Trash(args) => commands::trash::run(args, context).await,
        Command::Erase(args) => commands::erase::run(args, context).await,
        Command::Exports(args) => commands::exports::run(args, context).await,
        Command::SetQa(args) => commands::set_qa::run(args, context).await,
        Command::History(args) => commands::history::run(args, context).await,
        Command::Diff(args) => commands::diff::run(args, context).await,
        Command::Restore(args) => commands::restore::run(args, context).await,
        Command::Completions(args) => commands::completions::run(args),
        Command::Themes(args) => commands::themes::run(args),
        Command::Man(args) => commands::man::run(args, cli::command()),
    }
}
