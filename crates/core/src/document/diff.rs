//! What changed between two versions of a document, as JSON paths with old and new values.

use serde_json::Value;

use crate::model::reports::PathChange;

/// The changes from `old` to `new`. json-patch computes the operations; the old values
/// are looked up by their pointers (its removals run from an array's end, so every
/// pointer still names the place in `old`).
pub fn diff(old: &Value, new: &Value) -> Vec<PathChange> {
    json_patch::diff(old, new)
        .0
        .into_iter()
        .filter_map(|operation| {
            use json_patch::PatchOperation;
            Some(match operation {
                PatchOperation::Add(add) => PathChange {
                    op: "added",
                    path: add.path.to_string(),
                    old: None,
                    new: Some(add.value),
                },
                PatchOperation::Remove(remove) => PathChange {
                    op: "removed",
                    path: remove.path.to_string(),
                    old: old.pointer(remove.path.as_str()).cloned(),
                    new: None,
                },
                PatchOperation::Replace(replace) => PathChange {
                    op: "changed",
                    path: replace.path.to_string(),
                    old: old.pointer(replace.path.as_str()).cloned(),
                    new: Some(replace.value),
                },
                _ => return None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_added_removed_and_changed_paths_with_values() {
        let old = json!({"a": 1, "b": {"c": [1, 2, 3]}, "gone": true});
        let new = json!({"a": 2, "b": {"c": [1, 2]}, "fresh": "x"});
        let changes = diff(&old, &new);
        assert!(changes.contains(&PathChange {
            op: "changed",
            path: "/a".into(),
            old: Some(json!(1)),
            new: Some(json!(2))
        }));
        assert!(changes.contains(&PathChange {
            op: "removed",
            path: "/b/c/2".into(),
            old: Some(json!(3)),
            new: None
        }));
        assert!(
            changes
                .iter()
                .any(|c| c.op == "removed" && c.path == "/gone")
        );
        assert!(
            changes
                .iter()
                .any(|c| c.op == "added" && c.path == "/fresh")
        );
        assert!(diff(&old, &old).is_empty());
    }
}
