//! The strict parser checked against serde_json, on any input: the fuzz target in `fuzz/`
//! runs [`check`], and the normal tests replay its corpus through it.
//!
//! Both must accept and refuse the same inputs and, where both accept, give the same value,
//! except where the strict parser refuses on purpose. Each such refusal must have its
//! witness, found here independently of the parser under test:
//! - a duplicate key in an object;
//! - NUL in a string or a key (PostgreSQL cannot store it);
//! - arrays and objects nested deeper than `MAX_NESTING`;
//! - serde_json's private number token used as a key.
//!
//! The strict parser also accepts one thing serde_json refuses: a leading byte-order mark.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{MAX_NESTING, parse_strict};

const NUMBER_TOKEN: &str = "$serde_json::private::Number";
const BOM: &str = "\u{feff}";

/// Panics, naming the disagreement, when the strict parser and serde_json disagree on
/// `data` in a way the strict parser's rules do not explain.
pub fn check(data: &[u8]) {
    match (parse_strict(data), reference(data)) {
        (Ok((value, text)), Ok(expected)) => {
            assert_eq!(value, expected, "the parsers read different values");
            assert_eq!(
                text.as_bytes(),
                data,
                "the text handed back is not the input"
            );
            holds_the_strict_rules(data);
        }
        (Ok((value, text)), Err(error)) => {
            // Only a byte-order mark, which serde_json refuses, is accepted on purpose.
            let rest = std::str::from_utf8(data)
                .ok()
                .and_then(|all| all.strip_prefix(BOM))
                .unwrap_or_else(|| panic!("accepted what serde_json refuses: {error}"));
            assert_eq!(
                text, rest,
                "the text handed back is not the input after the BOM"
            );
            let expected = reference(rest.as_bytes()).unwrap_or_else(|error| {
                panic!("accepted, after a BOM, what serde_json refuses: {error}")
            });
            assert_eq!(
                value, expected,
                "the parsers read different values after a BOM"
            );
            holds_the_strict_rules(rest.as_bytes());
        }
        (Err(problem), Ok(_)) => {
            let loose = loose(data).expect("serde_json accepted it, so the loose reading does");
            let on_purpose = if problem.message.contains("duplicate key") {
                loose.has_duplicate_key()
            } else if problem.message.contains("NUL") {
                loose.has_nul()
            } else if problem.message.contains("nesting deeper") {
                loose.depth() > MAX_NESTING
            } else if problem.message.contains("reserved") {
                has_number_token_key(data)
            } else {
                false
            };
            assert!(
                on_purpose,
                "refused what serde_json accepts, without its reason: {} at {}",
                problem.message, problem.path
            );
        }
        (Err(_), Err(_)) => {}
    }
}

/// An accepted input breaks none of the rules the strict parser exists for. serde_json
/// keeps the last of two equal keys, so equal values alone would not show a rule the
/// parser failed to apply.
fn holds_the_strict_rules(data: &[u8]) {
    let loose = loose(data).expect("serde_json accepted it, so the loose reading does");
    assert!(!loose.has_duplicate_key(), "accepted a duplicate key");
    assert!(!loose.has_nul(), "accepted NUL");
    assert!(
        loose.depth() <= MAX_NESTING,
        "accepted nesting past the limit"
    );
    assert!(
        !has_number_token_key(data),
        "accepted the reserved number key"
    );
}

/// Whether any key in the JSON text, once its escapes are read (`\u0024` is `$`), is
/// serde_json's private number token: found from the text's own string literals, not by
/// either parser.
fn has_number_token_key(data: &[u8]) -> bool {
    let mut rest = data;
    while let Some(start) = memchr::memchr(b'"', rest) {
        let literal = &rest[start..];
        let mut end = 1;
        while end < literal.len() && literal[end] != b'"' {
            end += if literal[end] == b'\\' { 2 } else { 1 };
        }
        let Some(literal) = literal.get(..=end) else {
            return false;
        };
        rest = &rest[start + end + 1..];
        let is_key = rest.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b':');
        if is_key && serde_json::from_slice::<String>(literal).is_ok_and(|t| t == NUMBER_TOKEN) {
            return true;
        }
    }
    false
}

/// serde_json's own reading, without its nesting limit (the stack grows as needed).
fn reference(data: &[u8]) -> serde_json::Result<Value> {
    read(data)
}

/// The input as `Loose`: every key kept.
fn loose(data: &[u8]) -> serde_json::Result<Loose> {
    read(data)
}

/// serde_json reading `data` as one `T`, without its nesting limit.
fn read<T: serde::de::DeserializeOwned>(data: &[u8]) -> serde_json::Result<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(data);
    deserializer.disable_recursion_limit();
    let value = T::deserialize(serde_stacker::Deserializer::new(&mut deserializer))?;
    deserializer.end()?;
    Ok(value)
}

/// JSON read as it is written: objects keep every key, duplicates included.
enum Loose {
    Leaf,
    String(String),
    Array(Vec<Loose>),
    Object(Vec<(String, Loose)>),
}

impl Loose {
    fn children(&self) -> Box<dyn Iterator<Item = &Loose> + '_> {
        match self {
            Loose::Array(items) => Box::new(items.iter()),
            Loose::Object(entries) => Box::new(entries.iter().map(|(_, value)| value)),
            _ => Box::new(std::iter::empty()),
        }
    }

    fn has_duplicate_key(&self) -> bool {
        if let Loose::Object(entries) = self {
            let mut keys: Vec<&str> = entries.iter().map(|(key, _)| key.as_str()).collect();
            keys.sort_unstable();
            if keys.windows(2).any(|pair| pair[0] == pair[1]) {
                return true;
            }
        }
        self.children().any(Loose::has_duplicate_key)
    }

    fn has_nul(&self) -> bool {
        match self {
            Loose::String(text) => text.contains('\0'),
            Loose::Object(entries) if entries.iter().any(|(key, _)| key.contains('\0')) => true,
            _ => self.children().any(Loose::has_nul),
        }
    }

    /// Levels of arrays and objects: `[[1]]` is 2.
    fn depth(&self) -> usize {
        match self {
            Loose::Leaf | Loose::String(_) => 0,
            _ => 1 + self.children().map(Loose::depth).max().unwrap_or(0),
        }
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Loose, E> {
        Ok(Loose::Leaf)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Loose, E> {
        Ok(Loose::Leaf)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Loose, E> {
        Ok(Loose::Leaf)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Loose, E> {
        Ok(Loose::Leaf)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Loose, E> {
        Ok(Loose::String(text.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Leaf)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Loose::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.is_empty() && key == NUMBER_TOKEN {
                // How serde_json hands over a number with `arbitrary_precision`.
                map.next_value::<String>()?;
                return Ok(Loose::Leaf);
            }
            entries.push((key, map.next_value()?));
        }
        Ok(Loose::Object(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fuzzer's corpus: inputs it found interesting, kept as the regression test.
    #[test]
    fn the_fuzz_corpus_replays_without_a_disagreement() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/strict_json");
        let (mut replayed, mut accepted) = (0, 0);
        for entry in std::fs::read_dir(folder).expect("the committed fuzz corpus") {
            let path = entry.unwrap().path();
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{} disagrees", path.display());
            replayed += 1;
            accepted += usize::from(parse_strict(&data).is_ok());
        }
        assert!(replayed >= 100, "only {replayed} corpus inputs in {folder}");
        // Both sides of the parser are exercised, not only one.
        assert!(
            accepted >= 50 && replayed - accepted >= 50,
            "{accepted} of {replayed} accepted"
        );
    }

    #[test]
    fn every_purposeful_refusal_is_refused_and_explained() {
        let nested = format!("{}{}", "[".repeat(129), "]".repeat(129));
        for input in [
            r#"{"a": 1, "a": 2}"#,
            r#"["\u0000"]"#,
            r#"{"k\u0000": 1}"#,
            r#"{"$serde_json::private::Number": "5"}"#,
            r#"{"\u0024serde_json::private::Number": "5"}"#,
            &nested,
        ] {
            assert!(parse_strict(input.as_bytes()).is_err(), "{input}");
            assert!(reference(input.as_bytes()).is_ok(), "{input}");
            check(input.as_bytes());
        }
        for input in [
            "\u{feff}{\"a\": [1.50, -0, 1e400]}",
            r#"{"n": 100.0000000000000000001, "k": "$serde_json::private::Number"}"#,
        ] {
            assert!(parse_strict(input.as_bytes()).is_ok(), "{input}");
            check(input.as_bytes());
        }
        assert!(has_number_token_key(
            br#"{"\u0024serde_json::private::Number": 1}"#
        ));
        assert!(!has_number_token_key(
            br#"{"a": "\"$serde_json::private::Number"}"#
        ));
        assert!(!has_number_token_key(
            br#"["$serde_json::private::Number"]"#
        ));
        assert!(
            loose(br#"{"a": {"b": 1, "b": 2}}"#)
                .unwrap()
                .has_duplicate_key()
        );
        assert!(
            !loose(br#"{"a": {"b": 1}, "b": 2}"#)
                .unwrap()
                .has_duplicate_key()
        );
        assert_eq!(loose(b"[[1], {\"a\": []}]").unwrap().depth(), 3);
    }
}
