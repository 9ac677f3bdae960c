//! The command line: global options, the subcommands, and the argument blocks they share.

use clap::{Parser, Subcommand};

use crate::commands;
use crate::config::GlobalArgs;
use resumectl_core::error::ErrorKind;

#[derive(Debug, Parser)]
#[command(
    name = "resumectl",
    version,
    about = "Migrate, read, validate and write the resume records of the AI resume optimizer",
    long_about = "Migrate, read, validate and write the resume records of the AI resume optimizer.\n\n\
        Every read and write is scoped to the configured user id. Data goes to stdout, \
        diagnostics to stderr.",
    after_help = "Run 'resumectl --help' for configuration and the exit codes."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// The end of `--help`: where settings come from, and the exit codes, built from the
/// one table in `error.rs` (README repeats it).
pub fn long_help_tail() -> String {
    let mut text = String::from(
        "Configuration (flag > environment > ./.env > config file):\n  \
         database URL   --database-url, DATABASE_URL, database_url\n  \
         user id        --user, RESUMECTL_USER, user\n  \
         config file    --config, RESUMECTL_CONFIG [default: $XDG_CONFIG_HOME/resumectl/config.toml]\n\n\
         Exit codes:\n  0  success\n",
    );
    for kind in ErrorKind::ALL {
        text.push_str(&format!("  {}  {}\n", kind.exit_code(), kind.description()));
    }
    text.push_str(
        "\nWith --format json (the default when stdout is not a terminal) an error is one \
         JSON\nobject on stderr: {\"error\":{\"kind\":...,\"message\":...}}.",
    );
    text
}

/// The command line, with the help that is built at run time.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    Cli::command().after_long_help(long_help_tail())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the embedded schema migrations (safe over the web application's table)
    Migrate(commands::migrate::MigrateArgs),
    /// Print a record, or one column of it with --field
    Get(commands::get::GetArgs),
    /// Validate a structured_output document and write it (update, or create with --new);
    /// what the record already holds is left as it is ("unchanged": true)
    Save(commands::save::SaveArgs),
    /// Import a resume from a JSON Resume file or a LinkedIn data export, as a new
    /// record (or a new version with --id)
    Import(commands::import::ImportArgs),
    /// Delete records into the trash, or for good with --permanent (asks first on a
    /// terminal; --yes otherwise)
    Delete(commands::delete::DeleteArgs),
    /// Put a deleted record back from the trash, exactly as it was
    Undelete(commands::undelete::UndeleteArgs),
    /// The trash: list deleted records, or purge old ones for good
    Trash(commands::trash::TrashArgs),
    /// Erase everything of the configured user: records, history, trash, uploaded objects
    Erase(commands::erase::EraseArgs),
    /// Uploaded exports: prune the expired ones from the store and export_formats
    Exports(commands::exports::ExportsArgs),
    /// Set a record's QA metrics from flags (merged) or from a file (replaced)
    SetQa(commands::set_qa::SetQaArgs),
    /// Edit a record's structured_output in $VISUAL/$EDITOR, validated, conflict-safe
    Edit(commands::edit::EditArgs),
    /// List a record's versions, each with what it changed ("summary edited")
    History(commands::history::HistoryArgs),
    /// Show what changed in structured_output between two versions, as JSON paths
    Diff(commands::diff::DiffArgs),
    /// Make an old version current again, as a new version
    Restore(commands::restore::RestoreArgs),
    /// The support console: browse records, their history, diffs, QA and exports in a
    /// full-screen terminal UI
    Browse(commands::browse::BrowseArgs),
    /// List records: search titles and text, find by document contents (--contains)
    List(commands::list::ListArgs),
    /// Check documents offline with the validator save uses (no database needed)
    Validate(commands::validate::ValidateArgs),
    /// Print the JSON Schema (draft 2020-12) the validator is built from
    Schema(commands::schema::SchemaArgs),
    /// Render a record as txt, md, html, docx, pdf or jsonresume (reuses an unchanged
    /// earlier export)
    Export(commands::export::ExportArgs),
    /// List the built-in PDF themes (export --to pdf --theme NAME)
    Themes(commands::themes::ThemesArgs),
    /// Measure the quality figures (coverage, readability, duplicates, format compliance)
    /// from the document, with their evidence; --write keeps them; thresholds exit 8
    Qa(commands::qa::QaArgs),
    /// Print the shell completion script (bash, zsh, fish, ...); it completes record ids
    /// from the database
    Completions(commands::completions::CompletionsArgs),
    /// Write the manual pages to a folder (they are also committed under man/)
    #[command(hide = true)]
    Man(commands::man::ManArgs),
}

impl Command {
    /// True for the commands that handle SIGINT and SIGTERM themselves: a batch reports
    /// the lines it got to, an editor's Ctrl-C is the editor's, the console quits
    /// cleanly (its terminal put back), and Ctrl-C is how a watch ends. A signal stops every
    /// other command where it is (`interrupt::stoppable`).
    pub fn handles_signals(&self) -> bool {
        matches!(self, Command::Save(args) if args.ndjson)
            || matches!(self, Command::Edit(_) | Command::Browse(_))
            || matches!(self, Command::Export(args) if args.watch)
    }

    /// False for the commands that work offline (validate, schema, completions): a broken
    /// `.env` or config file does not stop them, it is named in a note and left out.
    pub fn needs_configuration(&self) -> bool {
        match self {
            Command::Validate(_)
            | Command::Schema(_)
            | Command::Completions(_)
            | Command::Themes(_)
            | Command::Man(_) => false,
            Command::Qa(args) => args.document.is_none(),
            Command::Import(args) => !args.dry_run,
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn help_lists_every_exit_code_with_its_description() {
        let help = long_help_tail();
        for kind in ErrorKind::ALL {
            let line = format!("  {}  {}", kind.exit_code(), kind.description());
            assert!(help.contains(&line), "missing from help: {line}");
        }
    }
}
