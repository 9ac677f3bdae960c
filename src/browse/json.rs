//! The JSON view: the whole document, pretty-printed, its keys, strings, numbers and
//! literals coloured (each line is read on its own: pretty JSON puts one value a line).

use serde_json::Value;

use crate::browse::rows::{Row, Theme};

/// The document, pretty-printed, keys, strings, numbers and literals coloured.
pub fn json(document: &Value, theme: Theme) -> Vec<Row> {
    let text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.lines().map(|line| json_line(line, theme)).collect()
}

fn json_line(line: &str, theme: Theme) -> Row {
    let body = line.trim_start();
    let mut row = Row::plain(theme.normal(), &line[..line.len() - body.len()]);
    let mut rest = body;
    if body.starts_with('"')
        && let Some(end) = string_end(body)
        && body[end..].starts_with(": ")
    {
        row = row
            .with(theme.key(), &body[..end])
            .with(theme.normal(), ": ");
        rest = &body[end + 2..];
    }
    let (value, tail) = match rest.strip_suffix(',') {
        Some(value) => (value, ","),
        None => (rest, ""),
    };
    let style = match value.chars().next() {
        Some('"') => theme.string(),
        Some('-' | '0'..='9') => theme.number(),
        Some('t' | 'f' | 'n') => theme.literal(),
        _ => theme.normal(),
    };
    row.with(style, value).with(theme.normal(), tail)
}

/// The byte just after the JSON string that opens `text`.
fn string_end(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(at + 1),
            _ => {}
        }
    }
    None
}
