//! Many new records at once, in the caller's transaction: `COPY ... FROM STDIN` into
//! optimized_resumes (each document crosses the network once, in the server's own bulk
//! path), then their first versions' rows (a note and a time: the state is the record's)
//! in one INSERT. A batch's path for new records; the lines are already validated.

use anyhow::Result;
use sqlx::postgres::PgConnection;
use uuid::Uuid;

use crate::db::errors::map_error;
use crate::db::writes::Written;
use crate::document::summary;
use crate::error;
use crate::model::changes::NewRecord;

/// How much COPY data goes out in one message.
const SEND_BYTES: usize = 1 << 20;

/// The columns written, in the order of each COPY line. Every column is given, as
/// `writes::create` gives them: a web application's table may have no defaults.
const COPY: &str = "COPY optimized_resumes (id, user_id, original_resume_id, \
    job_analysis_id, title, optimized_content, optimization_summary, match_score, \
    structured_output, qa_metrics, export_formats, created_at, updated_at, version) \
    FROM STDIN";

/// Creates `records` (each with its version note) at version 1.
pub async fn create_many(
    transaction: &mut PgConnection,
    user: &str,
    records: &[(&NewRecord, Option<&str>)],
) -> Result<Vec<Written>> {
    let mut copy = transaction
        .copy_in_raw(COPY)
        .await
        .map_err(|failure| map_error(failure, "copying the new records"))?;
    let mut buffer = Vec::with_capacity(SEND_BYTES + (64 << 10));
    let mut sent: Result<()> = Ok(());
    for (record, _) in records {
        if let Err(failure) = copy_line(&mut buffer, user, record) {
            sent = Err(failure);
            break;
        }
        if buffer.len() >= SEND_BYTES {
            sent = copy
                .send(buffer.as_slice())
                .await
                .map(|_| ())
                .map_err(|failure| map_error(failure, "copying the new records"));
            buffer.clear();
            if sent.is_err() {
                break;
            }
        }
    }
    if sent.is_ok() && !buffer.is_empty() {
        sent = copy
            .send(buffer.as_slice())
            .await
            .map(|_| ())
            .map_err(|failure| map_error(failure, "copying the new records"));
    }
    // The server's error (a constraint, a bad value) comes with finish(); a failure on
    // this side abandons the COPY (dropping it tells the server so).
    match sent {
        Ok(()) => {
            copy.finish()
                .await
                .map_err(|failure| map_error(failure, "copying the new records"))?;
        }
        Err(failure) => {
            drop(copy);
            return Err(failure);
        }
    }

    let ids: Vec<Uuid> = records.iter().map(|(record, _)| record.id).collect();
    let notes: Vec<Option<&str>> = records.iter().map(|(_, note)| *note).collect();
    sqlx::query(
        "INSERT INTO optimized_resume_versions (resume_id, version, note, changes_summary) \
         SELECT id, 1, note, $3 FROM unnest($1::uuid[], $2::text[]) AS n(id, note)",
    )
    .bind(&ids)
    .bind(&notes)
    .bind(summary::CREATED)
    .persistent(false)
    .execute(&mut *transaction)
    .await
    .map_err(|failure| map_error(failure, "recording the first versions"))?;
    Ok(ids
        .into_iter()
        .map(|id| Written {
            id,
            version: 1,
            unchanged: false,
        })
        .collect())
}

/// One record as a line of COPY's text format. The times are `now`: the transaction's
/// start, as `now()` in a statement.
fn copy_line(out: &mut Vec<u8>, user: &str, record: &NewRecord) -> Result<()> {
    let id = record.id.to_string();
    let original = record.original_resume_id.to_string();
    let analysis = record.job_analysis_id.to_string();
    let score = record.match_score.map(|score| score.to_string());
    let fields: [Option<&str>; 14] = [
        Some(&id),
        Some(user),
        Some(&original),
        Some(&analysis),
        Some(&record.title),
        Some(&record.optimized_content),
        Some("{}"),
        score.as_deref(),
        record.structured_output.as_deref(),
        record.qa_metrics.as_deref(),
        record.export_formats.as_deref(),
        Some("now"),
        Some("now"),
        Some("1"),
    ];
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(b'\t');
        }
        match field {
            None => out.extend_from_slice(b"\\N"),
            Some(text) => escape(out, text)?,
        }
    }
    out.push(b'\n');
    Ok(())
}

/// A value in COPY's text format: backslash, newline, carriage return and tab escaped.
fn escape(out: &mut Vec<u8>, text: &str) -> Result<()> {
    if text.contains('\0') {
        // Validation refuses these first; PostgreSQL text cannot hold NUL.
        return Err(error::invalid("a value contains a NUL character"));
    }
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped: &[u8] = match byte {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => continue,
        };
        out.extend_from_slice(&text.as_bytes()[start..at]);
        out.extend_from_slice(escaped);
        start = at + 1;
    }
    out.extend_from_slice(&text.as_bytes()[start..]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_would_end_a_field_or_a_line() {
        let mut out = Vec::new();
        escape(&mut out, "a\\b\tc\nd\re \"é\"").unwrap();
        assert_eq!(out, "a\\\\b\\tc\\nd\\re \"é\"".as_bytes());
        assert!(escape(&mut Vec::new(), "nul\0").is_err());
    }
}
