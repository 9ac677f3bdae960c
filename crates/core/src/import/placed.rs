//! What of an input found a place in the document: each importer marks the JSON paths it
//! used, and whatever holds a value and was not marked becomes a note, named at the
//! highest path of which nothing was used (`/references`, not each of its fields).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::document::pointer;
use crate::error::Problem;

#[derive(Debug, Default)]
pub struct Placed {
    paths: BTreeSet<String>,
}

impl Placed {
    /// `path` (a JSON pointer) and all it holds found a place.
    pub fn mark(&mut self, path: impl Into<String>) {
        self.paths.insert(path.into());
    }

    /// `path` found no place after all.
    pub fn unmark(&mut self, path: &str) {
        self.paths.remove(path);
    }

    /// A note for every part of `input` that holds a value and was not marked, in key
    /// order (a parsed object keeps no other), each saying `why(path)`.
    pub fn unplaced(&self, input: &Value, why: impl Fn(&str) -> String) -> Vec<Problem> {
        let mut notes = Vec::new();
        self.walk(input, String::new(), &why, &mut notes);
        notes
    }

    fn walk(
        &self,
        value: &Value,
        path: String,
        why: &impl Fn(&str) -> String,
        notes: &mut Vec<Problem>,
    ) {
        if self.paths.contains(&path) || is_empty(value) {
            return;
        }
        if !self.any_below(&path) {
            let at = if path.is_empty() { "/" } else { &path };
            notes.push(Problem::at(at, why(at)));
            return;
        }
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    self.walk(
                        child,
                        format!("{path}/{}", pointer::escape(key)),
                        why,
                        notes,
                    );
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    self.walk(child, format!("{path}/{index}"), why, notes);
                }
            }
            _ => {}
        }
    }

    /// Whether a path inside `path` was marked.
    fn any_below(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.paths
            .range(prefix.clone()..)
            .next()
            .is_some_and(|marked| marked.starts_with(&prefix))
    }
}

/// Nothing to lose: null, "", [], {} (or only such values inside).
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.iter().all(is_empty),
        Value::Object(map) => map.values().all(is_empty),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_highest_unused_path_is_named_and_empty_values_are_not() {
        let input = json!({
            "basics": {"name": "A", "image": "", "location": {"city": "X", "address": "Y"}},
            "references": [{"name": "B", "reference": "C"}],
            "work": [],
        });
        let mut placed = Placed::default();
        placed.mark("/basics/name");
        placed.mark("/basics/location/city");
        let notes: Vec<String> = placed
            .unplaced(&input, |_| String::new())
            .into_iter()
            .map(|note| note.path)
            .collect();
        assert_eq!(notes, ["/basics/location/address", "/references"]);
    }
}
