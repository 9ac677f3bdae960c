//! What one version changed, in plain words ("summary edited; experience 1: 2 bullets
//! added, 1 changed; qa_metrics: coverage 80 → 88"): the state before and after compared
//! column by column, the document part by part (`parts.rs`). A write stores it with the
//! version it makes; `history` computes it for versions written before that.

mod parts;

use serde_json::Value;

/// The summary of a record's first version.
/// The largest document a summary compares, as text (`LARGE_DOCUMENT`), and as the
/// database stores it, compressed: a quarter of that, so that a document sent back to be
/// compared is never many times larger than the text limit.
pub const COMPARED_STORED: usize = crate::document::LARGE_DOCUMENT / 4;

pub const CREATED: &str = "created";

/// The summary of a record's state from before resumectl kept history (version 0).
pub const FIRST_STATE: &str = "as the web application left it";

/// About how long a summary grows: the phrases past it are counted instead.
const LIMIT_CHARS: usize = 200;

/// The room kept for "; and N more changes".
const COUNT_ROOM: usize = 24;

/// The longest a phrase gets: names from the document itself (an unknown key, a figure)
/// are cut, so that even the first phrase, always said, leaves the summary short.
const PHRASE_CHARS: usize = 80;

/// More changed keys than this in qa_metrics or export_formats: "replaced".
const KEYS_SAID: usize = 4;

/// What changed, phrase by phrase, in the order a resume reads, then the other columns.
#[derive(Debug, Default)]
pub struct Summary {
    phrases: Vec<String>,
}

impl Summary {
    /// The structured_output documents before and after (None: NULL).
    pub fn document(&mut self, old: Option<&Value>, new: Option<&Value>) {
        let old = old.filter(|value| !value.is_null());
        let new = new.filter(|value| !value.is_null());
        match (old, new) {
            (None, None) => {}
            (None, Some(_)) => self.say("structured_output added"),
            (Some(_), None) => self.say("structured_output removed"),
            (Some(old), Some(new)) if old != new => {
                if old.is_object() && new.is_object() {
                    let said = parts::changes(old, new);
                    if said.is_empty() {
                        self.say("structured_output edited");
                    }
                    for phrase in said {
                        self.say(&phrase);
                    }
                } else {
                    self.say("structured_output replaced");
                }
            }
            _ => {}
        }
    }

    /// A document too large to be compared here, that changed.
    pub fn large_document(&mut self) {
        self.say("structured_output edited (too large to compare its parts)");
    }

    /// A text column ("title edited", "plain text edited").
    pub fn text(&mut self, label: &str, old: Option<&str>, new: Option<&str>) {
        if old != new {
            self.say(&format!("{label} edited"));
        }
    }

    pub fn match_score(&mut self, old: Option<i32>, new: Option<i32>) {
        match (old, new) {
            (old, new) if old == new => {}
            (None, Some(new)) => self.say(&format!("match score set to {new}")),
            (Some(_), None) => self.say("match score cleared"),
            (Some(old), Some(new)) => self.say(&format!("match score {old} → {new}")),
            _ => {}
        }
    }

    /// A JSON column of figures or links (qa_metrics, export_formats), key by key: a
    /// number's old and new value ("coverage 80 → 88", "duplicates set to 0"), other keys
    /// by name; "added", "cleared" or "replaced" past four keys or for values that are
    /// not objects. NULL counts as an empty object.
    pub fn object(&mut self, label: &str, old: Option<&Value>, new: Option<&Value>) {
        let empty = serde_json::Map::new();
        let (old, new) = (old.filter(|v| !v.is_null()), new.filter(|v| !v.is_null()));
        if old == new {
            return;
        }
        let (Some(before), Some(after)) = (
            old.map_or(Some(&empty), Value::as_object),
            new.map_or(Some(&empty), Value::as_object),
        ) else {
            return self.say(&format!("{label} replaced"));
        };
        let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
        keys.sort();
        keys.dedup();
        let scalar = |value: &Value| value.is_number() || value.is_boolean();
        let words: Vec<String> = keys
            .into_iter()
            .filter(|key| before.get(*key) != after.get(*key))
            .map(|key| match (before.get(key), after.get(key)) {
                (None, Some(value)) if scalar(value) => format!("{key} set to {value}"),
                (None, _) => format!("{key} added"),
                (_, None) => format!("{key} removed"),
                (Some(old), Some(new)) if scalar(old) && scalar(new) => {
                    format!("{key} {old} → {new}")
                }
                _ => format!("{key} changed"),
            })
            .collect();
        if words.len() > KEYS_SAID {
            let how = match (old, new) {
                (None, _) => "added",
                (_, None) => "cleared",
                _ => "replaced",
            };
            self.say(&format!("{label} {how}"));
        } else {
            self.say(&format!("{label}: {}", words.join(", ")));
        }
    }

    fn say(&mut self, phrase: &str) {
        let phrase = match phrase.chars().count() > PHRASE_CHARS {
            true => format!(
                "{}…",
                phrase.chars().take(PHRASE_CHARS - 1).collect::<String>()
            ),
            false => phrase.to_string(),
        };
        self.phrases.push(phrase);
    }

    /// The summary: `event` first when the write is one ("restored from version 3: ..."),
    /// then the phrases that fit in about 200 characters, the rest counted.
    pub fn finish(self, event: Option<&str>) -> String {
        let lead = event.map(|event| format!("{event}: ")).unwrap_or_default();
        if self.phrases.is_empty() {
            return event.unwrap_or("no change").to_string();
        }
        let total = self.phrases.len();
        let mut said = String::new();
        let mut shown = 0;
        for phrase in &self.phrases {
            let room = if shown + 1 < total { COUNT_ROOM } else { 0 };
            let length = lead.chars().count() + said.chars().count() + 2 + phrase.chars().count();
            if shown > 0 && length + room > LIMIT_CHARS {
                break;
            }
            if shown > 0 {
                said.push_str("; ");
            }
            said.push_str(phrase);
            shown += 1;
        }
        if shown < total {
            let more = total - shown;
            let plural = if more == 1 { "" } else { "s" };
            said.push_str(&format!("; and {more} more change{plural}"));
        }
        format!("{lead}{said}")
    }
}

#[cfg(test)]
mod tests;
