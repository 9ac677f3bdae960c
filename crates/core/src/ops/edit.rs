//! The web editor's edit, validate, save loop in the user's editor, saved against the
//! version it read so that a concurrent write is never overwritten. Whatever goes wrong,
//! the text typed is kept in a file whose path the error gives.

use std::path::PathBuf;

use anyhow::Result;
use uuid::Uuid;

use crate::db::records;
use crate::db::session::Session;
use crate::document::{self, DocumentKind};
use crate::error::{self, CliError, ErrorKind};
use crate::interrupt::{Signal, Signals};
use crate::model::changes::{Change, RecordChanges, WriteOptions};
use crate::model::record::Record;

/// Lines starting with this, at the top of the file, are ours and are stripped again.
const COMMENT: &str = "//";

/// How many times the editor opens for one edit: a script that keeps writing a different
/// invalid document must not loop for ever.
pub const MAX_ROUNDS: u32 = 5;

/// What an edit ended with.
pub enum Edited {
    Saved(Box<Record>),
    /// Nothing was saved, and why (left unchanged, emptied).
    Unchanged(&'static str),
}

/// Edits the record's document in `editor` (run through `sh`, as git does, so that
/// VS Code's wait flag works) and saves it as a new version noted `note`.
pub async fn edit(
    session: &mut Session,
    user: &str,
    id: Uuid,
    editor: &str,
    note: String,
) -> Result<Edited> {
    let (version, original) = session
        .read(async |connection| records::fetch_for_edit(connection, user, id).await)
        .await?;
    let original = format!("{}\n", original.unwrap_or_else(|| "{}".into()));

    // While the editor runs, Ctrl-C is the editor's: caught here, it does not end
    // resumectl under the editor's feet.
    let signals = Signals::catch()?;
    let mut shown = original.clone();
    let mut rounds = 0;
    let document = loop {
        rounds += 1;
        let edited = open_in_editor(editor, &shown, &signals)
            .await
            .map_err(|failed| {
                let kept = keep(id, &strip_comments(&failed.text));
                kept_error(failed.kind, format!("{}: nothing saved", failed.why), kept)
            })?;
        let body = strip_comments(&edited);
        if body.trim().is_empty() {
            return Ok(Edited::Unchanged("the file was emptied: nothing saved"));
        }
        if body.trim() == original.trim() {
            return Ok(Edited::Unchanged("no changes: nothing saved"));
        }
        if edited.trim_end() == shown.trim_end() && shown != original {
            return Err(kept_error(
                ErrorKind::InvalidInput,
                "the document is still invalid and was left unchanged: nothing saved".into(),
                keep(id, &body),
            ));
        }
        match document::check(DocumentKind::StructuredOutput, body.as_bytes()) {
            Ok(document) => break document,
            Err(_) if rounds >= MAX_ROUNDS => {
                return Err(kept_error(
                    ErrorKind::InvalidInput,
                    format!(
                        "the document is still invalid after {MAX_ROUNDS} rounds in the editor: \
                         nothing saved"
                    ),
                    keep(id, &body),
                ));
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
    if let Some(signal) = signals.received() {
        return Err(kept_error(
            signal.kind(),
            format!("{} received: nothing saved", signal.name()),
            keep(id, &document.text),
        ));
    }

    let changes = RecordChanges {
        structured_output: Change::Set(document.text.clone()),
        ..RecordChanges::default()
    };
    let options = WriteOptions {
        if_version: Some(version),
        note: Some(note),
        event: None,
    };
    // Whatever refuses the save (a conflict, a deleted record, a database gone away), the
    // text typed survives it.
    match super::save::update(session, user, id, changes, &options).await {
        Ok(saved) if saved.unchanged => Ok(Edited::Unchanged(
            "the document is the one stored (only its layout changed): nothing saved",
        )),
        Ok(saved) => Ok(Edited::Saved(Box::new(saved.record))),
        Err(failure) => Err(kept_error(
            error::classify(&failure).0,
            format!("{failure:#}"),
            keep(id, &document.text),
        )),
    }
}

/// The editor did not finish well: what the file held, why, and how to exit.
struct EditorFailed {
    text: String,
    why: String,
    kind: ErrorKind,
}

/// Opens `text` in `editor` and returns the saved file. A non-zero exit aborts (git's
/// rule): the user quit without meaning to save (`:cq`), or the editor broke. While it
/// runs, Ctrl-C is the editor's own; SIGTERM ends the edit (the editor too), keeping the
/// text.
async fn open_in_editor(
    editor: &str,
    text: &str,
    signals: &Signals,
) -> Result<String, EditorFailed> {
    let failed = |why: String| EditorFailed {
        text: text.to_string(),
        why,
        kind: ErrorKind::InvalidInput,
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
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg(editor)
        .arg(file.path())
        .spawn()
        .map_err(|io| failed(format!("cannot start the editor '{editor}': {io}")))?;
    let read_back = || std::fs::read_to_string(file.path()).unwrap_or_else(|_| text.to_string());
    let status = loop {
        tokio::select! {
            status = child.wait() => break status,
            signal = signals.wait() => match signal {
                Signal::Interrupt => signals.forget(),
                Signal::Terminate => {
                    let _ = child.kill().await;
                    return Err(EditorFailed {
                        text: read_back(),
                        why: format!("{} received while the editor was open", signal.name()),
                        kind: signal.kind(),
                    });
                }
            },
        }
    }
    .map_err(|io| failed(format!("waiting for the editor '{editor}': {io}")))?;
    let edited = std::fs::read_to_string(file.path())
        .map_err(|io| failed(format!("cannot read the edited file back: {io}")))?;
    if !status.success() {
        use std::os::unix::process::ExitStatusExt;
        let (how, kind) = match (status.code(), status.signal()) {
            (Some(code), _) => (
                format!("exited with status {code}"),
                ErrorKind::InvalidInput,
            ),
            (None, Some(2)) => ("was interrupted".to_string(), ErrorKind::Interrupted),
            (None, Some(15)) => ("was terminated".to_string(), ErrorKind::Terminated),
            (None, _) => (
                "was killed by a signal".to_string(),
                ErrorKind::InvalidInput,
            ),
        };
        return Err(EditorFailed {
            text: edited,
            why: format!("the editor '{editor}' {how}"),
            kind,
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
fn keep(id: Uuid, text: &str) -> std::io::Result<PathBuf> {
    let file = tempfile::Builder::new()
        .prefix(&format!("resumectl-edit-{id}-"))
        .suffix(".json")
        .tempfile()?;
    std::fs::write(file.path(), text)?;
    Ok(file.keep().map_err(|persist| persist.error)?.1)
}

/// An error that says where the text was kept (or that it could not be).
fn kept_error(kind: ErrorKind, message: String, kept: std::io::Result<PathBuf>) -> anyhow::Error {
    let place = match kept {
        Ok(path) => format!("your text is kept in {}", path.display()),
        Err(io) => format!("and your text could not be kept: {io}"),
    };
    CliError::new(kind, format!("{message}; {place}")).into()
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
