//! The visitor behind the strict parser: builds a `Value`, refusing duplicate keys, NUL
//! and nesting past the limit, and keeping every number's exact text.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Value};

use super::MAX_NESTING;
use crate::error::Problem;

/// How serde_json (with `arbitrary_precision`) hands a number to a visitor: a one-entry
/// map under this key, whose value is the number's exact text.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Builds a `Value`, refusing duplicate keys and NUL. With `path`, it keeps the JSON
/// path of where it is, so that a refusal can name it; without, it is faster.
pub(super) struct ValueSeed<'p> {
    pub(super) path: Option<&'p RefCell<Vec<String>>>,
    pub(super) found: &'p RefCell<Option<Problem>>,
    /// Arrays and objects this value is inside.
    pub(super) depth: usize,
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
            path: crate::document::pointer::pointer(&segments),
            message,
            hint: None,
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
pub(crate) struct NumberText;

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
