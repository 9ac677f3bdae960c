//! A record's past: its versions, one of them, what changed between two, and making an
//! old one current again.

use anyhow::Result;
use uuid::Uuid;

use crate::db::session::Session;
use crate::db::{history, records, writes};
use crate::document::{diff, parse_stored};
use crate::error::{self, CliError, ErrorKind, Hint};
use crate::model::changes::{Saved, WriteOptions};
use crate::model::record::Record;
use crate::model::reports::{DiffReport, HistoryPage};

/// The newest `limit` versions below `before` (None: from the current one), oldest
/// first, and the `before` of the older ones when there are more (a record from before
/// resumectl kept history shows its first state as version 0).
pub async fn list(
    session: &mut Session,
    user: &str,
    id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<HistoryPage> {
    session
        .read(async |connection| {
            // Checked first so that an absent record is "not found", not an empty history.
            records::current_version(connection, user, id).await?;
            // One more than asked: whether there are older ones.
            let mut versions = history::list(connection, user, id, before, limit + 1).await?;
            let more = versions.len() as i64 > limit;
            versions.truncate(limit as usize);
            versions.reverse();
            let older = versions.first().filter(|_| more).map(|first| first.version);
            Ok(HistoryPage { versions, older })
        })
        .await
}

/// The record as it was at `version`.
pub async fn version(session: &mut Session, user: &str, id: Uuid, version: i64) -> Result<Record> {
    session
        .read(
            async |connection| match history::fetch(connection, user, id, version).await? {
                Some(record) => Ok(record),
                None => {
                    let current = records::current_version(connection, user, id).await?;
                    Err(CliError::new(
                        ErrorKind::NotFound,
                        format!(
                            "record {id} has no version {version} (it is at version {current})"
                        ),
                    )
                    .with_hint(Hint::SeeHistory { id })
                    .into())
                }
            },
        )
        .await
}

/// What changed in structured_output from `from` (default: the one before `to`) to `to`
/// (default: the current version).
pub async fn diff(
    session: &mut Session,
    user: &str,
    id: Uuid,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<DiffReport> {
    let current = super::records::get(session, user, id, None).await?;
    let to = to.unwrap_or(current.version);
    let from = match from {
        Some(from) => from,
        None if to > 0 => to - 1,
        None => {
            return Err(error::not_found(format!(
                "record {id} has no version before {to} to compare with"
            )));
        }
    };
    let older = version(session, user, id, from).await?;
    let newer = if to == current.version {
        current
    } else {
        version(session, user, id, to).await?
    };
    // Read as stored: the web application may have written what resumectl refuses as
    // input (deeper nesting, 1e400), and numbers keep their exact text.
    let document = |record: &Record| -> Result<serde_json::Value> {
        Ok(match &record.structured_output {
            Some(text) => parse_stored(text)?,
            None => serde_json::Value::Null,
        })
    };
    Ok(DiffReport {
        id,
        from,
        to,
        changes: diff::diff(&document(&older)?, &document(&newer)?),
    })
}

/// Makes `version`'s contents current again, as a new version (history is never
/// rewritten).
pub async fn restore(
    session: &mut Session,
    user: &str,
    id: Uuid,
    version: i64,
    options: &WriteOptions,
) -> Result<Saved> {
    session
        .write(async |transaction| writes::restore(transaction, user, id, version, options).await)
        .await
}
