//! The fast path for a valid document: parsed into a borrowed tree, validated by a yes or
//! no answer, no `serde_json::Value` built. It only ever answers "certainly valid"; any
//! other answer sends the document down the full path (`strict_json` and the schema's
//! error iterator), which refuses it and says where. `differential` holds the two to the
//! same verdict on every input.

#[cfg(test)]
mod differential;
pub mod json;
pub mod tree;

use std::sync::OnceLock;

use jsonschema::Validator;
use jsonschema::json::Node;

use super::DocumentKind;
use crate::model::changes::DocumentDefaults;
use json::{Borrowed, Ref};

/// A document the fast path found valid.
pub struct Accepted<'a> {
    /// The input less a byte-order mark: what gets stored.
    pub text: &'a str,
    pub defaults: DocumentDefaults,
}

/// `bytes` as a valid document of `kind`, or None when that is not certain: the full path
/// then decides, and explains a refusal.
pub fn accepted(kind: DocumentKind, bytes: &[u8]) -> Option<Accepted<'_>> {
    let validator = validator(kind)?;
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // NUL is refused by the strict parser. A NUL byte is found here; the escape \u0000
    // can only be in a string with escapes, which the parser checks.
    if memchr::memchr(0, text.as_bytes()).is_some() {
        return None;
    }
    let tree = tree::parse(text)?;
    let root = Ref {
        all: &tree.entries,
        at: 0,
    };
    if root.as_object().is_none() || !validator.is_valid(root) {
        return None;
    }
    let text_at = |object: &str, key: &str| {
        root.member(object)
            .and_then(|parent| parent.member(key))
            .and_then(|value| value.text())
            .map(str::to_string)
    };
    let defaults = match kind {
        DocumentKind::StructuredOutput => DocumentDefaults {
            job_title: text_at("analysis", "job_title"),
            ats_plain_text: text_at("tailored_resume_text", "ats_plain_text"),
        },
        _ => DocumentDefaults::default(),
    };
    Some(Accepted { text, defaults })
}

/// `kind`'s schema compiled for the borrowed tree, built once.
fn validator(kind: DocumentKind) -> Option<&'static Validator<Borrowed>> {
    static VALIDATORS: [OnceLock<Validator<Borrowed>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    kind.compiled(&VALIDATORS)
}
