//! The new version's row: its note, and its summary of what changed (`document::summary`),
//! computed from the values the write replaced, which its statement hands back, and the
//! new ones. Inserted with the transaction's COMMIT, in the same round trip.

use anyhow::Result;
use serde_json::Value;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::{Assignment, VersionedWrite};
use crate::db::errors::map_error;
use crate::db::session::{Transaction, quote_literal};
use crate::document::LARGE_DOCUMENT;
use crate::document::summary::{COMPARED_STORED, Summary};

/// What a write hands back about each column it may set: (name, type, the value before
/// from `a`, the value after from `r`). A document is handed back only up to
/// `COMPARED_STORED` (stored size), and not at all when the write sent it (it has it).
fn columns(assignments: &[Assignment]) -> Vec<(&'static str, &'static str, String)> {
    let set = |column: &str| assignments.iter().find(|set| set.column == column);
    let mut out = Vec::new();
    for (column, old, new, cast) in [
        ("title", "old_title", "new_title", "text"),
        ("optimized_content", "old_content", "new_content", "text"),
        ("match_score", "old_score", "new_score", "integer"),
        ("qa_metrics", "old_qa", "new_qa", "text"),
        ("export_formats", "old_exports", "new_exports", "text"),
    ] {
        let (before, after) = match set(column) {
            Some(_) => (format!("a.{column}::{cast}"), format!("r.{column}::{cast}")),
            None => (format!("NULL::{cast}"), format!("NULL::{cast}")),
        };
        out.push((old, cast, before));
        out.push((new, cast, after));
    }
    let limit = COMPARED_STORED;
    let document = set("structured_output");
    let sent = document.is_some_and(|set| set.value.starts_with('$'));
    let (old, new, large, same) = match document {
        None => (
            "NULL::text".to_string(),
            "NULL::text".to_string(),
            "false".to_string(),
            "true".to_string(),
        ),
        Some(_) => (
            format!(
                "CASE WHEN pg_column_size(a.structured_output) <= {limit} \
                 THEN a.structured_output::text END"
            ),
            match sent {
                true => "NULL::text".to_string(),
                false => format!(
                    "CASE WHEN pg_column_size(r.structured_output) <= {limit} \
                     THEN r.structured_output::text END"
                ),
            },
            format!(
                "coalesce(pg_column_size(a.structured_output) > {limit} \
                 OR pg_column_size(r.structured_output) > {limit}, false)"
            ),
            "record_image_eq(row(a.structured_output), row(r.structured_output))".to_string(),
        ),
    };
    out.push(("old_document", "text", old));
    out.push(("new_document", "text", new));
    out.push(("document_large", "boolean", large));
    out.push(("document_same", "boolean", same));
    out
}

/// The RETURNING items of `written` that hand those values back.
pub(super) fn replaced_columns(assignments: &[Assignment]) -> String {
    columns(assignments)
        .into_iter()
        .map(|(name, _, expression)| format!("{expression} AS {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The same columns, read from `w`.
pub(super) fn replaced_names() -> String {
    columns(&[])
        .into_iter()
        .map(|(name, _, _)| format!("w.{name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl VersionedWrite<'_> {
    /// Inserts the new version's row, `row` being what the write's statement returned.
    pub(super) fn record(&mut self, transaction: &mut Transaction<'_>, row: &PgRow) -> Result<()> {
        let read = |error| map_error(error, "reading the written record");
        let text = |name: &str| row.try_get::<Option<String>, _>(name).map_err(read);
        let set = |column: &str| self.assignments.iter().any(|set| set.column == column);
        let document = match set("structured_output")
            && !row.try_get::<bool, _>("document_same").map_err(read)?
        {
            true => {
                let old = text("old_document")?;
                let new = text("new_document")?;
                let large = row.try_get::<bool, _>("document_large").map_err(read)?
                    || self.document_not_kept
                    || [old.as_deref(), new.as_deref()]
                        .iter()
                        .any(|text| text.is_some_and(|text| text.len() > LARGE_DOCUMENT));
                Some((old, new, large))
            }
            false => None,
        };
        let texts = [
            ("title", text("old_title")?, text("new_title")?),
            ("plain text", text("old_content")?, text("new_content")?),
        ];
        let scores: (Option<i32>, Option<i32>) = (
            row.try_get("old_score").map_err(read)?,
            row.try_get("new_score").map_err(read)?,
        );
        let objects = [
            ("qa_metrics", text("old_qa")?, text("new_qa")?),
            ("export_formats", text("old_exports")?, text("new_exports")?),
        ];
        let event = self.event.as_deref();
        // The document sent, when the statement did not hand it back.
        let sent = self.document.as_deref();
        let changes = crate::timings::time("summarise", || {
            let json =
                |text: Option<&str>| text.and_then(|text| serde_json::from_str::<Value>(text).ok());
            let mut summary = Summary::default();
            match document {
                Some((_, _, true)) => summary.large_document(),
                // None (SQL NULL) is a document added or removed.
                Some((old, new, false)) => summary.document(
                    json(old.as_deref()).as_ref(),
                    json(new.as_deref().or(sent)).as_ref(),
                ),
                None => {}
            }
            for (label, old, new) in &texts {
                summary.text(label, old.as_deref(), new.as_deref());
            }
            summary.match_score(scores.0, scores.1);
            for (label, old, new) in objects {
                summary.object(
                    label,
                    json(old.as_deref()).as_ref(),
                    json(new.as_deref()).as_ref(),
                );
            }
            summary.finish(event)
        });
        let note = self.options.note.clone().or(self.default_note.take());
        // A simple query, its values quoted in it, sent with the COMMIT: no round trip of
        // its own.
        let id: uuid::Uuid = row.try_get("id").map_err(read)?;
        let version: i64 = row.try_get("version").map_err(read)?;
        let note = note.as_deref().map_or("NULL".into(), quote_literal);
        let insert = format!(
            "INSERT INTO optimized_resume_versions (resume_id, version, note, changes_summary) \
             VALUES ('{id}', {version}, {note}, {})",
            quote_literal(&changes)
        );
        transaction.with_commit(id, &insert);
        Ok(())
    }
}
