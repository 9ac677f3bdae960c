//! `resumectl edit ID`: the web editor's edit, validate, save loop in $VISUAL/$EDITOR,
//! saved against the version it read so that a concurrent write is never overwritten.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::commands::{Context, parse_id};
use crate::db;
use crate::db::records::{self, Change, RecordChanges};
use crate::db::versions::WriteOptions;
use crate::document::{self, DocumentKind};
use crate::error::{self, CliError, ErrorKind};
use crate::interrupt::Signals;
use crate::output::Output;

/// Lines starting with this, at the top of the file, are ours and are stripped again.
const COMMENT: &str = "//";

#[derive(Debug, Args)]
#[command(
    after_help = "The editor is $VISUAL, else $EDITOR, else vi. An invalid document is \
    reopened with the problems listed at the top (at most 5 rounds); leaving it unchanged, \
    or emptying the file, gives up without saving. An editor that exits non-zero (vim's \
    :cq) aborts: nothing is saved (exit 5) and the text is kept in a file whose path is \
    printed. If the record changed meanwhile, nothing is saved (exit 6) and the edited \
    text is kept the same way."
)]
pub struct EditArgs {
    /// The record id (a UUID)
    pub id: String,

    /// A change note stored with the new version [default: "edited"]
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

pub async fn run(args: &EditArgs, context: &Context<'_>) -> Result<Output> {
    let user = context.user()?;
    let id = parse_id(&args.id)?;
    if context.settings.no_input {
        return Err(error::usage(
            "edit opens an editor, which --no-input forbids",
        ));
    }
    let editor_set = ["VISUAL", "EDITOR"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|value| !value.trim().is_empty()));
    if !editor_set && !std::io::stdin().is_terminal() {
        return Err(error::usage(
            "no editor: set VISUAL or EDITOR (a script works too) to edit without a terminal",
        ));
    }

    let mut connection = context.connect().await?;
    let (version, original) = records::fetch_for_edit(&mut connection, user, id).await?;
    let original = format!("{}\n", original.unwrap_or_else(|| "{}".into()));

    // While the editor runs, Ctrl-C is the editor's (as git does it): caught here, it does
    // not end resumectl under the editor's feet.
    let signals = Signals::catch()?;
    let mut shown = original.clone();
    let mut rounds = 0;
    let document = loop {
        rounds += 1;
        let edited = match open_in_editor(&shown) {
            Ok(edited) => edited,
            Err(EditorFailed { text, why }) => {
                let kept = keep(id, &strip_comments(&text))?;
                return Err(error::invalid(format!(
                    "{why}: nothing saved; your text is kept in {}",
                    kept.display()
                )));
            }
        };
        signals.forget();
        let body = strip_comments(&edited);
        if body.trim().is_empty() {
            return Ok(Output::Unchanged(
                "the file was emptied: nothing saved".into(),
            ));
        }
        if body.trim() == original.trim() {
            return Ok(Output::Unchanged("no changes: nothing saved".into()));
        }
        if edited.trim_end() == shown.trim_end() && shown != original {
            let kept = keep(id, &body)?;
            return Err(error::invalid(format!(
                "the document is still invalid and was left unchanged: nothing saved; \
                 your text is kept in {}",
                kept.display()
            )));
        }
        match document::check(DocumentKind::StructuredOutput, body.as_bytes()) {
            Ok(document) => break document,
            Err(_) if rounds >= MAX_ROUNDS => {
                let kept = keep(id, &body)?;
                return Err(error::invalid(format!(
                    "the document is still invalid after {MAX_ROUNDS} rounds in the editor: \
                     nothing saved; your text is kept in {}",
                    kept.display()
                )));
            }
            Err(problems) => {
                let mut header = format!(
                    "{COMMENT} resumectl: this document is invalid; fix it and save, or empty \
                     the file to give up.\n"
                );
                for problem in &problems {
                    header.push_str(&format!("{COMMENT}   {problem}\n"));
                }
                shown = format!("{header}{body}");
            }
        }
    };

    let changes = RecordChanges {
        structured_output: Change::Set(document.text.clone()),
        ..RecordChanges::default()
    };
    let options = WriteOptions {
        if_version: Some(version),
        note: Some(args.note.clone().unwrap_or_else(|| "edited".into())),
    };
    if let Some(signal) = signals.received() {
        let kept = keep(id, &document.text)?;
        return Err(CliError::new(
            signal.kind(),
            format!(
                "{} received: nothing saved; your edit is kept in {}",
                signal.name(),
                kept.display()
            ),
        )
        .into());
    }
    let mut transaction = db::begin(&mut connection, context.settings.statement_timeout).await?;
    let saved = records::update(&mut transaction, user, id, changes, &options).await;
    let mut record = match saved {
        Ok(record) => record,
        Err(failure) if error::classify(&failure).0 == ErrorKind::Conflict => {
            let kept = keep(id, &document.text)?;
            return Err(CliError::new(
                ErrorKind::Conflict,
                format!("{failure:#}; your edit is kept in {}", kept.display()),
            )
            .into());
        }
        Err(failure) => return Err(failure),
    };
    db::commit(transaction).await?;
    db::close(connection).await;
    record.structured_output = Some(document.text);
    Ok(Output::Record(Box::new(record)))
}

/// How many times the editor opens for one edit: a script that keeps writing a different
/// invalid document must not loop for ever.
const MAX_ROUNDS: u32 = 5;

/// The editor did not finish well: what the file held, and why.
struct EditorFailed {
    text: String,
    why: String,
}

/// Opens `text` in $VISUAL, else $EDITOR, else vi, and returns the saved file. Run through
/// the shell as git does, so that `EDITOR="code --wait"` works. A non-zero exit aborts
/// (git's rule): the user quit without meaning to save (`:cq`), or the editor broke.
fn open_in_editor(text: &str) -> Result<String, EditorFailed> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let failed = |why: String| EditorFailed {
        text: text.to_string(),
        why,
    };
    let file = tempfile::Builder::new()
        .prefix("resumectl-edit-")
        .suffix(".json")
        .tempfile()
        .and_then(|file| {
            std::fs::write(file.path(), text)?;
            Ok(file)
        })
        .map_err(|io| failed(format!("cannot write the file to edit: {io}")))?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(&editor)
        .arg(file.path())
        .status()
        .map_err(|io| failed(format!("cannot start the editor '{editor}': {io}")))?;
    let edited = std::fs::read_to_string(file.path())
        .map_err(|io| failed(format!("cannot read the edited file back: {io}")))?;
    if !status.success() {
        let how = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        return Err(EditorFailed {
            text: edited,
            why: format!("the editor '{editor}' {how}"),
        });
    }
    Ok(edited)
}

/// The file without the comment lines we put at its top.
fn strip_comments(text: &str) -> String {
    let mut lines = text.lines().peekable();
    while lines
        .peek()
        .is_some_and(|line| line.trim_start().starts_with(COMMENT))
    {
        lines.next();
    }
    let mut body: String = lines.collect::<Vec<_>>().join("\n");
    body.push('\n');
    body
}

/// Writes the edited text where it survives this process, and returns the path.
fn keep(id: uuid::Uuid, text: &str) -> Result<PathBuf> {
    let file = tempfile::Builder::new()
        .prefix(&format!("resumectl-edit-{id}-"))
        .suffix(".json")
        .tempfile()
        .and_then(|file| {
            std::fs::write(file.path(), text)?;
            file.keep().map_err(|persist| persist.error)
        })
        .map_err(|failure| error::invalid(format!("cannot keep the edited text: {failure}")))?;
    Ok(file.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_comment_header_is_stripped() {
        assert_eq!(strip_comments("// a\n// b\n{\"x\": 1}\n"), "{\"x\": 1}\n");
        assert_eq!(
            strip_comments("{\"x\": \"// not a comment\"}"),
            "{\"x\": \"// not a comment\"}\n"
        );
    }
}
