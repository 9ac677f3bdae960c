//! A record shown whole: as one JSON object (every column by name, JSON columns embedded
//! as JSON, exactly as stored) or as a table for people. Both go through `Column::ALL`.

use std::borrow::Cow;
use std::io::Write;

use anyhow::Result;
use comfy_table::Table;
use serde::ser::{Error as _, SerializeMap};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::output::tables::{add_row, new_table};
use crate::output::{Format, terminal, time};
use resumectl_core::model::record::{Column, Record, Value};

/// The JSON shape of a record.
pub struct RecordJson<'a>(pub &'a Record);

impl Serialize for RecordJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Column::ALL.len()))?;
        record_entries::<S>(&mut map, self.0)?;
        map.end()
    }
}

/// A record a write left, as `RecordJson` shows it with more keys: `unchanged` (true when
/// the write found it already so, and wrote nothing) and, for an import, the `notes` on what
/// it could not place.
pub struct WrittenJson<'a> {
    pub record: &'a Record,
    pub unchanged: bool,
    pub notes: Option<&'a [resumectl_core::error::Problem]>,
}

impl Serialize for WrittenJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Column::ALL.len() + 2))?;
        record_entries::<S>(&mut map, self.record)?;
        map.serialize_entry("unchanged", &self.unchanged)?;
        if let Some(notes) = self.notes {
            map.serialize_entry("notes", notes)?;
        }
        map.end()
    }
}

/// What a write left: in JSON the record with `unchanged` (and an import's `notes`); in a
/// table the record, with a note on stderr when nothing was written, and each import note.
pub fn write_written(
    written: &WrittenJson<'_>,
    format: Format,
    shell: &crate::output::shell::Shell,
    out: &mut impl Write,
) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer(&mut *out, written)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(out, "{}", record_table(written.record))?;
            if written.unchanged {
                shell.note(&format!(
                    "unchanged: record {} already holds this at version {}; nothing written",
                    written.record.id, written.record.version
                ));
            }
            for note in written.notes.unwrap_or_default() {
                shell.note(&note.to_string());
            }
        }
    }
    Ok(())
}

/// Every column of `record`, by name, into `map`.
fn record_entries<S: Serializer>(
    map: &mut S::SerializeMap,
    record: &Record,
) -> Result<(), S::Error> {
    for column in Column::ALL {
        let name = column.name();
        // The large JSON columns are borrowed, never copied: a 10 MB document is
        // printed from the text held.
        if let Some(text) = record.json_text(column) {
            match text.map(compact_json) {
                // A document just saved is the text given, perhaps pretty-printed:
                // one line of output stays one line.
                Some(text) => {
                    let raw = borrowed_raw_value(&text).map_err(S::Error::custom)?;
                    map.serialize_entry(name, raw)?;
                }
                None => map.serialize_entry(name, &None::<()>)?,
            }
            continue;
        }
        match record.value(column) {
            Value::Json(Some(text)) => {
                map.serialize_entry(name, &raw_value(&text).map_err(S::Error::custom)?)?
            }
            Value::Json(None) | Value::Text(None) => {
                map.serialize_entry(name, &None::<()>)?;
            }
            Value::Text(Some(text)) => map.serialize_entry(name, &text)?,
        }
    }
    Ok(())
}

fn raw_value(text: &str) -> serde_json::Result<Box<RawValue>> {
    RawValue::from_string(text.to_string())
}

/// JSON text as it is, borrowed: checked, never copied (a 10 MB document is not held
/// twice while it is printed).
fn borrowed_raw_value(text: &str) -> serde_json::Result<&RawValue> {
    serde_json::from_str(text)
}

/// JSON text without the whitespace between tokens (strings kept byte for byte), so
/// numbers keep every digit, unlike a parse and print. Text without line breaks is
/// returned as it is.
pub fn compact_json(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for character in text.chars() {
        if in_string {
            out.push(character);
            match character {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !matches!(character, ' ' | '\n' | '\r' | '\t') {
            in_string = character == '"';
            out.push(character);
        }
    }
    Cow::Owned(out)
}

/// The record as a two-column table: a line a column; the document and the plain text
/// summed up rather than shown whole.
pub fn record_table(record: &Record) -> Table {
    let mut table = new_table();
    table.set_header(vec!["field", "value"]);
    for column in Column::ALL {
        let shown = match (column, record.value(column)) {
            (Column::StructuredOutput, _) => document_summary(record.structured_output.as_deref()),
            (Column::CreatedAt, _) => record.created_at.map_or("(none)".into(), time::ago),
            (Column::UpdatedAt, _) => record.updated_at.map_or("(none)".into(), time::ago),
            (Column::OptimizedContent, Value::Text(Some(text))) => text_summary(&text),
            (_, Value::Json(Some(text)) | Value::Text(Some(text))) => text,
            (_, Value::Json(None) | Value::Text(None)) => "(none)".to_string(),
        };
        add_row(&mut table, vec![column.name().to_string(), shown]);
    }
    table
}

/// A line about a document: its size and what it targets, not the whole of it.
fn document_summary(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "(none)".into();
    };
    let value = resumectl_core::document::parse_stored(text).unwrap_or_default();
    // An imported resume has no job posting yet: its job title is empty.
    let job_title = match value["analysis"]["job_title"].as_str().map(str::trim) {
        Some("") => "(none yet)",
        Some(title) => title,
        None => "?",
    };
    let coverage = &value["qa"]["scores"]["keyword_coverage_0_to_100"];
    format!(
        "{} bytes; job title: {job_title}; keyword coverage: {coverage} \
         (see it whole with --field structured_output)",
        text.len()
    )
}

fn text_summary(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    format!("{first} ... ({} lines)", text.lines().count())
}

/// One column: text byte for byte as JSON output (a script reads it back), escaped for a
/// terminal in table mode; JSON columns as JSON.
pub fn write_field(value: &Value, format: Format, out: &mut impl Write) -> Result<()> {
    match (value, format) {
        (Value::Text(text), Format::Json) => {
            out.write_all(text.as_deref().unwrap_or("").as_bytes())?
        }
        (Value::Text(text), Format::Table) => {
            let text = terminal::safe_text(text.as_deref().unwrap_or(""), true);
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
        (Value::Json(text), Format::Json) => {
            let text = text.as_deref().unwrap_or("null");
            writeln!(out, "{}", compact_json(text))?;
        }
        // JSON escapes every control character: pretty-printed, it is safe to show.
        (Value::Json(text), Format::Table) => writeln!(out, "{}", pretty_json(text.as_deref()))?,
    }
    Ok(())
}

fn pretty_json(text: Option<&str>) -> String {
    match text {
        None => "null".into(),
        Some(text) => resumectl_core::document::parse_stored(text)
            .and_then(|value| serde_json::to_string_pretty(&value))
            .unwrap_or_else(|_| text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_strings_and_digits() {
        let pretty = "{\n  \"a b\": \"x \\\" y\\\\\",\n  \"n\": 1.000000000000000000001\n}";
        assert_eq!(
            compact_json(pretty),
            "{\"a b\":\"x \\\" y\\\\\",\"n\":1.000000000000000000001}"
        );
        assert!(matches!(compact_json("{\"a\": 1}"), Cow::Borrowed(_)));
    }
}
