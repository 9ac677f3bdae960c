//! A document parsed into one flat run of entries, in the order they are written: a
//! container's entry comes first and says where its last descendant ends, so its
//! children are found by skipping from one to the next, and nothing is moved once placed.
//! Strings are borrowed from the input where it has no escapes; numbers keep their exact
//! text. serde_json reads the syntax, so what it accepts and refuses is the strict
//! parser's; this visitor refuses at the first sign of anything the strict parser would
//! refuse (a duplicate key, NUL, nesting past the limit, serde_json's private number key).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::super::strict_json::MAX_NESTING;
use super::super::strict_json::visitor::{NUMBER_TOKEN, NumberText};

/// Objects up to this size are checked for a repeated key pair by pair; larger ones are
/// sorted first.
const PAIRWISE: usize = 16;

/// One value, with the key it has in its object (empty in an array, and at the root).
pub struct Entry<'t> {
    pub key: Cow<'t, str>,
    pub value: Item<'t>,
}

pub enum Item<'t> {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Cow<'t, str>),
    /// `len` children, the first right after this entry; `end` is the index after the
    /// last of its descendants (where its next sibling is).
    Array {
        len: u32,
        end: u32,
    },
    Object {
        len: u32,
        end: u32,
    },
}

impl Item<'_> {
    /// The index of the entry after this one's descendants, this one being at `at`.
    pub fn next(&self, at: usize) -> usize {
        match self {
            Item::Array { end, .. } | Item::Object { end, .. } => *end as usize,
            _ => at + 1,
        }
    }
}

/// A parsed document: every entry, the root first.
pub struct Tree<'t> {
    pub entries: Vec<Entry<'t>>,
}

/// Parses `text`; None when it is not certainly what the strict parser accepts (it may
/// be refused there, with its reason).
pub fn parse(text: &str) -> Option<Tree<'_>> {
    // About one value for every 40 bytes of a typical document.
    let mut entries = Vec::with_capacity(text.len() / 40 + 8);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    Seed {
        entries: &mut entries,
        key: Cow::Borrowed(""),
        depth: 0,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    Some(Tree { entries })
}

/// Places one value (and its descendants) at the end of `entries`, under `key`.
struct Seed<'b, 't> {
    entries: &'b mut Vec<Entry<'t>>,
    key: Cow<'t, str>,
    /// Arrays and objects this value is inside.
    depth: usize,
}

impl<'t> Seed<'_, 't> {
    fn place(self, value: Item<'t>) {
        self.entries.push(Entry {
            key: self.key,
            value,
        });
    }

    /// Places a container's entry before its children: where it is.
    fn open(&mut self, value: Item<'t>) -> usize {
        self.entries.push(Entry {
            key: std::mem::take(&mut self.key),
            value,
        });
        self.entries.len() - 1
    }

    /// The seed of a child of this container.
    fn child(&mut self, key: Cow<'t, str>) -> Seed<'_, 't> {
        Seed {
            entries: &mut *self.entries,
            key,
            depth: self.depth + 1,
        }
    }

    /// Where the next entry will go, as the index a container's `end` holds.
    fn end<E: de::Error>(&self) -> Result<u32, E> {
        u32::try_from(self.entries.len()).map_err(|_| refuse())
    }
}

fn refuse<E: de::Error>() -> E {
    E::custom("left to the strict parser")
}

impl<'t> DeserializeSeed<'t> for Seed<'_, 't> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'t>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'t> Visitor<'t> for Seed<'_, 't> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        self.place(Item::Bool(value));
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        self.place(Item::Number(value.into()));
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.place(Item::Number(value.into()));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        let number = serde_json::Number::from_f64(value).ok_or_else(refuse)?;
        self.place(Item::Number(number));
        Ok(())
    }

    fn visit_borrowed_str<E>(self, value: &'t str) -> Result<(), E> {
        self.place(Item::String(Cow::Borrowed(value)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        self.visit_string(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<(), E> {
        // Only a string with escapes comes here: \u0000 is one (a NUL byte was refused).
        if value.contains('\0') {
            return Err(refuse());
        }
        self.place(Item::String(Cow::Owned(value)));
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.place(Item::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'t>>(mut self, mut seq: A) -> Result<(), A::Error> {
        if self.depth >= MAX_NESTING {
            return Err(refuse());
        }
        let at = self.open(Item::Null);
        let mut len = 0u32;
        while seq
            .next_element_seed(self.child(Cow::Borrowed("")))?
            .is_some()
        {
            len += 1;
        }
        let end = self.end()?;
        self.entries[at].value = Item::Array { len, end };
        Ok(())
    }

    fn visit_map<A: MapAccess<'t>>(mut self, mut map: A) -> Result<(), A::Error> {
        let mut at = None;
        let mut len = 0u32;
        while let Some(key) = map.next_key_seed(Key)? {
            if at.is_none() && key == NUMBER_TOKEN {
                // A number as its exact text, or an object with the reserved key (refused).
                let number = map.next_value_seed(NumberText)?.ok_or_else(refuse)?;
                self.place(Item::Number(number));
                return Ok(());
            }
            if self.depth >= MAX_NESTING {
                // Before its values are read: deep input must not deepen the recursion.
                return Err(refuse());
            }
            if at.is_none() {
                at = Some(self.open(Item::Null));
            }
            map.next_value_seed(self.child(key))?;
            len += 1;
        }
        if self.depth >= MAX_NESTING {
            return Err(refuse());
        }
        let at = match at {
            Some(at) => at,
            None => self.open(Item::Null),
        };
        let end = self.end()?;
        self.entries[at].value = Item::Object { len, end };
        if repeats_a_key(self.entries, at) {
            return Err(refuse());
        }
        Ok(())
    }
}

/// Whether two members of the object at `at` have the same key.
fn repeats_a_key(entries: &[Entry<'_>], at: usize) -> bool {
    let Item::Object { len, .. } = entries[at].value else {
        return false;
    };
    let members = || Children::new(entries, at, len).map(|child| &*entries[child].key);
    if len as usize <= PAIRWISE {
        return members()
            .enumerate()
            .any(|(index, key)| members().take(index).any(|other| other == key));
    }
    let mut keys: Vec<&str> = members().collect();
    keys.sort_unstable();
    keys.windows(2).any(|pair| pair[0] == pair[1])
}

/// The indexes of a container's children: from the first, right after it, skipping
/// each one's descendants.
#[derive(Clone)]
pub struct Children<'a, 't> {
    entries: &'a [Entry<'t>],
    next: usize,
    left: u32,
}

impl<'a, 't> Children<'a, 't> {
    /// The `len` children of the container at `at`.
    pub fn new(entries: &'a [Entry<'t>], at: usize, len: u32) -> Self {
        Children {
            entries,
            next: at + 1,
            left: len,
        }
    }
}

impl Iterator for Children<'_, '_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let at = self.next;
        self.next = self.entries[at].value.next(at);
        Some(at)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

/// An object key, borrowed from the input unless it has escapes.
struct Key;

impl<'t> DeserializeSeed<'t> for Key {
    type Value = Cow<'t, str>;

    fn deserialize<D: de::Deserializer<'t>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'t> Visitor<'t> for Key {
    type Value = Cow<'t, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, value: &'t str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        self.visit_string(value.to_string())
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        if value.contains('\0') {
            return Err(refuse());
        }
        Ok(Cow::Owned(value))
    }
}
