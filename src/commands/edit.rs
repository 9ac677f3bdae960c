//! `resumectl edit ID`: the web editor's edit, validate, save loop in $VISUAL/$EDITOR,
//! saved against the version it read so that a concurrent write is never overwritten.

use anyhow::Result;
use clap::Args;

use crate::commands::Context;
use crate::commands::args::RecordIdArg;
use crate::output::Output;
use resumectl_core::error;
use resumectl_core::ops;
use resumectl_core::ops::edit::Edited;

#[derive(Debug, Args)]
#[command(after_help = EDIT_HELP)]
pub struct EditArgs {
    #[command(flatten)]
    pub record: RecordIdArg,

    /// A change note stored with the new version [default: "edited"]
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

const EDIT_HELP: &str = "The editor is $VISUAL, else $EDITOR, else vi. An invalid document is reopened with \
     the problems listed at the top (at most 5 rounds); leaving it unchanged, or emptying \
     the file, gives up without saving. An editor that exits non-zero (vim's :cq) aborts: \
     nothing is saved (exit 5) and the text is kept in a file whose path is printed. If \
     the record changed meanwhile, nothing is saved (exit 6) and the edited text is kept \
     the same way.";

pub async fn run(args: &EditArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = args.record.id()?;
    let settings = context.settings;
    if settings.no_input {
        return Err(error::usage(
            "edit opens an editor, which --no-input forbids",
        ));
    }
    let editor = match (&settings.editor, context.shell.terminal().stdin) {
        (Some(editor), _) => editor.as_str(),
        (None, true) => "vi",
        (None, false) => {
            return Err(error::usage(
                "no editor: set VISUAL or EDITOR (a script works too) to edit without a terminal",
            ));
        }
    };
    let note = args.note.clone().unwrap_or_else(|| "edited".into());
    let edited = context
        .session(async |session| ops::edit::edit(session, user, id, editor, note).await)
        .await?;
    Ok(match edited {
        Edited::Saved(record) => Output::Record(record),
        Edited::Unchanged(reason) => Output::Unchanged(reason),
    })
}
