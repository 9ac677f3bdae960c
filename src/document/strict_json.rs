//! Strict JSON parsing: what serde_json accepts, minus what is ambiguous or what
//! PostgreSQL would refuse later (duplicate keys, NUL, invalid UTF-8), each located.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use crate::error::Problem;

/// The deepest nesting of arrays and objects accepted: `[[1]]` is two levels. Counted
/// here rather than left to serde_json, whose own limit refuses one level earlier.
pub const MAX_NESTING: usize = 128;

/// How serde_json (with `arbitrary_precision`) hands a number to a visitor: a one-entry
/// map under this key, whose value is the number's exact text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Parses `bytes` as exactly one JSON value. On failure, the problem names the line and
/// column (syntax) or the JSON pointer (duplicate key, NUL escape) of the first fault.
pub fn parse_strict(bytes: &[u8]) -> Result<(Value, &str), Problem> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        let (line, column) = line_and_column(bytes, offset);
        Problem {
            path: format!("line {line} column {column}"),
            message: format!("invalid UTF-8 at byte {offset}: the input must be UTF-8 text"),
        }
    })?;
    // Editors on some systems prefix a byte-order mark; it is not part of the JSON value.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Problem {
            path: String::new(),
            message: "empty input: expected a JSON document".into(),
        });
    }
    if let Some(offset) = memchr::memchr(0, text.as_bytes()) {
        let (line, column) = line_and_column(text.as_bytes(), offset);
        return Err(Problem {
            path: format!("line {line} column {column}"),
            message: "NUL byte in the input: PostgreSQL cannot store NUL in JSON text".into(),
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

/// Builds a `Value`, refusing duplicate keys and NUL. With `path`, it keeps the JSON
/// path of where it is, so that a refusal can name it; without, it is faster.
struct ValueSeed<'p> {
    path: Option<&'p RefCell<Vec<String>>>,
    found: &'p RefCell<Option<Problem>>,
    /// Arrays and objects this value is inside.
    depth: usize,
}

impl ValueSeed<'_> {
    /// The seed for a value inside this array or object.
    fn child(&self) -> Self {
        ValueSeed {
            path: self.path,
            found: self.found,
            depth: self.depth + 1,
        }
    }

    /// Refuses an array or object that would be one level too deep.
    fn enter<E: de::Error>(&self) -> Result<(), E> {
        if self.depth >= MAX_NESTING {
            return Err(self.fail(None, format!("nesting deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    fn fail<E: de::Error>(&self, extra: Option<&str>, message: String) -> E {
        let mut segments = self
            .path
            .map(|path| path.borrow().clone())
            .unwrap_or_default();
        if let Some(key) = extra {
            segments.push(key.to_string());
        }
        let problem = Problem {
            path: super::pointer::pointer(&segments),
            message,
        };
        let error = E::custom(&problem.message);
        *self.found.borrow_mut() = Some(problem);
        error
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| self.fail(None, "number out of range".into()))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        self.visit_string(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        // Without a path this is the fast pass, only taken for text without \u0000.
        if self.path.is_some() && value.contains('\0') {
            return Err(self.fail(
                None,
                "\\u0000 (NUL) in a string: PostgreSQL cannot store it in JSONB".into(),
            ));
        }
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            if let Some(path) = self.path {
                path.borrow_mut().push(items.len().to_string());
            }
            let item = seq.next_element_seed(self.child());
            if let Some(path) = self.path {
                path.borrow_mut().pop();
            }
            match item? {
                Some(value) => items.push(value),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if std::mem::take(&mut first) && key == NUMBER_TOKEN {
                // A number, kept as its exact text so that validation compares the value
                // written, not its nearest double. An object that merely has this key
                // hands over its value differently, and is refused (see NumberText).
                return match map.next_value_seed(NumberText)? {
                    Some(number) => Ok(Value::Number(number)),
                    None => Err(self.fail(
                        Some(NUMBER_TOKEN),
                        "this object key is reserved by the JSON library resumectl uses".into(),
                    )),
                };
            }
            if object.is_empty() {
                self.enter()?;
            }
            if self.path.is_some() && key.contains('\0') {
                return Err(self.fail(
                    None,
                    "\\u0000 (NUL) in an object key: PostgreSQL cannot store it in JSONB".into(),
                ));
            }
            let slot = match object.entry(key) {
                Entry::Vacant(slot) => slot,
                Entry::Occupied(taken) => {
                    let key = taken.key();
                    return Err(self.fail(
                        Some(key),
                        format!("duplicate key \"{key}\": the document is ambiguous"),
                    ));
                }
            };
            let Some(path) = self.path else {
                slot.insert(map.next_value_seed(self.child())?);
                continue;
            };
            path.borrow_mut().push(slot.key().clone());
            let value = map.next_value_seed(self.child());
            path.borrow_mut().pop();
            slot.insert(value?);
        }
        if first {
            // `{}` is a level too.
            self.enter()?;
        }
        Ok(Value::Object(object))
    }
}

/// The text of a number that serde_json hands over as an owned string; anything else
/// (an object that has the reserved key, whose value comes from the input) is None.
struct NumberText;

impl<'de> DeserializeSeed<'de> for NumberText {
    type Value = Option<serde_json::Number>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NumberText {
    type Value = Option<serde_json::Number>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a number")
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        text.parse().map(Some).map_err(E::custom)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Ok(None)
    }
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
