//! The fast path against the full one: the same verdict on every input.

use super::super::{DocumentKind, parse_and_validate};
use super::accepted;

/// Panics when the fast path accepts what the full path refuses, or the reverse, or
/// reads different defaults or text.
pub fn check(kind: DocumentKind, data: &[u8]) {
    let fast = accepted(kind, data);
    let full = parse_and_validate(kind, data);
    match (fast, full) {
        (Some(fast), Ok((value, text))) => {
            assert_eq!(fast.text, text, "the two paths hand back different text");
            if kind == DocumentKind::StructuredOutput {
                assert_eq!(fast.defaults, super::super::defaults(&value));
            }
        }
        (None, Err(_)) => {}
        (Some(_), Err(problems)) => panic!(
            "the fast path accepts what is refused ({problems:?}): {}",
            shown(data)
        ),
        (None, Ok(_)) => panic!("the fast path refuses a valid document: {}", shown(data)),
    }
}

/// The start of an input, for a failure's message.
fn shown(data: &[u8]) -> String {
    String::from_utf8_lossy(&data[..data.len().min(300)]).into_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    const KINDS: [DocumentKind; 3] = [
        DocumentKind::StructuredOutput,
        DocumentKind::QaMetrics,
        DocumentKind::ExportFormats,
    ];

    /// Every JSON pointer of `value`, the root first.
    fn pointers(value: &Value, at: String, all: &mut Vec<String>) {
        all.push(at.clone());
        let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    pointers(member, format!("{at}/{}", escape(key)), all);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    pointers(item, format!("{at}/{index}"), all);
                }
            }
            _ => {}
        }
    }

    /// `seed` with the value at each of its pointers replaced, in turn, by each of a set
    /// of values (wrong types, bounds, formats) and, inside an object, removed.
    fn mutations(seed: &Value) -> Vec<Value> {
        let replacements = [
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(100),
            json!(101),
            json!(1.5),
            json!(""),
            json!("2026-02-30T10:00:00Z"),
            json!("2026-12-02T10:00:00Z"),
            json!([]),
            json!({}),
            json!(["x", 1]),
        ];
        let mut found = Vec::new();
        let mut all = Vec::new();
        pointers(seed, String::new(), &mut all);
        for pointer in all.iter().skip(1) {
            for replacement in &replacements {
                let mut changed = seed.clone();
                *changed.pointer_mut(pointer).unwrap() = replacement.clone();
                found.push(changed);
            }
            let (parent, last) = pointer.rsplit_once('/').unwrap();
            let mut changed = seed.clone();
            match changed.pointer_mut(if parent.is_empty() { "" } else { parent }) {
                Some(Value::Object(members)) => {
                    members.remove(&last.replace("~1", "/").replace("~0", "~"));
                }
                Some(Value::Array(items)) => {
                    items.push(items[0].clone());
                }
                _ => unreachable!(),
            }
            found.push(changed);
        }
        found
    }

    /// The text of `value`, and variants the parser must treat alike or refuse alike:
    /// pretty, with a byte-order mark, a key and a value spelt with escapes, a repeated
    /// key, a number written with an exponent or past a double's precision, NUL escapes,
    /// trailing data.
    fn spellings(value: &Value) -> Vec<String> {
        let text = value.to_string();
        let mut found = vec![
            serde_json::to_string_pretty(value).unwrap(),
            format!("\u{feff}{text}"),
            text.replacen("\":", "\\u0020\":", 1),
            text.replacen(":\"", ":\"\\u00e9\\n", 1),
            text.replacen('{', "{\"dup\":1,\"dup\":2,", 1),
            text.replacen('{', "{\"\\u0064up\":1,\"dup\":2,", 1),
            text.replacen('{', "{\"$serde_json::private::Number\":\"1\",", 1),
            text.replacen(":1", ":1e0", 1),
            text.replacen(":1", ":100.0000000000000000001", 1),
            text.replacen(":\"", ":\"\\u0000", 1),
            format!("{text} x"),
            format!("{text}\n"),
        ];
        found.push(text);
        found
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_one_on_generated_documents() {
        let seeds = [
            (DocumentKind::StructuredOutput, crate::document::example()),
            (
                DocumentKind::QaMetrics,
                json!({"coverage": 80, "readability": 99.5, "format_compliance": 100,
                       "duplicates": 0, "qa": {"notes": ["x"]}}),
            ),
            (
                DocumentKind::ExportFormats,
                json!({"pdf_url": "s3://b/k.pdf", "generated_at": "2026-12-02T10:00:00Z",
                       "expires_at": "2026-12-09T10:00:00+01:00", "resumectl_exports": {}}),
            ),
        ];
        let mut checked = 0;
        let mut accepted_count = 0;
        for (kind, seed) in &seeds {
            let mut documents = mutations(seed);
            documents.push(seed.clone());
            for (number, document) in documents.iter().enumerate() {
                // Every spelling of every third document, the plain text of the others.
                let texts = if number % 3 == 0 {
                    spellings(document)
                } else {
                    vec![document.to_string()]
                };
                for text in texts {
                    check(*kind, text.as_bytes());
                    checked += 1;
                    accepted_count += usize::from(accepted(*kind, text.as_bytes()).is_some());
                }
            }
        }
        // Both verdicts are well represented, or the comparison proves little.
        assert!(checked > 5_000, "{checked}");
        assert!(
            accepted_count > checked / 20,
            "{accepted_count} of {checked}"
        );
        assert!(
            accepted_count < checked * 9 / 10,
            "{accepted_count} of {checked}"
        );
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_one_on_the_fuzz_corpus() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/strict_json");
        let mut replayed = 0;
        for entry in std::fs::read_dir(folder).expect("the committed fuzz corpus") {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            for kind in KINDS {
                check(kind, &data);
            }
            replayed += 1;
        }
        assert!(replayed >= 100, "only {replayed} corpus inputs in {folder}");
    }

    #[test]
    fn deep_and_wide_input_is_refused_or_accepted_as_the_full_path_does() {
        let nested =
            |levels: usize| format!("{{\"x\":{}1{}}}", "[".repeat(levels), "]".repeat(levels));
        for levels in [126, 127, 128, 1_000_000] {
            check(DocumentKind::QaMetrics, nested(levels).as_bytes());
        }
        let objects =
            |levels: usize| format!("{}{{}}{}", "{\"a\":".repeat(levels), "}".repeat(levels));
        for levels in [127, 128, 1_000_000] {
            check(DocumentKind::QaMetrics, objects(levels).as_bytes());
        }
        let wide: Vec<String> = (0..5_000).map(|n| format!("\"k{n}\":{n}")).collect();
        let wide = format!("{{{}}}", wide.join(","));
        check(DocumentKind::QaMetrics, wide.as_bytes());
        assert!(accepted(DocumentKind::QaMetrics, wide.as_bytes()).is_some());
        let repeated = wide.replacen("}", ",\"k4321\":0}", 1);
        check(DocumentKind::QaMetrics, repeated.as_bytes());
        assert!(accepted(DocumentKind::QaMetrics, repeated.as_bytes()).is_none());
    }
}
