//! Writing a record: the changes to an existing one, or a new one, each a new version in
//! one transaction; and QA metrics merged into one.

use anyhow::Result;
use uuid::Uuid;

use crate::db::records;
use crate::db::session::Session;
use crate::db::writes;
use crate::model::changes::{Change, NewRecord, RecordChanges, Saved, WriteOptions};
use crate::model::record::Record;

/// Applies `changes` to the record as a new version and returns it as stored (as it was,
/// `unchanged`, when they change nothing).
pub async fn update(
    session: &mut Session,
    user: &str,
    id: Uuid,
    changes: RecordChanges,
    options: &WriteOptions,
) -> Result<Saved> {
    // The record returned shows the document written: the write hands back a small one
    // as sent; a large one is not held twice while it is sent, and is read back from the
    // database afterwards, in the same transaction (never from the input again: that may
    // be a FIFO, or a file someone changed meanwhile).
    let wrote_document = matches!(changes.structured_output, Change::Set(_));
    session
        .write(async |transaction| {
            let mut saved = writes::update(transaction, user, id, changes, options).await?;
            if wrote_document && saved.record.structured_output.is_none() {
                saved.record.structured_output =
                    records::fetch_document(transaction, user, id).await?;
            }
            Ok(saved)
        })
        .await
}

/// Creates the record, at version 1, and returns it as stored. `event` is its first
/// version's summary (None: "created").
pub async fn create(
    session: &mut Session,
    user: &str,
    record: &NewRecord,
    note: Option<&str>,
    event: Option<&str>,
) -> Result<Record> {
    session
        .write(async |transaction| {
            let written = writes::create(transaction, user, record, note, event).await?;
            records::fetch(transaction, user, written.id).await
        })
        .await
}

/// Merges `metrics` (a JSON object of the four figures) into the record's qa_metrics,
/// keeping every other key there, as a new version.
pub async fn merge_qa_metrics(
    session: &mut Session,
    user: &str,
    id: Uuid,
    metrics: &str,
    options: &WriteOptions,
) -> Result<Saved> {
    session
        .write(async |transaction| {
            writes::merge_qa_metrics(transaction, user, id, metrics, options).await
        })
        .await
}
