//! Strict JSON parsing: what serde_json accepts, minus what is ambiguous or what
//! PostgreSQL would refuse later (duplicate keys, NUL, invalid UTF-8), each located.

// The fuzz target (fuzz/, built with the `fuzzing` cfg) and the replay of its corpus.
#[cfg(any(test, fuzzing))]
pub mod differential;
pub(crate) mod visitor;

use std::cell::RefCell;

use serde::de::DeserializeSeed;
use serde_json::Value;

use crate::error::Problem;
use visitor::ValueSeed;

/// The deepest nesting of arrays and objects accepted: `[[1]]` is two levels. Counted
/// here rather than left to serde_json, whose own limit refuses one level earlier.
pub const MAX_NESTING: usize = 128;

/// Parses `bytes` as exactly one JSON value. On failure, the problem names the line and
/// column (syntax) or the JSON pointer (duplicate key, NUL escape) of the first fault.
pub fn parse_strict(bytes: &[u8]) -> Result<(Value, &str), Problem> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        let (line, column) = line_and_column(bytes, offset);
        Problem {
            path: format!("line {line} column {column}"),
            message: format!("invalid UTF-8 at byte {offset}: the input must be UTF-8 text"),
            hint: None,
        }
    })?;
    // Editors on some systems prefix a byte-order mark; it is not part of the JSON value.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Problem {
            path: String::new(),
            message: "empty input: expected a JSON document".into(),
            hint: None,
        });
    }
    if let Some(offset) = memchr::memchr(0, text.as_bytes()) {
        let (line, column) = line_and_column(text.as_bytes(), offset);
        return Err(Problem {
            path: format!("line {line} column {column}"),
            message: "NUL byte in the input: PostgreSQL cannot store NUL in JSON text".into(),
            hint: None,
        });
    }

    // Almost every document is fine: parse it without tracking where the parser is.
    // Only a document that fails is parsed again, tracking the path, to say where.
    // NUL can only be in a string as the escape \u0000 (a raw NUL byte was refused
    // above): text without that sequence needs no check of each string.
    let found = RefCell::new(None);
    let may_hold_nul = memchr::memmem::find(text.as_bytes(), b"\\u0000").is_some();
    if !may_hold_nul && let Ok(value) = parse_with(text, None, &found) {
        return Ok((value, text));
    }
    let path = RefCell::new(Vec::new());
    match parse_with(text, Some(&path), &found) {
        Ok(value) => Ok((value, text)),
        Err(error) => Err(describe_error(error, found.into_inner())),
    }
}

fn parse_with(
    text: &str,
    path: Option<&RefCell<Vec<String>>>,
    found: &RefCell<Option<Problem>>,
) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // ValueSeed counts the depth itself and stops at MAX_NESTING, so the recursion is
    // bounded without serde_json's limit.
    deserializer.disable_recursion_limit();
    let value = ValueSeed {
        path,
        found,
        depth: 0,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Turns a serde_json error into a located problem, preferring the JSON pointer our
/// visitor recorded when the fault was one of ours.
fn describe_error(error: serde_json::Error, found: Option<Problem>) -> Problem {
    let location = format!("line {} column {}", error.line(), error.column());
    if let Some(mut problem) = found {
        problem.message = format!("{} ({location})", problem.message);
        return problem;
    }
    let full = error.to_string();
    let bare = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(head, _)| head);
    let message = if bare.contains("trailing characters") {
        "trailing data after the JSON value".to_string()
    } else if bare.starts_with("EOF while parsing") {
        format!("input ends early ({})", bare.replace("EOF", "end of input"))
    } else {
        bare.to_string()
    };
    Problem {
        path: location,
        message,
        hint: None,
    }
}

/// 1-based line and column of a byte offset.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |index| index + 1);
    (line, offset - line_start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(input: &str) -> Problem {
        parse_strict(input.as_bytes()).expect_err("input should be refused")
    }

    #[test]
    fn accepts_ordinary_json_and_keeps_every_key() {
        let (value, _) = parse_strict(br#"{"a": [1, 2.5, "x"], "b": {"c": null}}"#).unwrap();
        assert_eq!(value["a"][1], 2.5);
        assert!(value["b"]["c"].is_null());
    }

    #[test]
    fn duplicate_key_is_named_by_its_pointer() {
        let found = problem(r#"{"qa": {"scores": {"x": 1, "x": 2}}}"#);
        assert_eq!(found.path, "/qa/scores/x");
        assert!(found.message.contains("duplicate key"), "{found:?}");
    }

    #[test]
    fn nul_escape_is_named_by_its_pointer() {
        let found = problem(r#"{"list": ["ok", "bad\u0000"]}"#);
        assert_eq!(found.path, "/list/1");
        assert!(found.message.contains("NUL"));
    }

    #[test]
    fn raw_nul_byte_and_invalid_utf8_are_located() {
        let found = parse_strict(b"{\n \"a\": \"x\0\"}").unwrap_err();
        assert_eq!(found.path, "line 2 column 9");
        let found = parse_strict(b"{\"a\": \"\xff\"}").unwrap_err();
        assert!(
            found.message.contains("invalid UTF-8 at byte 7"),
            "{found:?}"
        );
    }

    #[test]
    fn trailing_garbage_empty_input_and_deep_nesting_are_refused() {
        assert!(problem("{} x").message.contains("trailing data"));
        assert!(problem("  \n").message.contains("empty input"));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(problem(&deep).message.contains("nesting deeper than 128"));
    }

    #[test]
    fn nesting_is_accepted_up_to_the_documented_limit_and_no_further() {
        let nested = |levels: usize, open: &str, close: &str| {
            format!("{}{}", open.repeat(levels), close.repeat(levels))
        };
        assert!(parse_strict(nested(MAX_NESTING, "[", "]").as_bytes()).is_ok());
        let objects = |levels: usize| {
            format!(
                "{}{{}}{}",
                "{\"a\":".repeat(levels - 1),
                "}".repeat(levels - 1)
            )
        };
        assert!(parse_strict(objects(MAX_NESTING).as_bytes()).is_ok());
        let deeper = problem(&nested(MAX_NESTING + 1, "[", "]"));
        assert!(
            deeper.message.contains("nesting deeper than 128"),
            "{deeper:?}"
        );
        let deeper = problem(&objects(MAX_NESTING + 1));
        assert!(
            deeper.message.contains("nesting deeper than 128"),
            "{deeper:?}"
        );
        // A very deep input is refused without exhausting the stack.
        assert!(parse_strict(nested(1_000_000, "[", "]").as_bytes()).is_err());
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        let (value, _) = parse_strict(br#"{"n": 100.0000000000000000001, "big": 1e400}"#).unwrap();
        assert_eq!(value["n"].to_string(), "100.0000000000000000001");
        assert_eq!(value["big"].to_string(), "1e+400");
    }

    #[test]
    fn the_number_token_as_a_key_is_refused_not_read_as_a_number() {
        let found = problem(r#"{"x": {"$serde_json::private::Number": "50"}}"#);
        assert!(found.message.contains("reserved"), "{found:?}");
        assert_eq!(found.path, "/x/$serde_json::private::Number");
    }
}
